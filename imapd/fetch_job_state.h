// The state of a FetchJob, shared by the files that implement it (imap_fetch.cpp: stepping through
// the targets and streaming literals; imap_fetch_items.cpp: rendering each data item). Internal to imapd.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mail/mime_parser.h"
#include "imapd/content_decoder.h"
#include "imapd/fetch_section.h"
#include "imapd/imap_fetch.h"
#include "storage/db.h"
#include "storage/readers.h"

namespace roost::imap {

// The part BINARY decodes: a non-multipart part named by number. Multiparts and the whole message go
// out as they are.
inline const mail::MimePart* binary_part(const SectionRange& range) {
  if (range.part == nullptr || range.part->is_multipart()) return nullptr;
  return range.part;
}

struct FetchJob::State {
  State(store::Store& s, const Fetch& fetch, std::vector<FetchTarget> t, FetchOptions o);

  store::StoreResult<bool> run(std::string& out, std::size_t budget);
  // Loads what the current target needs; false when its bytes are gone (the target is skipped).
  store::StoreResult<bool> begin_target();
  store::StoreResult<void> check_binary_encodings();
  // Appends the current item; false when a literal is still streaming.
  store::StoreResult<bool> render_item(std::string& out, const FetchItem& item);
  store::StoreResult<void> begin_literal(std::string& out, std::string_view name, const SectionRange& range,
                                         const FetchItem& item, bool binary);
  store::StoreResult<bool> stream(std::string& out, std::size_t start, std::size_t budget);
  // The size of a part's content after decoding, and whether it holds NUL (asked for BINARY only).
  struct Content {
    std::uint64_t size = 0;
    bool has_nul = false;
  };
  store::StoreResult<Content> scan_content(std::uint64_t offset, std::uint64_t size, ContentEncoding encoding,
                                           bool want_nul);
  void end_target();

  store::Store& store;
  std::vector<FetchTarget> targets;
  FetchOptions options;
  std::vector<FetchItem> items;  // as asked, with UID and MODSEQ added when the options want them
  bool flags_implied = false;    // FLAGS was not asked: a target with seen_set adds it
  bool body = false;             // some item reads the message bytes
  bool structure = false;        // some item needs the parsed structure
  bool envelope = false;

  std::optional<store::ReaderPool::Lease> lease;
  std::optional<store::Txn> txn;
  std::vector<char> chunk;

  // The current target.
  std::size_t next = 0;
  bool in_target = false;
  std::size_t item_index = 0;
  std::size_t response_start = 0;
  bool started_this_call = false;
  std::unique_ptr<store::BlobStream> blob;
  std::optional<mail::ParsedMessage> parsed;
  std::optional<mail::Envelope> target_envelope;  // ENVELOPE without the parsed structure

  // The literal being streamed: raw bytes [offset, offset + size) of the blob, or decoded (BINARY):
  // the decoded bytes [skip, skip + emit).
  bool streaming = false;
  std::uint64_t stream_offset = 0;
  std::uint64_t stream_size = 0;
  std::uint64_t stream_read = 0;
  std::optional<ContentDecoder> decoder;
  std::string decoded;
  std::uint64_t skip = 0;
  std::uint64_t emit = 0;
  std::uint64_t emitted = 0;

  bool broken = false;
  bool unknown_cte = false;
};

}  // namespace roost::imap

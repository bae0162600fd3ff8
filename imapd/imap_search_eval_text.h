// The message text SEARCH looks at (internal to the SEARCH evaluation): a message's header fields
// decoded (RFC 2047), and its text parts decoded (transfer encoding, charset) piece by piece, read
// from the store only when a key asks and never held whole.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mail/header_fields.h"
#include "common/mail/mime_parser.h"
#include "imapd/text_search.h"
#include "storage/messages.h"

namespace roost::imap {

// Bytes read from the store at a time for body search.
inline constexpr std::size_t kSearchChunkSize = 64 * 1024;
// A header section longer than this is searched in its first kMaxSearchHeaderSize bytes only (the
// same bound the MIME parser keeps per part).
inline constexpr std::size_t kMaxSearchHeaderSize = 256 * 1024;

// Decoders that take a part's body in chunks of any size (RFC 2045 6.7 and 6.8). Each returns the
// decoded bytes: a view of `scratch`, or of `in` itself when nothing needed decoding.
class Base64Stream {
 public:
  std::string_view decode(std::string_view in, std::string& scratch);

 private:
  std::uint32_t bits_ = 0;
  int count_ = 0;
  bool ended_ = false;  // '=' seen: the rest is padding or garbage
};
class QuotedPrintableStream {
 public:
  std::string_view decode(std::string_view in, std::string& scratch);
  std::string_view finish(std::string& scratch);  // an escape cut short at the end of the part

 private:
  std::string pending_;  // "=", "=X" or "=\r" cut at a chunk end
};

// Converts a text part's bytes to UTF-8 as they arrive, cutting pieces at line ends so no character
// of a multi-byte charset is split (LF is a single byte in every charset mail uses except UTF-16/32,
// whose pieces are cut at multiples of 4 bytes instead). A view returned stays valid until the next
// call (it may be of `in`, of `scratch` or of the stream's own buffer).
class CharsetStream {
 public:
  // With `ascii_needle`, text in a charset that keeps ASCII bytes as they are is not converted: only
  // its ASCII bytes can match (the other bytes stay, and cannot match an ASCII needle either).
  explicit CharsetStream(std::string_view charset, bool ascii_needle = false);
  // UTF-8, US-ASCII, unlabelled, or an ASCII needle over ASCII-safe text: searched as it is.
  bool passthrough() const { return passthrough_; }
  std::string_view convert(std::string_view in, std::string& scratch);
  std::string_view finish(std::string& scratch);

 private:
  std::string_view flush(std::string_view bytes, std::string& scratch);
  std::string charset_;
  bool passthrough_ = false;
  bool ascii_compatible_ = false;  // ASCII bytes mean the same in this charset: no conversion needed
  bool line_safe_ = true;          // LF never occurs inside a character
  bool latin1_ = false;            // ISO-8859-1, converted here without iconv
  std::string pending_;            // an unfinished line
  std::string piece_;              // the bytes last converted, when they were not the caller's
};

// Buffers for body search, reused from message to message of one search.
struct ScanBuffers {
  std::string chunk;      // bytes read from the store
  std::string decoded;    // after the transfer encoding
  std::string converted;  // after the charset
};

// One message's text, loaded lazily from a reader connection inside a read transaction.
class MessageText {
 public:
  MessageText(store::Db& db, const store::MessageInfo& info, ScanBuffers& buffers)
      : db_(db), info_(info), buffers_(buffers) {}
  ~MessageText();

  // The header fields (RFC 5322), raw. Errors: the store failed (not_found: the blob is gone).
  store::StoreResult<const std::vector<mail::HeaderField>*> fields();
  // Field values decoded to UTF-8 (RFC 2047), one per field, same order as fields().
  store::StoreResult<const std::vector<std::string>*> decoded_values();
  // Whether the needle occurs in the decoded header ("Name: value" lines, so "subject: hello" is found).
  store::StoreResult<bool> header_contains(const TextMatcher& needle);
  // Whether the needle occurs in the decoded text of the body's text parts (and in the headers of
  // attached messages).
  store::StoreResult<bool> body_contains(const TextMatcher& needle);

 private:
  store::StoreResult<store::BlobStream*> stream();
  store::StoreResult<const mail::MimePart*> structure();
  store::StoreResult<bool> part_contains(const mail::MimePart& part, const TextMatcher& needle, StreamMatcher& matcher);
  store::StoreResult<bool> text_part_contains(const mail::MimePart& part, StreamMatcher& matcher);
  store::StoreResult<std::string> read_range(std::uint64_t offset, std::uint64_t size);

  store::Db& db_;
  const store::MessageInfo& info_;
  std::unique_ptr<store::BlobStream> stream_;
  std::optional<std::vector<mail::HeaderField>> fields_;
  std::optional<std::vector<std::string>> decoded_;
  std::optional<std::string> header_text_;
  std::optional<mail::ParsedMessage> parsed_;
  ScanBuffers& buffers_;
};

}  // namespace roost::imap

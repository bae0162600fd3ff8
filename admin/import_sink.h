// Where `roostctl import` puts messages: an account's mailboxes, written through the store's writer
// a batch at a time (one transaction and one fsync per batch: group commit), skipping messages that
// are already there so that running the same import again adds nothing.
//
// Idempotence without a state file: before the first message goes into a mailbox, the (size,
// internal date) of the messages it already holds are indexed; a message to import whose size and
// date match one of them is compared byte for byte with the stored blob and skipped when equal, each
// stored message standing for one imported copy. The store itself is the record of what was
// imported, so an interrupted run, a re-run after a crash or a copy moved by a client all come out
// right, and identical messages inside one archive are all kept.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/progress.h"
#include "admin/session.h"
#include "common/base/result.h"
#include "storage/messages.h"

namespace roost::admin {

// A batch is written when it holds this many messages or bytes (plus the message that crossed it).
inline constexpr std::size_t kImportBatchMessages = 256;
inline constexpr std::size_t kImportBatchBytes = 8u << 20;

struct ImportCounts {
  std::int64_t imported = 0;
  std::int64_t bytes = 0;         // of the imported messages
  std::int64_t already_there = 0; // skipped: the mailbox holds the same bytes with the same date
  std::int64_t too_large = 0;     // skipped: over the size limit
  std::int64_t mailboxes = 0;     // that received messages or were checked
};

class ImportSink {
 public:
  // The account named by `user` (an error sentence when there is none).
  static Result<std::unique_ptr<ImportSink>> open(Session& session, std::string_view user);

  // The mailbox that following add() calls fill; created when missing. An error sentence for a
  // name the store refuses.
  Status select_mailbox(std::string_view name);
  // Imports one message (internal_date in unix seconds) into the selected mailbox.
  Status add(std::string bytes, const store::Flags& flags, std::int64_t internal_date);
  // Counts a message left out because it is too large, with a warning naming it.
  void skip_too_large(std::string_view what, std::int64_t size);
  // Writes what is still batched.
  Status finish();

  const ImportCounts& counts() const { return counts_; }
  const std::string& address() const { return address_; }

 private:
  struct Pending {
    std::int64_t mailbox_id;
    std::string bytes;
    store::Flags flags;
    std::int64_t internal_date;
  };
  ImportSink(Session& session, std::int64_t account_id, std::string address)
      : session_(session), account_id_(account_id), address_(std::move(address)), progress_("messages") {}
  Status flush();
  Status load_existing(std::int64_t mailbox_id);
  // True when a stored message of the selected mailbox has these bytes and date (and takes it out
  // of the index, so it matches once).
  Result<bool> already_there(std::string_view bytes, std::int64_t internal_date);

  Session& session_;
  std::int64_t account_id_;
  std::string address_;
  std::string mailbox_name_;
  std::int64_t mailbox_id_ = 0;
  // (size, internal date) -> blob ids of the messages the selected mailbox held before the import.
  std::multimap<std::pair<std::int64_t, std::int64_t>, std::int64_t> existing_;
  std::vector<Pending> batch_;
  std::size_t batch_bytes_ = 0;
  ImportCounts counts_;
  Progress progress_;
};

}  // namespace roost::admin

namespace roost::admin {

// RFC 5322 2.1: lines end in CRLF. Bare LF line ends (as maildir and mbox files keep them) become
// CRLF; CRLF stays as it is.
std::string with_crlf_line_ends(std::string_view bytes);

}  // namespace roost::admin

// The selected mailbox as one session sees it: the sequence-number -> UID map with flags and modseq
// (RFC 9051 2.3.1), refreshed from the store where untagged updates are allowed (RFC 9051 7.5.1,
// RFC 3501 7.4.1) and turned into "* n EXISTS", "* n EXPUNGE" / "* VANISHED", "* n FETCH (FLAGS ...)".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "imapd/sequence_set.h"
#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "storage/store.h"

namespace roost::imap {

struct UpdateOptions {
  bool allow_expunge = true;  // false during FETCH, STORE, SEARCH (not their UID forms)
  bool condstore = false;     // MODSEQ in untagged FETCH (RFC 7162 3.1.4.1)
  bool qresync = false;       // VANISHED instead of EXPUNGE (RFC 7162 3.2.10)
};

class SelectedView {
 public:
  // Loads the mailbox row and its messages in one snapshot.
  static store::StoreResult<SelectedView> open(store::Db& db, std::int64_t mailbox_id, bool read_only);

  std::int64_t mailbox_id() const { return mailbox_.id; }
  const store::Mailbox& mailbox() const { return mailbox_; }
  bool read_only() const { return read_only_; }
  // Messages in sequence order (index + 1 = sequence number), expunged ones not yet announced included.
  std::span<const store::MessageInfo> messages() const { return messages_; }
  std::uint32_t exists() const { return static_cast<std::uint32_t>(messages_.size()); }
  std::uint32_t max_uid() const { return messages_.empty() ? 0 : messages_.back().uid; }
  // The HIGHESTMODSEQ the view is up to date with.
  std::int64_t highest_modseq() const { return highest_modseq_; }
  // Expunged by someone else but still numbered here until the next point where EXPUNGE may be sent.
  bool expunge_pending(std::uint32_t uid) const { return pending_expunges_.count(uid) != 0; }

  // Brings the view up to date (one cheap read of the mailbox row when nothing changed) and appends
  // the untagged responses to `out`.
  store::StoreResult<void> refresh(store::Store& store, const UpdateOptions& options, std::string& out);
  // This session changed flags itself (STORE, FETCH setting \Seen): keep the view in step so the
  // next refresh does not announce them again.
  void apply_flags(const store::MessageInfo& changed);
  // This session expunged or moved messages away: sends EXPUNGE (or VANISHED) for those in the view.
  void remove(const std::vector<std::uint32_t>& uids, const UpdateOptions& options, std::string& out);

  // Message indexes (0-based) named by a sequence set of sequence numbers. nullopt when a number is
  // beyond the mailbox (answered BAD). "$" is `saved` (UIDs); without it "$" names nothing.
  std::optional<std::vector<std::size_t>> resolve_sequence(const SequenceSet& set,
                                                           const std::vector<std::uint32_t>* saved) const;
  // Message indexes named by a set of UIDs; UIDs not in the view are skipped (RFC 9051 6.4.9).
  std::vector<std::size_t> resolve_uids(const SequenceSet& set, const std::vector<std::uint32_t>* saved) const;
  std::optional<std::size_t> index_of(std::uint32_t uid) const;

 private:
  store::Mailbox mailbox_;
  bool read_only_ = false;
  std::vector<store::MessageInfo> messages_;
  std::int64_t highest_modseq_ = 0;
  std::set<std::uint32_t> pending_expunges_;
};

// "1:3,7" for ascending numbers (UIDs or sequence numbers); numbers in another order keep it, runs
// of consecutive ones still joined ("5:6,2" for 5,6,2).
std::string compress_uids(const std::vector<std::uint32_t>& uids);
// A store UidSet for UIDs in any order.
store::UidSet uid_set_of(const std::vector<std::uint32_t>& uids);

}  // namespace roost::imap

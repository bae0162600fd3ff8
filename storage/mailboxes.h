// Mailboxes of an account: hierarchy with delimiter '/', names stored as UTF-8 (IMAP clients'
// modified UTF-7 is converted by imapd), SPECIAL-USE attributes (RFC 6154), subscriptions, and the
// per-mailbox counters IMAP needs: UIDVALIDITY, UIDNEXT (strictly increasing, never reused) and
// HIGHESTMODSEQ (RFC 7162), which every change to the mailbox or its messages bumps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

inline constexpr char kHierarchyDelimiter = '/';
inline constexpr std::size_t kMaxMailboxNameLength = 512;  // bytes of UTF-8
inline constexpr int kMaxMailboxDepth = 32;

struct Mailbox {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string name;          // full UTF-8 name, "INBOX" spelled in capitals
  std::string special_use;   // "\\Sent", "\\Trash", ... or empty
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 1;
  std::int64_t highest_modseq = 1;
  bool noselect = false;     // a deleted mailbox kept because it has children (RFC 3501 6.3.4)
  bool subscribed = false;
  bool has_children = false; // filled by list_mailboxes
};

struct MailboxStatus {
  std::uint32_t messages = 0;
  std::uint32_t unseen = 0;
  std::uint32_t deleted = 0;
  std::int64_t size = 0;
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 1;
  std::int64_t highest_modseq = 1;
};

// Checks and normalises a name: valid UTF-8, no control characters, no LIST wildcards ('*', '%'),
// no empty component (so no
// leading, trailing or doubled '/'), within the length and depth bounds; "inbox" in any case (and as
// the first component) becomes "INBOX". invalid otherwise.
StoreResult<std::string> normalize_mailbox_name(std::string_view name);

// Creates a mailbox; missing parents are created too (RFC 3501 6.3.3). A \Noselect placeholder of
// that name becomes selectable again (with a new UIDVALIDITY). exists when it is there already.
// UIDVALIDITY is max(previous one given out in this account + 1, now), so a re-created name never
// gets the same value. special_use is empty or one of RFC 6154's attributes.
StoreResult<std::int64_t> create_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view name,
                                         std::string_view special_use = {});
// RFC 3501 6.3.4 / RFC 9051 6.3.4: INBOX cannot be deleted (invalid). A mailbox with children keeps
// its name as \Noselect and loses its messages; deleting a \Noselect mailbox that still has children
// is invalid; otherwise the mailbox and its messages go. Quota is given back.
StoreResult<void> delete_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view name);
// RFC 3501 6.3.5: renames the mailbox and every child ("a" -> "b" moves "a/x" to "b/x"), creating
// missing parents of the new name. exists when the new name (or a child's new name) is taken,
// invalid when renaming a mailbox under itself. Renaming INBOX moves its messages into a new mailbox
// of the new name and leaves INBOX empty (children of INBOX are not moved).
StoreResult<void> rename_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view from, std::string_view to);

// Subscriptions are names: a subscription may outlive its mailbox (RFC 3501 6.3.6).
StoreResult<void> subscribe(WriteCtx& w, std::int64_t account_id, std::string_view name);
StoreResult<void> unsubscribe(WriteCtx& w, std::int64_t account_id, std::string_view name);
StoreResult<std::vector<std::string>> list_subscriptions(Db& db, std::int64_t account_id);

// Every mailbox of the account (\Noselect ones included), ordered by name, with has_children and
// subscribed filled in.
StoreResult<std::vector<Mailbox>> list_mailboxes(Db& db, std::int64_t account_id);
StoreResult<Mailbox> find_mailbox(Db& db, std::int64_t account_id, std::string_view name);
StoreResult<Mailbox> get_mailbox(Db& db, std::int64_t mailbox_id);
// The mailbox carrying a SPECIAL-USE attribute ("\\Sent"), for smtpd's copy to Sent.
StoreResult<Mailbox> find_special_mailbox(Db& db, std::int64_t account_id, std::string_view special_use);
StoreResult<MailboxStatus> mailbox_status(Db& db, std::int64_t mailbox_id);

// For writes: takes the next modseq of the mailbox (highest_modseq + 1, stored) and records the
// change in w.changes. One operation on many messages uses one modseq (RFC 7162 3.1).
StoreResult<std::int64_t> bump_modseq(WriteCtx& w, std::int64_t mailbox_id);

}  // namespace roost::store

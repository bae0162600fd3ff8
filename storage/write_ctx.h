// WriteCtx: what a write sees while it runs inside the writer's batch transaction: the writer's
// connection and the set of mailboxes it changed (announced to other processes after COMMIT).
#pragma once

#include <cstdint>
#include <vector>

#include "storage/db.h"

namespace roost::store {

// A mailbox that changed: its new HIGHESTMODSEQ. Sent to listeners after the commit (notify.h).
struct MailboxChange {
  std::int64_t account_id = 0;
  std::int64_t mailbox_id = 0;
  std::int64_t modseq = 0;
};

class Changes {
 public:
  // Records a change; a later change of the same mailbox replaces an earlier one's modseq.
  void add(std::int64_t account_id, std::int64_t mailbox_id, std::int64_t modseq);
  void merge(const Changes& other);
  const std::vector<MailboxChange>& list() const { return list_; }
  bool empty() const { return list_.empty(); }
  void clear() { list_.clear(); }

 private:
  std::vector<MailboxChange> list_;
};

// Functions that write (accounts.h, mailboxes.h, messages.h, queue.h) take a WriteCtx and expect to
// run inside a write transaction (the writer's batch, or a Txn of the caller's own in tests). They
// never begin or commit themselves.
struct WriteCtx {
  Db& db;
  Changes& changes;
  std::int64_t now() const { return db.now(); }
};

}  // namespace roost::store

// Changes: the mailboxes a write touched, announced after the commit (see write_ctx.h).
#include "storage/write_ctx.h"

namespace roost::store {

void Changes::add(std::int64_t account_id, std::int64_t mailbox_id, std::int64_t modseq) {
  for (auto& c : list_) {
    if (c.mailbox_id == mailbox_id) {
      if (modseq > c.modseq) c.modseq = modseq;
      return;
    }
  }
  list_.push_back({account_id, mailbox_id, modseq});
}

void Changes::merge(const Changes& other) {
  for (const auto& c : other.list_) add(c.account_id, c.mailbox_id, c.modseq);
}

}  // namespace roost::store

// Quota accounting in the accounts row, inside the caller's write transaction (see quota.h).
#include "storage/quota.h"

#include "storage/try.h"

namespace roost::store {

StoreResult<QuotaUsage> get_quota(Db& db, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT used_bytes, quota_bytes FROM accounts WHERE id = ?1"));
  q->bind(1, account_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return QuotaUsage{q->col_int(0), q->col_int(1)};
}

StoreResult<void> charge_quota(WriteCtx& w, std::int64_t account_id, std::int64_t bytes, bool check_enabled) {
  if (bytes < 0) return fail(StoreError::invalid);
  // One statement checks and charges: the write lock is held, so no other writer sees the old value.
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE accounts SET used_bytes = used_bytes + ?2 WHERE id = ?1 "
                                 "AND (?3 = 0 OR enabled = 1) "
                                 "AND (quota_bytes = 0 OR used_bytes + ?2 <= quota_bytes)"));
  q->bind(1, account_id).bind(2, bytes).bind(3, static_cast<std::int64_t>(check_enabled ? 1 : 0));
  ROOST_TRY(q->run());
  if (w.db.changes() == 1) return {};
  // Nothing changed: find out why.
  ROOST_TRY_ASSIGN(c, w.db.query("SELECT enabled FROM accounts WHERE id = ?1"));
  c->bind(1, account_id);
  ROOST_TRY_ASSIGN(row, c->step());
  if (!row) return fail(StoreError::not_found);
  if (check_enabled && c->col_int(0) == 0) return fail(StoreError::account_disabled);
  return fail(StoreError::over_quota);
}

StoreResult<void> release_quota(WriteCtx& w, std::int64_t account_id, std::int64_t bytes) {
  if (bytes <= 0) return {};
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE accounts SET used_bytes = max(0, used_bytes - ?2) WHERE id = ?1"));
  q->bind(1, account_id).bind(2, bytes);
  return q->run();
}

StoreResult<std::int64_t> recalculate_quota(WriteCtx& w, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE accounts SET used_bytes = (SELECT coalesce(sum(m.size), 0) FROM messages m "
                                 "JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = ?1) "
                                 "WHERE id = ?1 RETURNING used_bytes"));
  q->bind(1, account_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  std::int64_t used = q->col_int(0);
  ROOST_TRY(q->run());
  return used;
}

}  // namespace roost::store

// Quota: bytes used per account, kept in the accounts row and changed in the same transaction as the
// message rows (so it is exact under concurrent writers: the check runs inside the write lock).
// A message counts its full size in every mailbox that holds it (RFC 9208 STORAGE), even though
// the blob is stored once.
#pragma once

#include <cstdint>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

struct QuotaUsage {
  std::int64_t used_bytes = 0;
  std::int64_t limit_bytes = 0;  // 0 = none
};

StoreResult<QuotaUsage> get_quota(Db& db, std::int64_t account_id);
// Reserves `bytes` for the account: over_quota when a limit is set and used + bytes exceeds it,
// account_disabled when the account is disabled (only when check_enabled), not_found when absent.
StoreResult<void> charge_quota(WriteCtx& w, std::int64_t account_id, std::int64_t bytes, bool check_enabled = false);
// Gives bytes back (expunge, mailbox delete). Never goes below zero.
StoreResult<void> release_quota(WriteCtx& w, std::int64_t account_id, std::int64_t bytes);
// Recomputes used bytes from the messages (roostctl's repair); returns the new value.
StoreResult<std::int64_t> recalculate_quota(WriteCtx& w, std::int64_t account_id);

}  // namespace roost::store

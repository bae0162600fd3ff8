// The store's integrity check (roostctl verify): SQLite's own checks plus the invariants the store
// keeps itself (blob reference counts, message sizes, UIDs below UIDNEXT, modseqs, quota sums).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/db.h"

namespace roost::store {

// At most this many problems are listed; past it, the report only counts them.
inline constexpr std::size_t kMaxReportedProblems = 1000;

struct VerifyReport {
  std::vector<std::string> problems;  // one sentence per problem, e.g. "blob 7: refs = 2, ..."
  std::size_t unlisted_problems = 0;  // found past kMaxReportedProblems
  std::int64_t accounts = 0;
  std::int64_t mailboxes = 0;
  std::int64_t messages = 0;
  std::int64_t blobs = 0;
  std::int64_t queue_entries = 0;
  bool clean() const { return problems.empty() && unlisted_problems == 0; }
};

// Runs every check on `db`. Call it inside one read transaction (Store::read) so all checks see the
// same snapshot while daemons keep writing. Fails only on a database error; what is wrong with the
// data is in the report.
StoreResult<VerifyReport> verify_store(Db& db);

}  // namespace roost::store

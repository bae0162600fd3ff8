// The checks of verify_store (see verify.h). Each check is one query that returns only the rows that
// break an invariant, so a healthy store costs a few index scans and nothing is held in memory.
#include "storage/verify.h"

#include <fmt/format.h>

#include "storage/try.h"

namespace roost::store {
namespace {

void add_problem(VerifyReport& report, std::string problem) {
  if (report.problems.size() < kMaxReportedProblems) {
    report.problems.push_back(std::move(problem));
  } else {
    ++report.unlisted_problems;
  }
}

// Runs `sql` and turns every row into a problem sentence with `describe` ("" = not a problem).
template <typename Describe>
StoreResult<void> collect(Db& db, VerifyReport& report, const char* sql, Describe describe) {
  ROOST_TRY_ASSIGN(stmt, db.prepare(sql));
  for (;;) {
    ROOST_TRY_ASSIGN(row, stmt.step());
    if (!row) return {};
    std::string problem = describe(stmt);
    if (!problem.empty()) add_problem(report, std::move(problem));
  }
}

StoreResult<std::int64_t> count_rows(Db& db, const char* sql) {
  ROOST_TRY_ASSIGN(stmt, db.prepare(sql));
  ROOST_TRY_ASSIGN(row, stmt.step());
  return row ? stmt.col_int(0) : 0;
}

StoreResult<void> check_sqlite(Db& db, VerifyReport& report) {
  // integrity_check answers one row "ok" when the file is sound, else one row per problem.
  ROOST_TRY(collect(db, report, "PRAGMA integrity_check", [](Stmt& s) -> std::string {
    std::string text = s.col_text(0);
    return text == "ok" ? std::string() : "sqlite integrity_check: " + text;
  }));
  return collect(db, report, "PRAGMA foreign_key_check", [](Stmt& s) {
    return fmt::format("{} row {} refers to a missing {} row", s.col_text(0), s.col_int(1), s.col_text(2));
  });
}

StoreResult<void> check_blobs(Db& db, VerifyReport& report) {
  // The triggers of migration 1 keep refs equal to the message and queue rows holding the blob and
  // delete a blob with its last reference, so a blob with no reference is a leak.
  ROOST_TRY(collect(db, report,
                    "SELECT id, refs, actual FROM (SELECT b.id, b.refs, "
                    "(SELECT count(*) FROM messages m WHERE m.blob_id = b.id) + "
                    "(SELECT count(*) FROM queue q WHERE q.blob_id = b.id) AS actual FROM blobs b) "
                    "WHERE refs != actual OR actual = 0",
                    [](Stmt& s) {
                      return fmt::format("blob {}: refs = {} but {} message and queue rows refer to it",
                                         s.col_int(0), s.col_int(1), s.col_int(2));
                    }));
  // length() of a BLOB reads the record header only, not the overflow pages.
  return collect(db, report, "SELECT id, size, length(data) FROM blobs WHERE size != length(data)", [](Stmt& s) {
    return fmt::format("blob {}: size = {} but it holds {} bytes", s.col_int(0), s.col_int(1), s.col_int(2));
  });
}

StoreResult<void> check_messages(Db& db, VerifyReport& report) {
  ROOST_TRY(collect(db, report,
                    "SELECT m.id, m.mailbox_id, m.uid, m.size, length(b.data) FROM messages m "
                    "JOIN blobs b ON b.id = m.blob_id WHERE m.size != length(b.data)",
                    [](Stmt& s) {
                      return fmt::format("message {} (mailbox {} uid {}): size = {} but its blob holds {} bytes",
                                         s.col_int(0), s.col_int(1), s.col_int(2), s.col_int(3), s.col_int(4));
                    }));
  // RFC 9051 2.3.1.1: UIDs strictly ascend and UIDNEXT is greater than every assigned UID.
  ROOST_TRY(collect(db, report,
                    "SELECT m.id, m.mailbox_id, m.uid, b.uidnext FROM messages m "
                    "JOIN mailboxes b ON b.id = m.mailbox_id WHERE m.uid < 1 OR m.uid >= b.uidnext",
                    [](Stmt& s) {
                      return fmt::format("message {} (mailbox {}): uid {} is not below the mailbox's uidnext {}",
                                         s.col_int(0), s.col_int(1), s.col_int(2), s.col_int(3));
                    }));
  ROOST_TRY(collect(db, report,
                    "SELECT mailbox_id, uid, count(*) FROM messages GROUP BY mailbox_id, uid HAVING count(*) > 1",
                    [](Stmt& s) {
                      return fmt::format("mailbox {}: uid {} is used by {} messages", s.col_int(0), s.col_int(1),
                                         s.col_int(2));
                    }));
  // RFC 7162 3.1.1: HIGHESTMODSEQ is at least the modseq of every message and expunge record.
  ROOST_TRY(collect(db, report,
                    "SELECT m.id, m.mailbox_id, m.uid, m.modseq, b.highest_modseq FROM messages m "
                    "JOIN mailboxes b ON b.id = m.mailbox_id WHERE m.modseq > b.highest_modseq",
                    [](Stmt& s) {
                      return fmt::format(
                          "message {} (mailbox {} uid {}): modseq {} is above the mailbox's highest_modseq {}",
                          s.col_int(0), s.col_int(1), s.col_int(2), s.col_int(3), s.col_int(4));
                    }));
  return collect(db, report,
                 "SELECT e.mailbox_id, e.uid, e.modseq, b.highest_modseq, b.uidnext FROM expunges e "
                 "JOIN mailboxes b ON b.id = e.mailbox_id WHERE e.modseq > b.highest_modseq OR e.uid >= b.uidnext",
                 [](Stmt& s) {
                   return fmt::format(
                       "expunged uid {} of mailbox {}: modseq {} / uid above highest_modseq {} / uidnext {}",
                       s.col_int(1), s.col_int(0), s.col_int(2), s.col_int(3), s.col_int(4));
                 });
}

StoreResult<void> check_quota(Db& db, VerifyReport& report) {
  // quota.h: a message counts its full size in every mailbox that holds it.
  return collect(db, report,
                 "SELECT a.local || '@' || d.name, a.used_bytes, actual FROM (SELECT id, domain_id, local, "
                 "used_bytes, (SELECT coalesce(sum(m.size), 0) FROM messages m JOIN mailboxes b "
                 "ON b.id = m.mailbox_id WHERE b.account_id = accounts.id) AS actual FROM accounts) a "
                 "JOIN domains d ON d.id = a.domain_id WHERE a.used_bytes != actual",
                 [](Stmt& s) {
                   return fmt::format("account {}: used quota is {} bytes but its messages add up to {}",
                                      s.col_text(0), s.col_int(1), s.col_int(2));
                 });
}

}  // namespace

StoreResult<VerifyReport> verify_store(Db& db) {
  VerifyReport report;
  ROOST_TRY(check_sqlite(db, report));
  ROOST_TRY(check_blobs(db, report));
  ROOST_TRY(check_messages(db, report));
  ROOST_TRY(check_quota(db, report));
  ROOST_TRY_ASSIGN(accounts, count_rows(db, "SELECT count(*) FROM accounts"));
  ROOST_TRY_ASSIGN(mailboxes, count_rows(db, "SELECT count(*) FROM mailboxes"));
  ROOST_TRY_ASSIGN(messages, count_rows(db, "SELECT count(*) FROM messages"));
  ROOST_TRY_ASSIGN(blobs, count_rows(db, "SELECT count(*) FROM blobs"));
  ROOST_TRY_ASSIGN(queue, count_rows(db, "SELECT count(*) FROM queue"));
  report.accounts = accounts;
  report.mailboxes = mailboxes;
  report.messages = messages;
  report.blobs = blobs;
  report.queue_entries = queue;
  return report;
}

}  // namespace roost::store

// Messages: delivery, APPEND, COPY, MOVE, flag changes, EXPUNGE, listing, and streamed reading.
// The raw bytes live once in `blobs`, reference-counted by the message and queue rows that use them
// (triggers keep the count; the blob is deleted with its last reference). Every change takes a new
// modseq of its mailbox; expunged UIDs are kept with their modseq for QRESYNC (RFC 7162 3.2.10).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

struct sqlite3_blob;

namespace roost::mail {
struct ParsedMessage;
}

namespace roost::store {

// System flags as bits (RFC 9051 2.3.2). \Recent is not stored (IMAP4rev2 dropped it).
enum SystemFlag : std::uint32_t {
  kSeen = 1u << 0,
  kAnswered = 1u << 1,
  kFlagged = 1u << 2,
  kDeleted = 1u << 3,
  kDraft = 1u << 4,
};
inline constexpr std::uint32_t kAllSystemFlags = 0x1f;
inline constexpr std::size_t kMaxKeywords = 64;  // per message
inline constexpr std::size_t kMaxKeywordLength = 128;

struct Flags {
  std::uint32_t system = 0;
  // Keywords as given, deduplicated case-insensitively, sorted (ASCII case-insensitive).
  std::vector<std::string> keywords;
  bool operator==(const Flags&) const = default;
};

struct UidRange {
  std::uint32_t first = 1;
  std::uint32_t last = 0xffffffffu;
};
// UID sets as IMAP writes them ("1:4,9"); ranges may overlap and come in any order.
using UidSet = std::vector<UidRange>;
inline UidSet all_uids() { return {UidRange{}}; }

struct MessageInfo {
  std::int64_t id = 0;  // row id, stable while the message exists
  std::int64_t mailbox_id = 0;
  std::uint32_t uid = 0;
  std::int64_t modseq = 0;
  Flags flags;
  std::int64_t internal_date = 0;  // unix seconds
  std::int64_t size = 0;           // bytes of the raw message
  std::int64_t blob_id = 0;
};

// --- delivery (smtpd): one blob, N message rows, M queue rows, in one write.
struct LocalTarget {
  std::int64_t account_id = 0;
  std::string mailbox;  // empty = INBOX; a missing mailbox also falls back to INBOX
  Flags flags;
  // Header fields this copy gets in front of the bytes (Return-Path, Delivered-To: RFC 5321 4.4),
  // each ending in CRLF. Copies with the same prefix share one blob.
  std::string prefix;
};
struct OutboundTarget {
  std::string recipient;
};
struct Delivery {
  std::string_view bytes;        // the raw message; must stay alive until the write completes
  // The parse of `bytes` (storage/message_parse.h) when the caller made it off the writer thread;
  // null: deliver() parses. Must stay alive until the write completes.
  const mail::ParsedMessage* parsed = nullptr;
  std::int64_t internal_date = 0;  // 0 = now
  std::vector<LocalTarget> local;
  std::string sender;            // envelope sender for the queue ("" = null sender)
  std::vector<OutboundTarget> outbound;
};
struct TargetOutcome {
  std::optional<StoreError> error;  // over_quota, account_disabled, not_found; unset = delivered
  std::int64_t mailbox_id = 0;
  std::uint32_t uid = 0;
};
struct DeliveryResult {
  // The blob of the first copy stored (local copies with different prefixes have blobs of their
  // own); 0 when every target was refused.
  std::int64_t blob_id = 0;
  std::vector<TargetOutcome> local;       // one per Delivery::local, same order
  std::vector<std::int64_t> queue_ids;    // one per Delivery::outbound, same order
};
// Each local target is checked on its own (enabled, quota inside this transaction, so exact under
// concurrency): a refused target does not stop the others; the caller maps per-target errors
// (over_quota -> 452/552). The whole call fails only on a database error.
StoreResult<DeliveryResult> deliver(WriteCtx& w, const Delivery& delivery);

// --- IMAP writes
struct AppendResult {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uid = 0;  // APPENDUID (RFC 4315)
  std::int64_t blob_id = 0;
};
// over_quota when the account's quota would be exceeded; not_found for an unknown mailbox; invalid
// for a \Noselect mailbox.
// The message_parts row is written too: from `parsed` when given (the parse of `bytes`), else by
// parsing here.
StoreResult<AppendResult> append(WriteCtx& w, std::int64_t mailbox_id, std::string_view bytes, const Flags& flags,
                                 std::int64_t internal_date = 0, const mail::ParsedMessage* parsed = nullptr);

struct CopyResult {
  std::uint32_t uidvalidity = 0;       // of the destination
  std::vector<std::uint32_t> source;   // COPYUID (RFC 4315): source UIDs in ascending order
  std::vector<std::uint32_t> dest;     // and the UIDs they got, same order
};
// Copies the messages (no new blob: references are added) with their flags and internal date.
// over_quota when the copies do not fit (nothing copied).
StoreResult<CopyResult> copy_messages(WriteCtx& w, std::int64_t from_mailbox, const UidSet& uids,
                                      std::int64_t to_mailbox);
// RFC 6851: copy, then expunge the sources (recorded with their modseq). Quota does not change
// within one account.
StoreResult<CopyResult> move_messages(WriteCtx& w, std::int64_t from_mailbox, const UidSet& uids,
                                      std::int64_t to_mailbox);

enum class FlagOp { set, add, remove };
struct StoreFlagsResult {
  std::vector<MessageInfo> changed;     // messages whose flags changed, with their new modseq
  std::vector<std::uint32_t> failed;    // RFC 7162 3.1.3: UNCHANGEDSINCE failed (MODIFIED response)
};
// STORE: applies op to the messages in `uids`. With unchanged_since (CONDSTORE) a message whose
// modseq is greater is left alone and reported in failed. Messages whose flags do not change keep
// their modseq. invalid for too many or bad keywords.
StoreResult<StoreFlagsResult> store_flags(WriteCtx& w, std::int64_t mailbox_id, const UidSet& uids, FlagOp op,
                                          const Flags& flags, std::optional<std::int64_t> unchanged_since = {});
// EXPUNGE (uids empty optional) or UID EXPUNGE (RFC 4315): removes the \Deleted messages, records
// their UIDs with the new modseq, gives the bytes back to the quota. Returns the removed UIDs, ascending.
StoreResult<std::vector<std::uint32_t>> expunge(WriteCtx& w, std::int64_t mailbox_id,
                                                std::optional<UidSet> uids = {});

// --- reads
StoreResult<std::vector<MessageInfo>> list_messages(Db& db, std::int64_t mailbox_id, const UidSet& uids = all_uids());
StoreResult<MessageInfo> get_message(Db& db, std::int64_t mailbox_id, std::uint32_t uid);
// CONDSTORE/QRESYNC: messages with modseq > since, and UIDs expunged with modseq > since.
StoreResult<std::vector<MessageInfo>> changed_since(Db& db, std::int64_t mailbox_id, std::int64_t since);
StoreResult<std::vector<std::uint32_t>> expunged_since(Db& db, std::int64_t mailbox_id, std::int64_t since);

// Reads a blob in chunks with SQLite's incremental blob I/O, so a large message is never held whole.
// The stream uses the connection it was opened on (a reader lease, which must outlive it) and holds
// that connection's read snapshot until destroyed, so the bytes stay readable even if the message is
// expunged meanwhile. One stream per connection at a time.
class BlobStream {
 public:
  // not_found when the blob is gone.
  static StoreResult<std::unique_ptr<BlobStream>> open(Db& db, std::int64_t blob_id);
  ~BlobStream();
  BlobStream(const BlobStream&) = delete;
  BlobStream& operator=(const BlobStream&) = delete;
  std::int64_t size() const { return size_; }
  // Reads up to out.size() bytes at `offset`; returns how many were read (0 at the end).
  StoreResult<std::size_t> read(std::int64_t offset, std::span<char> out);

 private:
  BlobStream(sqlite3_blob* blob, std::int64_t size) : blob_(blob), size_(size) {}
  sqlite3_blob* blob_;
  std::int64_t size_;
};
// Convenience for small messages and tests: the whole blob.
StoreResult<std::string> read_blob(Db& db, std::int64_t blob_id);

// --- data parsed at delivery (migration 2): deliver() and append() write it (storage/message_parse.h);
// imapd reads it and re-parses rows of another parser_version.
struct MessageParts {
  std::int64_t blob_id = 0;
  int parser_version = 0;      // lets imapd re-parse after a parser change
  std::string envelope;        // serialized by imapd
  std::string body_structure;
  std::string part_offsets;
};
StoreResult<void> set_message_parts(WriteCtx& w, const MessageParts& parts);
// not_found when nothing was stored for the blob yet.
StoreResult<MessageParts> get_message_parts(Db& db, std::int64_t blob_id);

// Helpers shared with the flags code and tests: keyword validity (RFC 9051 atom, no '\\').
bool valid_keyword(std::string_view keyword);

}  // namespace roost::store

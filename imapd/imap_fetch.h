// IMAP FETCH responses (RFC 9051 6.4.5 and 7.5.2, RFC 3501 6.4.5 and 7.4.2, RFC 3516 BINARY, RFC 7162
// MODSEQ): renders "* n FETCH (...)" for a list of messages from the store, streaming large bodies in
// bounded steps so the session can apply backpressure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "imapd/imap_command.h"
#include "storage/messages.h"
#include "storage/store.h"

namespace roost::imap {

struct FetchTarget {
  std::uint32_t seq = 0;
  store::MessageInfo info;  // uid, flags, modseq, size, internal_date, blob_id, as the session's view has them
  bool seen_set = false;    // the session set \Seen for this FETCH: FLAGS go out even if not asked (RFC 3501 6.4.5)
};

struct FetchOptions {
  bool uid_command = false;  // UID FETCH: UID in every response (RFC 3501 6.4.8)
  bool modseq = false;       // CONDSTORE enabled for the session (or CHANGEDSINCE given): MODSEQ in every
                             // response (RFC 7162 3.1.4.1)
};

// True when an item sets \Seen (BODY[...] / BINARY[...] without .PEEK, RFC822, RFC822.TEXT).
bool fetch_sets_seen(const Fetch& fetch);

// Renders "* n FETCH (...)\r\n" for each target in order, in bounded steps: run() appends responses to
// `out` until it grew by about `budget` bytes (a large body is streamed from the store in chunks across
// calls, never held whole) or every target is done. Runs on a worker thread (one at a time); holds a
// reader lease of the store for as long as it lives, and a read snapshot while a body is streaming.
//
// A message whose bytes are gone (expunged by another session and its blob deleted) before its
// response started is skipped when the FETCH asked for anything read from the bytes or the parsed
// structure (RFC 9051 7.5.2 lets the server omit data it no longer has); its other items still go out.
class FetchJob {
 public:
  FetchJob(store::Store& store, const Fetch& fetch, std::vector<FetchTarget> targets, FetchOptions options);
  ~FetchJob();
  FetchJob(const FetchJob&) = delete;
  FetchJob& operator=(const FetchJob&) = delete;

  // true when done. An error returns the error; broken() then tells whether a response was left
  // unfinished in `out` (mid-literal), in which case the connection must be closed. Responses already
  // complete in `out` stay there and should be sent. Errors:
  // - the store's error when the store failed;
  // - StoreError::invalid with unknown_cte() set when BINARY asked to decode a part whose
  //   Content-Transfer-Encoding is unknown: the session answers "NO [UNKNOWN-CTE]" (RFC 3516 4.1);
  //   the failing message's response was not started.
  store::StoreResult<bool> run(std::string& out, std::size_t budget);
  bool broken() const;
  bool unknown_cte() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace roost::imap

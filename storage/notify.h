// Change notification between processes. Each process that wants to hear about changes (imapd,
// pop3d) opens a NotifyListener: a non-blocking UNIX datagram socket "<notify_dir>/<pid>-<n>.sock".
// After every commit that changed mailboxes, the writer of any process calls announce(), which sends
// one datagram per change, "account_id mailbox_id modseq\n", to every socket in the directory;
// sockets nobody listens on any more (ECONNREFUSED/ENOENT) are removed. A full receiver drops the
// datagram: delivery is best effort, so daemons also run the cheap fallback check (ChangeProbe,
// or the selected mailbox's HIGHESTMODSEQ) every few seconds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

class NotifyListener {
 public:
  // Creates the directory if needed (mode 0700) and binds a new socket in it.
  static StoreResult<std::unique_ptr<NotifyListener>> open(const std::string& notify_dir);
  ~NotifyListener();  // closes and unlinks the socket
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // Readable when changes are waiting: watch it with the event loop (uv_poll), then drain().
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Reads every waiting datagram without blocking; malformed ones are skipped.
  std::vector<MailboxChange> drain();
  // Waits up to timeout_ms for a datagram (tests and loop-less tools); true when one is waiting.
  bool wait(int timeout_ms);

 private:
  NotifyListener(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Sends the changes to every listener in notify_dir (see above). Never blocks; errors are logged at
// debug level and otherwise ignored (the fallback check covers lost datagrams).
void announce(const std::string& notify_dir, const std::vector<MailboxChange>& changes);

// The fallback: a dedicated connection whose PRAGMA data_version changes whenever another connection
// (any process) commits. changed() is one cheap pragma; run it every second or so and re-check the
// selected mailbox when it says true. The first call returns true.
class ChangeProbe {
 public:
  static StoreResult<std::unique_ptr<ChangeProbe>> open(const StoreOptions& options);
  StoreResult<bool> changed();

 private:
  explicit ChangeProbe(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  std::unique_ptr<Db> db_;
  std::int64_t last_ = -1;
};

}  // namespace roost::store

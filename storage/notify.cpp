// Change notification over UNIX datagram sockets, and the data_version fallback (see notify.h).
#include "storage/notify.h"

#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/base/log.h"
#include "storage/try.h"

namespace roost::store {
namespace {

constexpr std::size_t kMaxDatagram = 2048;
constexpr std::string_view kSuffix = ".sock";

bool make_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

bool parse_i64(std::string_view s, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// One line: "account_id mailbox_id modseq".
bool parse_line(std::string_view line, MailboxChange& out) {
  std::int64_t v[3];
  for (int i = 0; i < 3; ++i) {
    auto sp = line.find(' ');
    std::string_view field = line.substr(0, sp);
    if (!parse_i64(field, v[i])) return false;
    if (i < 2) {
      if (sp == std::string_view::npos) return false;
      line.remove_prefix(sp + 1);
    } else if (sp != std::string_view::npos) {
      return false;
    }
  }
  out = {v[0], v[1], v[2]};
  return true;
}

}  // namespace

StoreResult<std::unique_ptr<NotifyListener>> NotifyListener::open(const std::string& notify_dir) {
  if (::mkdir(notify_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    log::error("store.notify_dir_failed").kv("path", notify_dir).kv("error", std::strerror(errno));
    return fail(StoreError::io);
  }
  static std::atomic<unsigned> counter{0};
  std::string path = notify_dir + "/" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sock";
  sockaddr_un addr;
  if (!make_address(path, addr)) {
    log::error("store.notify_path_too_long").kv("path", path);
    return fail(StoreError::invalid);
  }
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(StoreError::io);
  ::unlink(path.c_str());  // left behind by an earlier process with the same pid
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    log::error("store.notify_bind_failed").kv("path", path).kv("error", std::strerror(errno));
    ::close(fd);
    return fail(StoreError::io);
  }
  return std::unique_ptr<NotifyListener>(new NotifyListener(fd, std::move(path)));
}

NotifyListener::~NotifyListener() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

std::vector<MailboxChange> NotifyListener::drain() {
  std::vector<MailboxChange> out;
  char buf[kMaxDatagram + 1];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, kMaxDatagram, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained
    }
    std::string_view data(buf, static_cast<std::size_t>(n));
    while (!data.empty()) {
      auto nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      MailboxChange change;
      if (parse_line(line, change)) out.push_back(change);
      if (nl == std::string_view::npos) break;
      data.remove_prefix(nl + 1);
    }
  }
  return out;
}

bool NotifyListener::wait(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc > 0 && (p.revents & POLLIN);
}

void announce(const std::string& notify_dir, const std::vector<MailboxChange>& changes) {
  if (notify_dir.empty() || changes.empty()) return;
  // Pack the lines into as few datagrams as fit.
  std::vector<std::string> datagrams(1);
  for (const auto& c : changes) {
    std::string line = std::to_string(c.account_id) + " " + std::to_string(c.mailbox_id) + " " +
                       std::to_string(c.modseq) + "\n";
    if (datagrams.back().size() + line.size() > kMaxDatagram) datagrams.emplace_back();
    datagrams.back() += line;
  }
  DIR* dir = ::opendir(notify_dir.c_str());
  if (!dir) return;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::closedir(dir);
    return;
  }
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (!name.ends_with(kSuffix)) continue;
    std::string path = notify_dir + "/" + std::string(name);
    sockaddr_un addr;
    if (!make_address(path, addr)) continue;
    for (const auto& d : datagrams) {
      ssize_t n = ::sendto(fd, d.data(), d.size(), MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
                           sizeof addr);
      if (n >= 0) continue;
      if (errno == ECONNREFUSED) {
        // Nobody is bound there any more: the process ended without cleaning up.
        ::unlink(path.c_str());
        log::debug("store.notify_stale_removed").kv("path", path);
      } else {
        log::debug("store.notify_send_failed").kv("path", path).kv("error", std::strerror(errno));
      }
      break;
    }
  }
  ::close(fd);
  ::closedir(dir);
}

StoreResult<std::unique_ptr<ChangeProbe>> ChangeProbe::open(const StoreOptions& options) {
  ROOST_TRY_ASSIGN(db, Db::open(options));
  return std::unique_ptr<ChangeProbe>(new ChangeProbe(std::move(db)));
}

StoreResult<bool> ChangeProbe::changed() {
  ROOST_TRY_ASSIGN(v, db_->data_version());
  bool changed = v != last_;
  last_ = v;
  return changed;
}

}  // namespace roost::store

// roostctl status: is the server healthy? Each configured listener is connected to (plain ones must
// greet within a short time), the outbound queue's size and oldest entry, the expiry of the
// [tls] certificate, and the disk use of the data dir with the free space left. Exit 1 when a
// listener does not answer or the certificate has expired or cannot be read.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cert_expiry.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "admin/table.h"

namespace roost::admin {
namespace {

constexpr std::size_t kMaxGreetingShown = 72;
constexpr std::int64_t kCertificateWarningDays = 14;

struct StatusArgs {
  std::string timeout = "2s";  // per listener: connect, then the greeting
};

struct Listener {
  std::string daemon;  // "smtpd"
  std::string kind;    // "submission"
  std::string address; // as configured
  bool implicit_tls;   // no plain greeting to read: connecting is the check
};

std::vector<Listener> configured_listeners(const Settings& s) {
  std::vector<Listener> out;
  auto add = [&out](const char* daemon, const char* kind, const std::vector<std::string>& addrs, bool tls) {
    for (const auto& a : addrs) out.push_back({daemon, kind, a, tls});
  };
  add("smtpd", "mx", s.smtpd.mx, false);
  add("smtpd", "submission", s.smtpd.submission, false);
  add("smtpd", "submissions", s.smtpd.submissions, true);
  add("imapd", "imap", s.imapd.imap, false);
  add("imapd", "imaps", s.imapd.imaps, true);
  add("pop3d", "pop3", s.pop3d.pop3, false);
  add("pop3d", "pop3s", s.pop3d.pop3s, true);
  return out;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// "0.0.0.0:25" -> 127.0.0.1 port 25, "[::]:143" -> ::1: a wildcard listener is reached on loopback.
Result<sockaddr_storage> connect_address(const std::string& listen, socklen_t& len) {
  std::string host, port;
  if (listen.starts_with('[')) {
    auto close = listen.find("]:");
    if (close == std::string::npos) return fail("not host:port");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return fail("not host:port");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  int port_number = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || port_number > 65535) return fail("bad port");
    port_number = port_number * 10 + (c - '0');
  }
  if (port.empty() || port_number == 0 || port_number > 65535) return fail("bad port");
  sockaddr_storage ss{};
  if (host == "0.0.0.0" || host == "*" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port_number));
    len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port_number));
    len = sizeof(sockaddr_in6);
  } else {
    return fail("not an IP address");
  }
  return ss;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// "up: <greeting>" / "up (TLS)" on success, else why not.
Result<std::string> probe(const Listener& l, std::chrono::milliseconds timeout) {
  socklen_t len = 0;
  auto addr = connect_address(l.address, len);
  if (!addr) return fail(fmt::format("cannot read the address: {}", addr.error().message));
  Fd fd(::socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return fail(std::string(std::strerror(errno)));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&*addr), len) != 0) {
    if (errno != EINPROGRESS) return fail(std::string(std::strerror(errno)));
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return fail("no answer (connect timed out)");
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) return fail(std::string(std::strerror(err)));
  }
  if (l.implicit_tls) return std::string("up (TLS; connection accepted)");
  std::string greeting;
  char buf[512];
  while (greeting.find('\n') == std::string::npos && greeting.size() < sizeof buf) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return fail("connected, but no greeting in time");
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) return fail("connected, but closed without a greeting");
    greeting.append(buf, static_cast<std::size_t>(n));
  }
  greeting = greeting.substr(0, greeting.find_first_of("\r\n"));
  if (greeting.size() > kMaxGreetingShown) greeting = greeting.substr(0, kMaxGreetingShown) + "...";
  // RFC 5321 4.2: 220; RFC 9051 7.1.1: * OK; RFC 1939 4: +OK.
  if (!(greeting.starts_with("220") || greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH") ||
        greeting.starts_with("+OK"))) {
    return fail("answers, but not with a greeting: " + greeting);
  }
  return "up: " + greeting;
}

std::string format_time(std::int64_t when) {
  time_t t = static_cast<time_t>(when);
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

std::string format_age(std::int64_t seconds) {
  if (seconds < 120) return fmt::format("{} s", seconds);
  if (seconds < 7200) return fmt::format("{} min", seconds / 60);
  if (seconds < 2 * 86400) return fmt::format("{} h", seconds / 3600);
  return fmt::format("{} days", seconds / 86400);
}

struct QueueSummary {
  std::int64_t entries = 0;
  std::int64_t oldest_created = 0;
};

store::StoreResult<QueueSummary> queue_summary(store::Db& db) {
  auto q = db.query("SELECT count(*), coalesce(min(created), 0) FROM queue");
  if (!q.ok()) return fail(q.error());
  auto row = (*q)->step();
  if (!row.ok()) return fail(row.error());
  return QueueSummary{(*q)->col_int(0), (*q)->col_int(1)};
}

// Bytes of the regular files under dir (the database, its WAL, notify sockets are not files).
std::int64_t disk_use(const std::string& dir) {
  std::int64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e2;
    if (it->is_regular_file(e2)) total += static_cast<std::int64_t>(it->file_size(e2));
  }
  return total;
}

Status status(const Cli& cli, const StatusArgs& args) {
  auto timeout = parse_duration(args.timeout);
  if (!timeout || timeout->count() <= 0) return fail(fmt::format("--timeout {} is not a duration", args.timeout));
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  const Settings& settings = s.settings();
  int problems = 0;

  Table daemons({"DAEMON", "LISTENER", "ADDRESS", "STATE"});
  for (const auto& l : configured_listeners(settings)) {
    auto state = probe(l, *timeout);
    if (!state) ++problems;
    daemons.add({l.daemon, l.kind, l.address, state ? *state : "DOWN: " + state.error().message});
  }
  daemons.print(stdout);
  std::printf("\n");

  const std::int64_t now = static_cast<std::int64_t>(::time(nullptr));
  auto queue = queue_summary(s.db());
  if (!queue.ok()) return fail(s.describe(queue.error()));
  if (queue->entries == 0) {
    std::printf("queue: empty\n");
  } else {
    std::printf("queue: %lld entries, oldest since %s (%s ago)\n", static_cast<long long>(queue->entries),
                format_time(queue->oldest_created).c_str(), format_age(now - queue->oldest_created).c_str());
  }

  if (settings.tls.cert_file.empty()) {
    std::printf("certificate: none configured ([tls] cert_file)\n");
  } else if (auto not_after = certificate_not_after(settings.tls.cert_file); !not_after) {
    ++problems;
    std::printf("certificate: UNREADABLE: %s\n", not_after.error().message.c_str());
  } else if (*not_after <= now) {
    ++problems;
    std::printf("certificate: EXPIRED on %s (%s)\n", format_time(*not_after).c_str(),
                settings.tls.cert_file.c_str());
  } else {
    std::int64_t days = (*not_after - now) / 86400;
    std::printf("certificate: expires %s, in %lld days%s (%s)\n", format_time(*not_after).c_str(),
                static_cast<long long>(days), days < kCertificateWarningDays ? ": RENEW SOON" : "",
                settings.tls.cert_file.c_str());
  }

  struct statvfs fs {};
  std::int64_t used = disk_use(settings.data_dir);
  if (::statvfs(settings.data_dir.c_str(), &fs) == 0) {
    auto free_bytes = static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
    auto total = static_cast<std::int64_t>(fs.f_blocks) * static_cast<std::int64_t>(fs.f_frsize);
    std::printf("disk: %s used by %s; %s free of %s\n", format_size(used).c_str(), settings.data_dir.c_str(),
                format_size(free_bytes).c_str(), format_size(total).c_str());
  } else {
    std::printf("disk: %s used by %s; free space unknown (%s)\n", format_size(used).c_str(),
                settings.data_dir.c_str(), std::strerror(errno));
  }
  std::fflush(stdout);
  if (problems) return fail(fmt::format("{} problem{} found (see above)", problems, problems == 1 ? "" : "s"));
  return {};
}

}  // namespace

void add_status_command(CLI::App& app, Cli& cli) {
  auto& args = cli.keep<StatusArgs>();
  auto* sub = app.add_subcommand("status", "Daemons reachable, queue, certificate expiry and disk use");
  sub->footer(
      "Connects to every configured listener (wildcards on loopback) and reads its greeting, then shows the "
      "outbound queue's size and oldest entry, the [tls] certificate's expiry and the data dir's disk use. "
      "Exit 1 when a listener does not answer or the certificate expired or cannot be read.");
  sub->add_option("--timeout", args.timeout, "How long to wait for each listener's greeting (default 2s)")
      ->type_name("DURATION");
  add_common_options(*sub, cli);
  sub->callback([&cli, &args] { cli.action = [&cli, &args] { return status(cli, args); }; });
}

}  // namespace roost::admin

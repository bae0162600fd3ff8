// UDP and TCP DNS exchanges on sockets of our own, with poll() deadlines.
#include "common/dns/dns_exchange.h"

#include <errno.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include <fmt/format.h>

#include "common/base/log.h"

namespace roost::dns {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::uint16_t random_id() {
  std::uint16_t id = 0;
  if (getrandom(&id, sizeof id, 0) == static_cast<ssize_t>(sizeof id)) return id;
  static thread_local std::mt19937 fallback{std::random_device{}()};
  return static_cast<std::uint16_t>(fallback());
}

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

Result<Reply> ask_udp(const Nameserver& server, const Question& q, const std::vector<std::uint8_t>& query,
                      std::chrono::milliseconds timeout) {
  Socket sock(::socket(server.address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.fd() < 0) return fail(errno_text("socket"));
  // A connected UDP socket only receives datagrams from the server's address and port.
  if (::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&server.address), server.address_length) != 0) {
    return fail(errno_text("connect"));
  }
  if (::send(sock.fd(), query.data(), query.size(), 0) != static_cast<ssize_t>(query.size())) {
    return fail(errno_text("send"));
  }
  auto deadline = Clock::now() + timeout;
  std::vector<std::uint8_t> buf(kMaxDnsMessage);
  while (wait_for(sock.fd(), POLLIN, deadline)) {
    ssize_t n = ::recv(sock.fd(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return fail(errno_text("recv"));  // e.g. ECONNREFUSED: nothing listens there
    }
    std::vector<std::uint8_t> wire(buf.begin(), buf.begin() + n);
    auto reply = parse_reply(wire, q);
    if (reply) return reply;  // anything else is not the answer to this query: keep waiting
  }
  return fail("timeout");
}

Status write_all(int fd, const std::vector<std::uint8_t>& data, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return fail(errno_text("send"));
    if (!wait_for(fd, POLLOUT, deadline)) return fail("timeout");
  }
  return {};
}

Status read_exact(int fd, std::uint8_t* out, std::size_t size, Clock::time_point deadline) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::recv(fd, out + got, size - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) return fail("connection closed");
    if (errno != EAGAIN && errno != EINTR) return fail(errno_text("recv"));
    if (!wait_for(fd, POLLIN, deadline)) return fail("timeout");
  }
  return {};
}

// RFC 1035 4.2.2 / RFC 7766 8: each message prefixed by its two-byte length.
Result<Reply> ask_tcp(const Nameserver& server, const Question& q, const std::vector<std::uint8_t>& query,
                      std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  Socket sock(::socket(server.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.fd() < 0) return fail(errno_text("socket"));
  if (::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&server.address), server.address_length) != 0) {
    if (errno != EINPROGRESS) return fail(errno_text("connect"));
    if (!wait_for(sock.fd(), POLLOUT, deadline)) return fail("timeout connecting over TCP");
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      errno = err;
      return fail(errno_text("connect"));
    }
  }
  std::vector<std::uint8_t> framed;
  framed.reserve(query.size() + 2);
  framed.push_back(static_cast<std::uint8_t>(query.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(query.size() & 0xff));
  framed.insert(framed.end(), query.begin(), query.end());
  if (auto st = write_all(sock.fd(), framed, deadline); !st) return fail(st.error());
  std::uint8_t length_bytes[2];
  if (auto st = read_exact(sock.fd(), length_bytes, 2, deadline); !st) return fail(st.error());
  std::size_t length = (std::size_t{length_bytes[0]} << 8) | length_bytes[1];
  std::vector<std::uint8_t> wire(length);
  if (auto st = read_exact(sock.fd(), wire.data(), length, deadline); !st) return fail(st.error());
  return parse_reply(wire, q);
}

Result<Reply> ask_server(const Nameserver& server, const std::string& name, RrType type,
                         std::chrono::milliseconds timeout) {
  Question q{random_id(), name, type};
  auto query = build_query(q);
  if (!query) return fail(query.error());
  auto reply = ask_udp(server, q, *query, timeout);
  if (reply && reply->rcode == kRcodeFormErr) {
    // RFC 6891 7: a server that does not know EDNS answers FORMERR; ask it again without.
    q = Question{random_id(), name, type, /*edns=*/false};
    query = build_query(q);
    if (!query) return fail(query.error());
    reply = ask_udp(server, q, *query, timeout);
  }
  if (!reply || !reply->truncated) return reply;
  // RFC 7766 5: a truncated UDP answer is asked again over TCP, with a fresh ID.
  q.id = random_id();
  query = build_query(q);
  if (!query) return fail(query.error());
  auto tcp = ask_tcp(server, q, *query, timeout);
  if (!tcp) return fail("over TCP: " + tcp.error().message);
  if (tcp->truncated) return fail("truncated answer over TCP");
  return tcp;
}

std::string rcode_text(int rcode) {
  switch (rcode) {
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return fmt::format("RCODE {}", rcode);
  }
}

}  // namespace

Result<Reply> exchange(const std::string& name, RrType type, const ExchangeOptions& options) {
  if (options.servers.empty()) return fail("no nameserver configured");
  std::string last_error;
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    for (const Nameserver& server : options.servers) {
      auto reply = ask_server(server, name, type, options.timeout);
      if (reply && !reply->referral && (reply->rcode == kRcodeNoError || reply->rcode == kRcodeNxDomain)) {
        return reply;
      }
      std::string what = !reply           ? reply.error().message
                         : reply->referral ? "referral (the server does not resolve recursively)"
                                           : rcode_text(reply->rcode);
      last_error = fmt::format("{}: {}", server.text, what);
      log::debug("dns query failed").kv("name", name).kv("type", static_cast<int>(type)).kv("server", server.text)
          .kv("attempt", attempt + 1).kv("error", last_error);
    }
  }
  return fail(last_error);
}

}  // namespace roost::dns

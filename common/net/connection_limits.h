// The bounds every connection lives within (ConnectionLimits) and the bookkeeping that enforces the
// connection counts in total and per client IP (ConnectionCounter, no I/O).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace roost::net {

// Defaults suit a small self-hosted server; each field is a config key the daemon wires in.
struct ConnectionLimits {
  // Longest line accepted, counting its line ending (RFC 5321 4.5.3.1.4 counts the CRLF).
  std::size_t max_line = 8 * 1024;
  // Most input bytes held while the handler has paused input; reading from the socket stops above it.
  std::size_t max_input_buffer = 64 * 1024;
  // Queued output above `high` pauses reading and makes writable() false; at or below `low` reading
  // resumes and on_drain fires.
  std::size_t output_high_watermark = 256 * 1024;
  std::size_t output_low_watermark = 64 * 1024;
  // Without input (or output progress) for this long the handler gets on_timeout(idle).
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // A session lasts at most this long; then on_timeout(session_limit).
  std::chrono::milliseconds session_limit{std::chrono::hours(1)};
  // A TLS handshake (implicit or after STARTTLS) must finish within this.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(30)};
  // After close() the connection gets this long to flush its output and see the peer's EOF.
  std::chrono::milliseconds close_timeout{std::chrono::seconds(10)};
  // Concurrent connections on one listener, in total and from one client IP address.
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_ip = 20;
};

// Counts open connections per client IP; the caller asks before accepting and releases on close.
class ConnectionCounter {
 public:
  enum class Verdict { accepted, too_many_total, too_many_from_ip };

  ConnectionCounter(std::size_t max_total, std::size_t max_per_ip) : max_total_(max_total), max_per_ip_(max_per_ip) {}

  // Counts the connection when under both limits; otherwise counts nothing and says which is full.
  Verdict try_acquire(const std::string& ip);
  // Undoes one accepted try_acquire for `ip`.
  void release(const std::string& ip);

  std::size_t total() const { return total_; }
  std::size_t count(const std::string& ip) const;
  // How many distinct IPs hold connections (entries at zero are removed, so the map stays bounded).
  std::size_t ip_count() const { return per_ip_.size(); }

 private:
  std::size_t max_total_;
  std::size_t max_per_ip_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace roost::net

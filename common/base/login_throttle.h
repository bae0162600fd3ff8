// Failed-login throttling shared by the daemons, per client IP and per account, without I/O: the glue
// asks before verifying a password and reports each outcome; the clock is passed in. Each failure
// makes the next answer wait longer; past a limit logins are refused (SMTP 421, POP3 -ERR [SYS/TEMP])
// until the failures age out. The limits come from the [auth] failure keys of the config. IPv6
// clients are counted per /64.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace roost {

struct ThrottleLimits {
  // The answer to the n-th failure waits base_delay * 2^(n-1), at most max_delay (n counts the
  // failures of the IP or of the account, whichever is higher).
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{std::chrono::seconds(8)};
  // At this many failures the IP (or the account, from any IP) is locked out.
  std::uint32_t max_failures_per_ip = 10;
  std::uint32_t max_failures_per_account = 8;
  // Failures are forgotten this long after the last one.
  std::chrono::milliseconds window{std::chrono::minutes(15)};
  // Keys tracked at most (IPs plus accounts); beyond it expired entries, then the oldest, are dropped.
  std::size_t max_tracked = 20000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleLimits limits = {}) : limits_(limits) {}

  // True when a login from `ip` for `account` must not even be tried: refuse it.
  bool locked_out(std::string_view ip, std::string_view account, std::int64_t now_ms) const;
  // Counts a failed login; returns how long to wait before answering it.
  std::chrono::milliseconds record_failure(std::string_view ip, std::string_view account, std::int64_t now_ms);
  // A successful login clears the account's failures (the IP's stay: one valid account must not
  // reset the count of an address guessing others).
  void record_success(std::string_view account);

  std::size_t tracked() const { return entries_.size(); }
  const ThrottleLimits& limits() const { return limits_; }

 private:
  struct Entry {
    std::uint32_t failures = 0;
    std::int64_t last_ms = 0;
  };
  static std::string ip_key(std::string_view ip);
  static std::string account_key(std::string_view account);
  std::uint32_t failures(const std::string& key, std::int64_t now_ms) const;
  std::uint32_t bump(const std::string& key, std::int64_t now_ms);
  void make_room(std::int64_t now_ms);

  ThrottleLimits limits_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace roost

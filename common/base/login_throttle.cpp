// Failed-login throttling (see login_throttle.h).
#include "common/base/login_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace roost {

// An IPv6 client usually holds a whole /64 and can pick a new address in it for every attempt, so
// IPv6 failures count per /64 (IPv4-mapped addresses stay per address).
std::string LoginThrottle::ip_key(std::string_view ip) {
  std::string text(ip);
  unsigned char addr[16];
  if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), addr) != 1) return "ip:" + text;
  static const unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(addr, kV4Mapped, sizeof kV4Mapped) == 0) return "ip:" + text;
  std::memset(addr + 8, 0, 8);
  char prefix[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, addr, prefix, sizeof prefix);
  return "ip6:" + std::string(prefix) + "/64";
}

std::string LoginThrottle::account_key(std::string_view account) {
  std::string key = "acct:";
  for (char c : account) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

std::uint32_t LoginThrottle::failures(const std::string& key, std::int64_t now_ms) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  if (now_ms - it->second.last_ms >= limits_.window.count()) return 0;
  return it->second.failures;
}

bool LoginThrottle::locked_out(std::string_view ip, std::string_view account, std::int64_t now_ms) const {
  if (failures(ip_key(ip), now_ms) >= limits_.max_failures_per_ip) return true;
  return !account.empty() && failures(account_key(account), now_ms) >= limits_.max_failures_per_account;
}

std::uint32_t LoginThrottle::bump(const std::string& key, std::int64_t now_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    make_room(now_ms);
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  if (now_ms - e.last_ms >= limits_.window.count()) e.failures = 0;
  if (e.failures < UINT32_MAX) ++e.failures;
  e.last_ms = now_ms;
  return e.failures;
}

std::chrono::milliseconds LoginThrottle::record_failure(std::string_view ip, std::string_view account,
                                                       std::int64_t now_ms) {
  std::uint32_t n = bump(ip_key(ip), now_ms);
  if (!account.empty()) n = std::max(n, bump(account_key(account), now_ms));
  // base * 2^(n-1), without overflow: the shift stops once the cap is reached.
  std::int64_t delay = limits_.base_delay.count();
  for (std::uint32_t i = 1; i < n && delay < limits_.max_delay.count(); ++i) delay *= 2;
  return std::chrono::milliseconds(std::min<std::int64_t>(delay, limits_.max_delay.count()));
}

void LoginThrottle::record_success(std::string_view account) { entries_.erase(account_key(account)); }

void LoginThrottle::make_room(std::int64_t now_ms) {
  if (entries_.size() < limits_.max_tracked) return;
  std::erase_if(entries_, [&](const auto& kv) { return now_ms - kv.second.last_ms >= limits_.window.count(); });
  while (entries_.size() >= limits_.max_tracked && !entries_.empty()) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_ms < b.second.last_ms; });
    entries_.erase(oldest);
  }
}

}  // namespace roost

// LoginThrottle: per-IP and per-account failed-login counting with growing delays.
#include "pop3d/login_throttle.h"

#include <algorithm>

namespace roost::pop3 {
namespace {

std::string ip_key(std::string_view ip) { return "ip:" + std::string(ip); }

// Case-insensitive, so "Alice@Example.org" and "alice@example.org" share one count.
std::string account_key(std::string_view account) {
  std::string key = "acct:";
  for (char c : account) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

}  // namespace

std::uint32_t LoginThrottle::failures(const std::string& key, std::int64_t now_ms) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now_ms - it->second.last_ms >= limits_.window.count()) return 0;
  return it->second.failures;
}

bool LoginThrottle::locked_out(std::string_view ip, std::string_view account, std::int64_t now_ms) const {
  return failures(ip_key(ip), now_ms) >= limits_.max_failures_per_ip ||
         failures(account_key(account), now_ms) >= limits_.max_failures_per_account;
}

std::uint32_t LoginThrottle::bump(const std::string& key, std::int64_t now_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    make_room(now_ms);
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  if (now_ms - e.last_ms >= limits_.window.count()) e.failures = 0;
  ++e.failures;
  e.last_ms = now_ms;
  return e.failures;
}

void LoginThrottle::make_room(std::int64_t now_ms) {
  if (entries_.size() < limits_.max_tracked) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now_ms - it->second.last_ms >= limits_.window.count() ? entries_.erase(it) : std::next(it);
  }
  while (entries_.size() >= limits_.max_tracked && !entries_.empty()) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_ms < b.second.last_ms; });
    entries_.erase(oldest);
  }
}

std::chrono::milliseconds LoginThrottle::record_failure(std::string_view ip, std::string_view account,
                                                        std::int64_t now_ms) {
  std::uint32_t n = std::max(bump(ip_key(ip), now_ms), bump(account_key(account), now_ms));
  std::chrono::milliseconds delay = limits_.base_delay;
  for (std::uint32_t i = 1; i < n && delay < limits_.max_delay; ++i) delay *= 2;
  return std::min(delay, limits_.max_delay);
}

void LoginThrottle::record_success(std::string_view account) { entries_.erase(account_key(account)); }

}  // namespace roost::pop3

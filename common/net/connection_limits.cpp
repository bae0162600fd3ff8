// Per-IP and total connection bookkeeping.
#include "common/net/connection_limits.h"

#include <cstdlib>

namespace roost::net {

ConnectionCounter::Verdict ConnectionCounter::try_acquire(const std::string& ip) {
  if (total_ >= max_total_) return Verdict::too_many_total;
  auto it = per_ip_.find(ip);
  std::size_t current = it == per_ip_.end() ? 0 : it->second;
  if (current >= max_per_ip_) return Verdict::too_many_from_ip;
  ++per_ip_[ip];
  ++total_;
  return Verdict::accepted;
}

void ConnectionCounter::release(const std::string& ip) {
  auto it = per_ip_.find(ip);
  // Releasing what was never acquired would let the counts drift and the limits leak: a bug.
  if (it == per_ip_.end() || total_ == 0) std::abort();
  if (--it->second == 0) per_ip_.erase(it);
  --total_;
}

std::size_t ConnectionCounter::count(const std::string& ip) const {
  auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace roost::net

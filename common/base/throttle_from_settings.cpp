#include "common/base/throttle_from_settings.h"

#include <chrono>

namespace roost {

ThrottleLimits throttle_limits_from(const Settings& settings) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  ThrottleLimits limits;
  limits.base_delay = duration_cast<milliseconds>(settings.auth.failure_base_delay);
  limits.max_delay = duration_cast<milliseconds>(settings.auth.failure_max_delay);
  limits.max_failures_per_ip = static_cast<std::uint32_t>(settings.auth.max_failures_per_ip);
  limits.max_failures_per_account = static_cast<std::uint32_t>(settings.auth.max_failures_per_account);
  limits.window = duration_cast<milliseconds>(settings.auth.failure_window);
  return limits;
}

}  // namespace roost

// The login throttle's limits from the [auth] failure keys, so every daemon throttles alike.
#pragma once

#include "common/base/config.h"
#include "common/base/login_throttle.h"

namespace roost {

ThrottleLimits throttle_limits_from(const Settings& settings);

}  // namespace roost

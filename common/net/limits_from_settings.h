// Fills the network runtime's limits from the config file's settings, so every daemon wires them alike.
#pragma once

#include "common/base/config.h"
#include "common/net/connection_limits.h"
#include "common/net/server.h"

namespace roost::net {

// The [limits] and [tls] keys, plus the daemon's own idle timeout (smtpd.idle_timeout, ...).
ConnectionLimits limits_from(const Settings& settings, Duration idle_timeout);
// limits.shutdown_grace as the graceful stop deadline.
ServerOptions server_options_from(const Settings& settings);

}  // namespace roost::net

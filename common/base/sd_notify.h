// Readiness and state notifications to systemd (sd_notify(3) protocol) without libsystemd: one
// datagram to the AF_UNIX socket named by $NOTIFY_SOCKET, which a Type=notify unit sets.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::sd {

// Sends `state` (newline-separated KEY=VALUE assignments, e.g. "READY=1") to the socket named by
// $NOTIFY_SOCKET: a path ("/run/systemd/notify") or an abstract name ("@name"). When the variable is
// unset or empty (not run by systemd) nothing is sent and the result is Ok. Fails when the address
// is malformed or the datagram cannot be sent whole.
Status notify(std::string_view state);

// The daemon has bound every listener and serves.
Status notify_ready();
// A graceful stop has begun (SIGTERM).
Status notify_stopping();
// A reload has begun (SIGHUP); READY=1 ends it. Carries MONOTONIC_USEC as systemd expects.
Status notify_reloading();

// The state string notify_reloading() sends, for a CLOCK_MONOTONIC time in microseconds.
std::string reloading_state(long long monotonic_usec);

}  // namespace roost::sd

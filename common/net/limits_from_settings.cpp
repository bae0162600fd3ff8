// Config settings to network limits (see limits_from_settings.h).
#include "common/net/limits_from_settings.h"

#include <algorithm>

namespace roost::net {

ConnectionLimits limits_from(const Settings& settings, Duration idle_timeout) {
  ConnectionLimits limits;
  limits.max_line = static_cast<std::size_t>(settings.limits.max_line_length);
  limits.output_high_watermark = static_cast<std::size_t>(settings.limits.output_high_watermark);
  limits.output_low_watermark = static_cast<std::size_t>(settings.limits.output_low_watermark);
  limits.idle_timeout = idle_timeout;
  limits.session_limit = settings.limits.session_limit;
  limits.handshake_timeout = settings.tls.handshake_timeout;
  limits.max_connections = static_cast<std::size_t>(settings.limits.max_connections);
  limits.max_connections_per_ip = static_cast<std::size_t>(settings.limits.max_connections_per_ip);
  // Input held while a handler waits (e.g. for a store write) gets room for a few full lines.
  limits.max_input_buffer = std::max(limits.max_input_buffer, 4 * limits.max_line);
  return limits;
}

ServerOptions server_options_from(const Settings& settings) {
  ServerOptions options;
  options.stop_deadline = settings.limits.shutdown_grace;
  return options;
}

}  // namespace roost::net

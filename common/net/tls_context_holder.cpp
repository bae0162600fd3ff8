// Loading and reloading of the server TLS context.
#include "common/net/tls_context_holder.h"

namespace roost::net {

Status TlsContextHolder::load(const tls::ServerConfig& config) {
  auto context = tls::ServerContext::load(config);
  if (!context) return fail(context.error());
  config_ = config;
  current_ = std::move(context.value());
  return {};
}

Status TlsContextHolder::reload() {
  if (!current_) return fail("no TLS certificate was configured, so there is nothing to reload");
  auto context = tls::ServerContext::load(config_);
  if (!context) return fail(context.error());
  current_ = std::move(context.value());
  return {};
}

}  // namespace roost::net

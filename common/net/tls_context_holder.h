// TlsContextHolder: the server's current TLS context, loaded at start-up and reloaded on SIGHUP.
// Connections take the current context when their handshake starts and keep it afterwards.
#pragma once

#include <memory>

#include "common/base/result.h"
#include "common/tls/tls_engine.h"

namespace roost::net {

class TlsContextHolder {
 public:
  // Loads the certificate chain and key; on failure nothing changes and the error says why.
  Status load(const tls::ServerConfig& config);
  // Loads the same files again. On failure the old context stays in use and the error is returned.
  Status reload();
  // nullptr until load() succeeded.
  std::shared_ptr<tls::ServerContext> current() const { return current_; }
  bool loaded() const { return current_ != nullptr; }

 private:
  tls::ServerConfig config_;
  // Shared with the engines of open sessions, which keep the context they started with.
  std::shared_ptr<tls::ServerContext> current_;
};

}  // namespace roost::net

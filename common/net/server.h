// Server: what a daemon's main.cpp wires together. It owns the loop, the listeners, the TLS context
// (reloaded on SIGHUP) and the graceful stop on SIGTERM/SIGINT: stop accepting, let sessions finish
// their exchange until a deadline, then close what is left and return from run().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/net/listener.h"
#include "common/net/loop.h"
#include "common/net/tls_context_holder.h"

namespace roost::net {

struct ServerOptions {
  // After SIGTERM, sessions get this long to finish before they are closed.
  std::chrono::milliseconds stop_deadline{std::chrono::seconds(30)};
  // Install SIGTERM/SIGINT (stop) and SIGHUP (reload TLS) watchers in run(), which also tells
  // systemd READY=1 when it starts, STOPPING=1 on a stop and RELOADING=1 around a reload.
  bool handle_signals = true;
};

class Server {
 public:
  // Ignores SIGPIPE for the process: a peer that vanished is a write error, not a signal.
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Loop& loop() { return *loop_; }
  TlsContextHolder& tls() { return tls_; }

  // Loads the certificate chain and key (required before a TLS listener is added).
  Status load_tls(const tls::ServerConfig& config) { return tls_.load(config); }
  // Binds a listener. The returned pointer stays valid for the Server's life (port() for port 0).
  Result<Listener*> listen(ListenerConfig config);
  // The daemon's own shutdown (queue runner, timers): called once when the stop completes.
  void on_stop(std::function<void()> hook) { stop_hooks_.push_back(std::move(hook)); }

  // Runs the loop until a graceful stop completes. Returns the process exit code (0).
  int run();
  // Graceful stop, as on SIGTERM: listeners close, handlers get on_stop, the deadline starts.
  void stop();
  // As on SIGHUP: loads the certificate again; on failure logs an error and keeps the old one.
  void reload_tls();
  bool stopping() const { return stopping_; }
  std::size_t connection_count() const;

 private:
  void check_stopped();
  void finish_stop();

  ServerOptions options_;
  // Declared first: destroyed last, after everything holding a handle on it.
  std::unique_ptr<Loop> loop_;
  TlsContextHolder tls_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  std::unique_ptr<Timer> deadline_;
  std::vector<std::function<void()>> stop_hooks_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace roost::net

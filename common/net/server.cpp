// Server: listeners, signals, TLS reload and the graceful stop.
#include "common/net/server.h"

#include <csignal>

#include "common/base/sd_notify.h"

namespace roost::net {

namespace {

// Outside systemd this sends nothing; a failed notification is worth a line, not a stop.
void tell_systemd(const Status& sent) {
  if (!sent) log::warn("cannot notify systemd").kv("error", sent.error().message);
}

}  // namespace

Server::Server(ServerOptions options) : options_(options), loop_(std::make_unique<Loop>()) {
  std::signal(SIGPIPE, SIG_IGN);
}

Server::~Server() {
  deadline_.reset();
  signals_.clear();
  listeners_.clear();
}

Result<Listener*> Server::listen(ListenerConfig config) {
  auto listener = Listener::open(*loop_, std::move(config), tls_.loaded() ? &tls_ : nullptr);
  if (!listener) return fail(listener.error());
  Listener* raw = listener.value().get();
  raw->set_on_connection_gone([this] { check_stopped(); });
  listeners_.push_back(std::move(listener.value()));
  return raw;
}

std::size_t Server::connection_count() const {
  std::size_t n = 0;
  for (const auto& l : listeners_) n += l->connection_count();
  return n;
}

int Server::run() {
  if (options_.handle_signals && !stopping_) {
    // A Type=notify unit (deploy/systemd) hears of a stop or a reload as it begins.
    auto stop_asked = [this] {
      tell_systemd(sd::notify_stopping());
      stop();
    };
    signals_.push_back(std::make_unique<SignalWatcher>(*loop_, SIGTERM, stop_asked));
    signals_.push_back(std::make_unique<SignalWatcher>(*loop_, SIGINT, stop_asked));
    signals_.push_back(std::make_unique<SignalWatcher>(*loop_, SIGHUP, [this] {
      tell_systemd(sd::notify_reloading());
      reload_tls();
      tell_systemd(sd::notify_ready());
    }));
  }
  // The daemons open every listener before run(): from here the service is up.
  if (!stopping_) tell_systemd(sd::notify_ready());
  loop_->run();
  return 0;
}

void Server::stop() {
  if (stopped_) return;
  if (stopping_) {
    // A second stop signal: do not wait for the deadline.
    log::info("stopping now").kv("connections", connection_count());
    for (auto& l : listeners_) l->abort_all(CloseReason::shutdown);
    return;
  }
  stopping_ = true;
  log::info("stopping").kv("connections", connection_count()).kv("deadline_ms", options_.stop_deadline.count());
  for (auto& l : listeners_) l->stop_accepting();
  for (auto& l : listeners_) l->stop_sessions();
  deadline_ = std::make_unique<Timer>(*loop_);
  deadline_->start(options_.stop_deadline, [this] {
    log::info("stop deadline reached").kv("connections", connection_count());
    for (auto& l : listeners_) l->abort_all(CloseReason::shutdown);
  });
  check_stopped();
}

void Server::check_stopped() {
  if (stopping_ && !stopped_ && connection_count() == 0) finish_stop();
}

void Server::finish_stop() {
  stopped_ = true;
  deadline_.reset();
  signals_.clear();
  auto hooks = std::move(stop_hooks_);
  for (auto& hook : hooks) run_guarded("stop hook", hook);
  log::info("stopped");
  // Close callbacks still pending run when the Loop is destroyed.
  loop_->stop();
}

void Server::reload_tls() {
  if (!tls_.loaded()) {
    log::info("reload requested; no TLS certificate is configured");
    return;
  }
  auto status = tls_.reload();
  if (!status) {
    log::error("TLS certificate reload failed; keeping the previous certificate").kv("error", status.error().message);
    return;
  }
  log::info("TLS certificate reloaded");
}

}  // namespace roost::net

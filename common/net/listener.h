// Listener: one listening socket (IPv4 or IPv6, plain / STARTTLS / implicit TLS) that accepts
// connections within ConnectionLimits and owns them until their sockets are closed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <uv.h>

#include "common/base/result.h"
#include "common/net/address.h"
#include "common/net/connection.h"
#include "common/net/connection_handler.h"
#include "common/net/connection_limits.h"
#include "common/net/handle.h"
#include "common/net/loop.h"

namespace roost::net {

class TlsContextHolder;

struct ListenerConfig {
  std::string name;     // for logs: "smtp-mx", "submission"
  std::string address;  // "0.0.0.0:25", "[::]:25", "127.0.0.1:0" (port 0: the system picks one)
  ListenMode mode = ListenMode::plain;
  ConnectionLimits limits;
  // Written before closing a connection refused by a limit, e.g. "421 4.7.0 Too many connections\r\n".
  // Not written on an implicit-TLS listener (the peer expects a handshake): the socket is just closed.
  std::string busy_text;
  HandlerFactory factory;  // creates each connection's handler
  int backlog = 128;
};

class Listener {
 public:
  // Binds and starts listening. IPv6 sockets are IPV6_V6ONLY so "[::]:25" and "0.0.0.0:25" can both be
  // bound. `tls` (owned by the Server, outliving the Listener) is needed for the TLS modes.
  static Result<std::unique_ptr<Listener>> open(Loop& loop, ListenerConfig config, const TlsContextHolder* tls);
  // Closes the socket and every connection still open (without flushing).
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const ListenerConfig& config() const { return config_; }
  // The bound address, with the port the system chose for port 0.
  const SocketAddress& address() const { return bound_; }
  std::uint16_t port() const { return bound_.port(); }

  // Stops accepting (the socket is closed; new connections are refused by the system).
  void stop_accepting();
  // Graceful stop: every open connection's handler gets on_stop.
  void stop_sessions();
  // Closes every connection at once.
  void abort_all(CloseReason reason);
  // Connections whose sockets are not closed yet (refused ones included until they close).
  std::size_t connection_count() const { return connections_.size(); }
  const ConnectionCounter& counter() const { return counter_; }
  // Called each time a connection is gone (from its close callback).
  void set_on_connection_gone(std::function<void()> callback) { on_gone_ = std::move(callback); }

 private:
  Listener(Loop& loop, ListenerConfig config, const TlsContextHolder* tls);
  void on_connection(int status);
  void release(std::uint64_t id);

  struct Entry {
    std::unique_ptr<Connection> conn;
    std::string ip;
    bool counted = false;
  };

  Loop& loop_;
  ListenerConfig config_;
  const TlsContextHolder* tls_;
  Handle<uv_tcp_t> socket_;
  SocketAddress bound_;
  ConnectionCounter counter_;
  std::unordered_map<std::uint64_t, Entry> connections_;
  std::function<void()> on_gone_;
};

}  // namespace roost::net

// Connection: one accepted TCP connection with optional TLS (implicit or STARTTLS), input framing,
// an output queue with watermarks, and the idle / session / handshake timers. It drives one
// ConnectionHandler. Created and owned by a Listener; destroyed only from its socket's close callback.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <uv.h>

#include "common/base/result.h"
#include "common/net/address.h"
#include "common/net/connection_handler.h"
#include "common/net/connection_limits.h"
#include "common/net/handle.h"
#include "common/net/input_framer.h"
#include "common/net/loop.h"
#include "common/tls/tls_engine.h"

namespace roost::net {

class TlsContextHolder;

enum class ListenMode {
  plain,         // no TLS
  starttls,      // plaintext until the handler calls start_tls()
  implicit_tls,  // TLS handshake first, then on_open
};

std::string_view listen_mode_name(ListenMode mode);

class Connection {
 public:
  struct Setup {
    Loop* loop = nullptr;
    std::uint64_t id = 0;
    ConnectionLimits limits;
    ListenMode mode = ListenMode::plain;
    const TlsContextHolder* tls = nullptr;  // outlives the connection (owned by the Server)
    std::string listener_name;
    // Called from the socket's close callback: the owner destroys the Connection there.
    std::function<void(Connection&)> on_finished;
  };

  explicit Connection(Setup setup);
  // Closes what is still open (without flushing) and tells the handler on_close(shutdown) if it had
  // not been told yet.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- For the owner (Listener) ---
  // The socket handle to pass to uv_accept; then start() with the handler factory.
  uv_tcp_t* socket() { return tcp_.get(); }
  bool socket_ok() const { return static_cast<bool>(tcp_); }
  void start(const HandlerFactory& factory);
  // Graceful stop: tells the handler on_stop (a handshake in progress is dropped).
  void begin_stop();
  // Closes at once, without flushing: the handler gets on_close(reason).
  void abort(CloseReason reason) { terminate(reason); }

  // --- What a handler uses ---
  std::uint64_t id() const { return id_; }
  const SocketAddress& peer() const { return peer_; }
  const SocketAddress& local() const { return local_; }
  const std::string& listener_name() const { return listener_name_; }
  const ConnectionLimits& limits() const { return limits_; }
  Loop& loop() { return *loop_; }
  bool tls_active() const { return tls_ != nullptr && tls_->handshake_done(); }
  std::string tls_version() const { return tls_active() ? tls_->version() : std::string(); }
  std::string tls_cipher() const { return tls_active() ? tls_->cipher() : std::string(); }

  // Queues bytes for the peer (encrypted when TLS is on). Ignored once close() was called.
  void write(std::string_view bytes);
  // False while queued output is above the high watermark: a producer waits for on_drain.
  bool writable() const { return !output_blocked_; }
  std::size_t queued_output() const { return queued_; }

  // Input modes (see InputFramer); they apply to the bytes after the current event.
  void read_lines() { framer_.read_lines(); }
  void read_exactly(std::uint64_t count) { framer_.read_exactly(count); }
  void read_message_data() { framer_.read_message_data(); }
  void read_until(std::string terminator, std::size_t already_matched = 0, std::size_t keep = 0) {
    framer_.read_until(std::move(terminator), already_matched, keep);
  }
  void read_stream() { framer_.read_stream(); }
  // Stops delivering input events (e.g. while a command waits for storage); bytes keep being buffered
  // up to limits.max_input_buffer, then reading from the socket pauses. resume_input() delivers the
  // buffered events from a later loop turn, never from inside the caller's own callback.
  void pause_input() { input_paused_ = true; }
  void resume_input();

  // STARTTLS: call after queuing the "go ahead" reply. Plaintext bytes received behind the command
  // are discarded (and counted in the log); the next bytes are the TLS handshake; on_tls_ready
  // follows. Fails on a listener without TLS or when TLS is already on.
  Status start_tls();
  bool can_start_tls() const;

  // Closes after the queued output is flushed (bounded by limits.close_timeout).
  void close() { close(CloseReason::closed_by_server); }
  bool closing() const { return state_ != State::open && state_ != State::handshaking; }

 private:
  enum class State { handshaking, open, closing, lingering, closed };

  void begin_tls();
  void on_read(ssize_t nread, const uv_buf_t* buf);
  void on_input(std::string_view bytes);
  void on_peer_eof();
  void dispatch();
  void schedule_dispatch();
  void handshake_finished();
  void send_tls_output();
  void queue_wire(std::string_view bytes);
  void flush();
  void after_write(std::size_t size, int status);
  void finish_output();
  void close(CloseReason reason);
  void terminate(CloseReason reason);
  void update_reading();
  void touch();
  void on_timer(Timeout which);
  template <typename F>
  void call_handler(const char* where, F&& f);

  Loop* loop_;
  std::uint64_t id_;
  ConnectionLimits limits_;
  ListenMode mode_;
  const TlsContextHolder* tls_holder_;
  std::string listener_name_;
  std::function<void(Connection&)> on_finished_;

  Handle<uv_tcp_t> tcp_;
  Timer idle_timer_;
  Timer session_timer_;
  Timer handshake_timer_;
  Timer resume_timer_;
  SocketAddress peer_;
  SocketAddress local_;
  std::unique_ptr<ConnectionHandler> handler_;
  std::unique_ptr<tls::Engine> tls_;
  bool starttls_pending_ = false;  // handshake after STARTTLS (on_tls_ready, not on_open)
  InputFramer framer_;

  State state_ = State::open;
  CloseReason close_reason_ = CloseReason::closed_by_server;
  bool handler_closed_ = false;  // on_close was called
  bool reading_ = false;
  bool peer_eof_ = false;
  bool input_paused_ = false;
  bool dispatching_ = false;
  bool output_blocked_ = false;
  bool write_in_flight_ = false;
  std::string pending_;     // wire bytes not yet handed to libuv
  std::size_t queued_ = 0;  // pending plus in flight
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  std::uint64_t started_ms_ = 0;
};

}  // namespace roost::net

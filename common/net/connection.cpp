// Connection: reading, TLS, framing and dispatch to the handler, output queue, timers and closing.
#include "common/net/connection.h"

#include <utility>

#include "common/net/tls_context_holder.h"

namespace roost::net {

namespace {

// uv_write_t first, so the request pointer libuv hands back is the WriteRequest.
struct WriteRequest {
  uv_write_t req;
  std::string data;
};

}  // namespace

std::string_view close_reason_name(CloseReason reason) {
  switch (reason) {
    case CloseReason::closed_by_server: return "closed_by_server";
    case CloseReason::peer_closed: return "peer_closed";
    case CloseReason::error: return "error";
    case CloseReason::timeout: return "timeout";
    case CloseReason::tls_failed: return "tls_failed";
    case CloseReason::tls_handshake_timeout: return "tls_handshake_timeout";
    case CloseReason::shutdown: return "shutdown";
    case CloseReason::too_many_connections: return "too_many_connections";
  }
  return "unknown";
}

std::string_view listen_mode_name(ListenMode mode) {
  switch (mode) {
    case ListenMode::plain: return "plain";
    case ListenMode::starttls: return "starttls";
    case ListenMode::implicit_tls: return "tls";
  }
  return "unknown";
}

void ConnectionHandler::on_stop(Connection& conn) { conn.close(); }

Connection::Connection(Setup setup)
    : loop_(setup.loop),
      id_(setup.id),
      limits_(setup.limits),
      mode_(setup.mode),
      tls_holder_(setup.tls),
      listener_name_(std::move(setup.listener_name)),
      on_finished_(std::move(setup.on_finished)),
      idle_timer_(*loop_),
      session_timer_(*loop_),
      handshake_timer_(*loop_),
      resume_timer_(*loop_),
      framer_(limits_.max_line) {
  int rc = tcp_.open(this, [&](uv_tcp_t* t) { return uv_tcp_init(loop_->get(), t); });
  if (rc < 0) log::error(id_, "cannot create a socket handle").kv("error", uv_strerror(rc));
}

Connection::~Connection() {
  if (handler_ && !handler_closed_) {
    handler_closed_ = true;
    call_handler("on_close", [&] { handler_->on_close(*this, CloseReason::shutdown); });
  }
  tcp_.close();
}

template <typename F>
void Connection::call_handler(const char* where, F&& f) {
  if (!run_guarded(where, std::forward<F>(f)) && state_ != State::closed) terminate(CloseReason::error);
}

void Connection::start(const HandlerFactory& factory) {
  started_ms_ = loop_->now_ms();
  sockaddr_storage ss{};
  int len = sizeof ss;
  if (uv_tcp_getpeername(tcp_.get(), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (auto a = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) peer_ = *a;
  }
  len = sizeof ss;
  if (uv_tcp_getsockname(tcp_.get(), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (auto a = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) local_ = *a;
  }
  uv_tcp_nodelay(tcp_.get(), 1);
  log::info(id_, "connection opened")
      .kv("listener", listener_name_)
      .kv("peer", peer_.to_string())
      .kv("local", local_.to_string())
      .kv("mode", listen_mode_name(mode_));
  if (!run_guarded("handler factory", [&] { handler_ = factory(*this); }) || !handler_) {
    terminate(CloseReason::error);
    return;
  }
  session_timer_.start(limits_.session_limit, [this] { on_timer(Timeout::session_limit); });
  touch();
  update_reading();
  if (state_ == State::closed) return;
  if (mode_ == ListenMode::implicit_tls) {
    begin_tls();
  } else {
    call_handler("on_open", [&] { handler_->on_open(*this); });
  }
}

void Connection::begin_tls() {
  auto context = tls_holder_ ? tls_holder_->current() : nullptr;
  if (!context) {
    log::error(id_, "TLS requested but no certificate is loaded");
    terminate(CloseReason::tls_failed);
    return;
  }
  tls_ = tls::Engine::server(std::move(context));
  state_ = State::handshaking;
  handshake_timer_.start(limits_.handshake_timeout, [this] {
    if (state_ != State::handshaking) return;
    log::info(id_, "TLS handshake timed out");
    terminate(CloseReason::tls_handshake_timeout);
  });
}

bool Connection::can_start_tls() const {
  return mode_ == ListenMode::starttls && !tls_ && state_ == State::open && tls_holder_ && tls_holder_->loaded();
}

Status Connection::start_tls() {
  if (!can_start_tls()) return fail("TLS cannot be started on this connection");
  // RFC 3207 4.2 / CVE-2011-0411: nothing received before the handshake may count as sent under TLS.
  std::size_t dropped = framer_.discard_buffered();
  if (dropped > 0) log::info(id_, "plaintext after STARTTLS discarded").kv("bytes", dropped);
  starttls_pending_ = true;
  begin_tls();
  return {};
}

void Connection::update_reading() {
  if (!tcp_ || state_ == State::closed) return;
  bool want = false;
  if (!peer_eof_) {
    if (state_ == State::closing || state_ == State::lingering) {
      want = true;  // discard what comes, so neither side blocks and no reset eats our last reply
    } else {
      want = !output_blocked_ && framer_.buffered() < limits_.max_input_buffer;
    }
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(tcp_.get());
  if (want && !reading_) {
    int rc = uv_read_start(
        stream,
        [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
          auto* self = Handle<uv_tcp_t>::owner<Connection>(h);
          if (!self) {
            *buf = uv_buf_init(nullptr, 0);
            return;
          }
          *buf = uv_buf_init(self->loop_->read_buffer(), Loop::kReadBufferSize);
        },
        [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
          auto* self = Handle<uv_tcp_t>::owner<Connection>(s);
          if (self) self->on_read(nread, buf);
        });
    if (rc < 0) {
      terminate(CloseReason::error);
      return;
    }
    reading_ = true;
  } else if (!want && reading_) {
    uv_read_stop(stream);
    reading_ = false;
  }
}

void Connection::touch() {
  if (state_ == State::open || state_ == State::handshaking) {
    idle_timer_.start(limits_.idle_timeout, [this] { on_timer(Timeout::idle); });
  }
}

void Connection::on_timer(Timeout which) {
  if (state_ == State::handshaking) {
    terminate(CloseReason::tls_handshake_timeout);
    return;
  }
  if (state_ != State::open) return;
  log::info(id_, "connection timed out").kv("which", which == Timeout::idle ? "idle" : "session_limit");
  call_handler("on_timeout", [&] { handler_->on_timeout(*this, which); });
  close(CloseReason::timeout);
}

void Connection::on_read(ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0) return;
  if (nread == UV_EOF) {
    on_peer_eof();
    return;
  }
  if (nread < 0) {
    if (state_ == State::closing || state_ == State::lingering) {
      terminate(close_reason_);
    } else {
      log::info(id_, "connection error").kv("error", uv_strerror(static_cast<int>(nread)));
      terminate(CloseReason::error);
    }
    return;
  }
  bytes_in_ += static_cast<std::uint64_t>(nread);
  if (state_ != State::open && state_ != State::handshaking) return;  // closing: discarded
  touch();
  on_input(std::string_view(buf->base, static_cast<std::size_t>(nread)));
  if (state_ != State::closed) update_reading();
}

void Connection::on_input(std::string_view bytes) {
  if (!tls_) {
    framer_.feed(bytes);
    dispatch();
    return;
  }
  bool was_done = tls_->handshake_done();
  tls_->feed(bytes);
  std::string plain;
  auto st = tls_->pump(plain);
  send_tls_output();
  if (state_ == State::closed) return;
  if (st == tls::Engine::State::failed) {
    log::info(id_, "TLS failed").kv("error", tls_->error());
    terminate(CloseReason::tls_failed);
    return;
  }
  if (!was_done && tls_->handshake_done()) {
    handshake_finished();
    if (state_ == State::closed) return;
  }
  if (!plain.empty()) framer_.feed(plain);
  dispatch();
  if (st == tls::Engine::State::closed && state_ != State::closed) on_peer_eof();
}

void Connection::handshake_finished() {
  handshake_timer_.stop();
  state_ = State::open;
  log::info(id_, "TLS established").kv("version", tls_->version()).kv("cipher", tls_->cipher());
  if (starttls_pending_) {
    starttls_pending_ = false;
    call_handler("on_tls_ready", [&] { handler_->on_tls_ready(*this); });
  } else {
    call_handler("on_open", [&] { handler_->on_open(*this); });
  }
}

void Connection::on_peer_eof() {
  peer_eof_ = true;
  update_reading();
  switch (state_) {
    case State::handshaking:
      terminate(CloseReason::peer_closed);
      break;
    case State::open:
      dispatch();  // delivers what is buffered, then closes
      break;
    case State::lingering:
      terminate(close_reason_);
      break;
    default:
      break;
  }
}

void Connection::dispatch() {
  if (dispatching_) return;
  dispatching_ = true;
  bool drained = false;
  while (state_ == State::open && !input_paused_ && !output_blocked_ && !(tls_ && !tls_->handshake_done())) {
    InputEvent ev = framer_.next();
    if (ev.kind == InputEvent::Kind::need_more) {
      drained = true;
      break;
    }
    switch (ev.kind) {
      case InputEvent::Kind::line:
        call_handler("on_line", [&] { handler_->on_line(*this, ev.bytes); });
        break;
      case InputEvent::Kind::line_too_long:
        log::info(id_, "line too long").kv("max", limits_.max_line);
        call_handler("on_line_too_long", [&] { handler_->on_line_too_long(*this); });
        break;
      case InputEvent::Kind::raw_chunk:
        call_handler("on_raw", [&] { handler_->on_raw(*this, ev.bytes); });
        break;
      case InputEvent::Kind::raw_end:
        call_handler("on_raw_end", [&] { handler_->on_raw_end(*this); });
        break;
      case InputEvent::Kind::need_more:
        break;
    }
  }
  dispatching_ = false;
  if (state_ == State::closed) return;
  if (drained && peer_eof_ && state_ == State::open) close(CloseReason::peer_closed);
  update_reading();
}

void Connection::resume_input() {
  input_paused_ = false;
  schedule_dispatch();
}

void Connection::schedule_dispatch() {
  if (state_ != State::open || resume_timer_.active()) return;
  resume_timer_.start(std::chrono::milliseconds(0), [this] { dispatch(); });
}

void Connection::send_tls_output() {
  if (tls_ && tls_->has_ciphertext()) {
    std::string wire = tls_->take_ciphertext();
    queue_wire(wire);
  }
}

void Connection::write(std::string_view bytes) {
  if (bytes.empty() || (state_ != State::open && state_ != State::handshaking)) return;
  if (tls_) {
    tls_->write(bytes);
    send_tls_output();
  } else {
    queue_wire(bytes);
  }
}

void Connection::queue_wire(std::string_view bytes) {
  if (bytes.empty() || state_ == State::closed) return;
  pending_.append(bytes);
  queued_ += bytes.size();
  flush();
  if (state_ != State::closed && queued_ > limits_.output_high_watermark && !output_blocked_) {
    output_blocked_ = true;
    update_reading();
  }
}

void Connection::flush() {
  if (write_in_flight_ || pending_.empty() || !tcp_) return;
  auto* req = new WriteRequest{};
  req->data.swap(pending_);
  uv_buf_t buf = uv_buf_init(req->data.data(), static_cast<unsigned>(req->data.size()));
  int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(tcp_.get()), &buf, 1, [](uv_write_t* r, int status) {
    auto* req = reinterpret_cast<WriteRequest*>(r);
    std::size_t size = req->data.size();
    // After close started the handle's owner is cleared: a cancelled write only frees its request.
    auto* self = Handle<uv_tcp_t>::owner<Connection>(r->handle);
    delete req;
    if (self) self->after_write(size, status);
  });
  if (rc < 0) {
    queued_ -= req->data.size();
    delete req;
    log::info(id_, "write failed").kv("error", uv_strerror(rc));
    terminate(CloseReason::error);
    return;
  }
  write_in_flight_ = true;
}

void Connection::after_write(std::size_t size, int status) {
  write_in_flight_ = false;
  queued_ -= size;
  if (status < 0) {
    if (state_ == State::closing || state_ == State::lingering) {
      terminate(close_reason_);
    } else {
      log::info(id_, "write failed").kv("error", uv_strerror(status));
      terminate(CloseReason::error);
    }
    return;
  }
  bytes_out_ += size;
  touch();
  flush();
  if (state_ == State::closed) return;
  if (output_blocked_ && queued_ <= limits_.output_low_watermark) {
    output_blocked_ = false;
    update_reading();
    if (state_ == State::open) {
      call_handler("on_drain", [&] { handler_->on_drain(*this); });
      dispatch();
    }
  }
  if (state_ == State::closing && queued_ == 0) finish_output();
}

void Connection::close(CloseReason reason) {
  if (state_ == State::closing || state_ == State::lingering || state_ == State::closed) return;
  if (state_ == State::handshaking) {
    terminate(reason);
    return;
  }
  state_ = State::closing;
  close_reason_ = reason;
  session_timer_.stop();
  resume_timer_.stop();
  idle_timer_.start(limits_.close_timeout, [this] {
    log::info(id_, "output not flushed before the close timeout").kv("queued", queued_);
    terminate(CloseReason::timeout);
  });
  if (tls_ && tls_->handshake_done()) {
    tls_->shutdown();
    send_tls_output();
  }
  if (state_ == State::closing && queued_ == 0) finish_output();
  if (state_ != State::closed) update_reading();
}

void Connection::finish_output() {
  // Send FIN, then read until the peer's EOF (bounded by the close timer): closing with unread input
  // would make the kernel send a reset that can destroy our last reply in flight.
  auto* req = new uv_shutdown_t{};
  int rc = uv_shutdown(req, reinterpret_cast<uv_stream_t*>(tcp_.get()), [](uv_shutdown_t* r, int status) {
    auto* self = Handle<uv_tcp_t>::owner<Connection>(r->handle);
    delete r;
    if (!self || self->state_ != State::closing) return;
    if (status < 0 || self->peer_eof_) {
      self->terminate(self->close_reason_);
      return;
    }
    self->state_ = State::lingering;
    self->update_reading();
  });
  if (rc < 0) {
    delete req;
    terminate(close_reason_);
    return;
  }
}

void Connection::begin_stop() {
  if (state_ == State::handshaking) {
    terminate(CloseReason::shutdown);
  } else if (state_ == State::open) {
    call_handler("on_stop", [&] { handler_->on_stop(*this); });
  }
}

void Connection::terminate(CloseReason reason) {
  if (state_ == State::closed) return;
  state_ = State::closed;
  idle_timer_.stop();
  session_timer_.stop();
  handshake_timer_.stop();
  resume_timer_.stop();
  reading_ = false;
  log::info(id_, "connection closed")
      .kv("reason", close_reason_name(reason))
      .kv("bytes_in", bytes_in_)
      .kv("bytes_out", bytes_out_)
      .kv("duration_ms", loop_->now_ms() - started_ms_);
  if (handler_ && !handler_closed_) {
    handler_closed_ = true;
    run_guarded("on_close", [&] { handler_->on_close(*this, reason); });
  }
  pending_.clear();
  tcp_.close(
      [](void* arg) {
        auto* self = static_cast<Connection*>(arg);
        // A copy: the owner destroys the Connection (and its on_finished_) inside this call.
        auto finished = self->on_finished_;
        if (finished) finished(*self);
      },
      this);
}

}  // namespace roost::net

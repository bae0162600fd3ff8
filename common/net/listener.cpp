// Listener: bind, accept, connection limits, ownership of the accepted connections.
#include "common/net/listener.h"

#include <atomic>
#include <vector>

namespace roost::net {

namespace {

std::atomic<std::uint64_t> g_next_connection_id{1};

// The handler of a connection refused by a limit: the busy text, then close.
class BusyHandler final : public ConnectionHandler {
 public:
  explicit BusyHandler(std::string text) : text_(std::move(text)) {}
  void on_open(Connection& conn) override {
    conn.write(text_);
    conn.close();
  }
  void on_line(Connection&, std::string_view) override {}
  void on_line_too_long(Connection&) override {}
  void on_timeout(Connection&, Timeout) override {}

 private:
  std::string text_;
};

}  // namespace

Listener::Listener(Loop& loop, ListenerConfig config, const TlsContextHolder* tls)
    : loop_(loop),
      config_(std::move(config)),
      tls_(tls),
      counter_(config_.limits.max_connections, config_.limits.max_connections_per_ip) {}

Result<std::unique_ptr<Listener>> Listener::open(Loop& loop, ListenerConfig config, const TlsContextHolder* tls) {
  auto address = SocketAddress::parse(config.address);
  if (!address) return fail("listener " + config.name + ": " + address.error().message);
  if (!config.factory) return fail("listener " + config.name + " has no handler factory");
  if (config.mode != ListenMode::plain && tls == nullptr) {
    return fail("listener " + config.name + " needs TLS but no certificate is configured");
  }
  std::unique_ptr<Listener> listener(new Listener(loop, std::move(config), tls));
  Listener* self = listener.get();
  int rc = self->socket_.open(self, [&](uv_tcp_t* t) { return uv_tcp_init(loop.get(), t); });
  auto describe = [&](const char* what, int code) {
    return "cannot " + std::string(what) + " " + self->config_.address + " (" + self->config_.name +
           "): " + uv_strerror(code);
  };
  if (rc < 0) return fail(describe("create a socket for", rc));
  unsigned flags = address->is_v6() ? UV_TCP_IPV6ONLY : 0;
  rc = uv_tcp_bind(self->socket_.get(), address->sockaddr_ptr(), flags);
  if (rc < 0) return fail(describe("bind", rc));
  rc = uv_listen(reinterpret_cast<uv_stream_t*>(self->socket_.get()), self->config_.backlog, [](uv_stream_t* s, int status) {
    auto* owner = Handle<uv_tcp_t>::owner<Listener>(s);
    if (owner) run_guarded("accept", [&] { owner->on_connection(status); });
  });
  if (rc < 0) return fail(describe("listen on", rc));
  sockaddr_storage ss{};
  int len = sizeof ss;
  rc = uv_tcp_getsockname(self->socket_.get(), reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc < 0) return fail(describe("read the bound address of", rc));
  auto bound = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));
  if (!bound) return fail(bound.error());
  self->bound_ = *bound;
  log::info("listening")
      .kv("listener", self->config_.name)
      .kv("addr", self->bound_.to_string())
      .kv("mode", listen_mode_name(self->config_.mode));
  return listener;
}

Listener::~Listener() {
  socket_.close();
  // Each Connection's destructor closes its socket and disarms its close callback, so release()
  // is not called back for them.
  on_gone_ = nullptr;
  connections_.clear();
}

void Listener::on_connection(int status) {
  if (status < 0) {
    log::warn("accept failed").kv("listener", config_.name).kv("error", uv_strerror(status));
    return;
  }
  std::uint64_t id = g_next_connection_id.fetch_add(1);
  Connection::Setup setup;
  setup.loop = &loop_;
  setup.id = id;
  setup.limits = config_.limits;
  setup.mode = config_.mode;
  setup.tls = tls_;
  setup.listener_name = config_.name;
  setup.on_finished = [this](Connection& conn) { release(conn.id()); };
  auto conn = std::make_unique<Connection>(std::move(setup));
  if (!conn->socket_ok()) return;
  int rc = uv_accept(reinterpret_cast<uv_stream_t*>(socket_.get()), reinterpret_cast<uv_stream_t*>(conn->socket()));
  if (rc < 0) {
    log::warn("accept failed").kv("listener", config_.name).kv("error", uv_strerror(rc));
    return;  // the Connection's destructor closes its handle
  }
  sockaddr_storage ss{};
  int len = sizeof ss;
  std::string ip;
  if (uv_tcp_getpeername(conn->socket(), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (auto a = SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) ip = a->ip();
  }
  Entry entry;
  entry.ip = ip;
  HandlerFactory factory = config_.factory;
  auto verdict = counter_.try_acquire(ip);
  if (verdict == ConnectionCounter::Verdict::accepted) {
    entry.counted = true;
  } else {
    log::info(id, "connection refused")
        .kv("listener", config_.name)
        .kv("peer", ip)
        .kv("limit", verdict == ConnectionCounter::Verdict::too_many_total ? "total" : "per_ip");
    std::string text = config_.mode == ListenMode::implicit_tls ? std::string() : config_.busy_text;
    factory = [text](Connection&) { return std::make_unique<BusyHandler>(text); };
  }
  Connection* raw = conn.get();
  bool refused = !entry.counted;
  entry.conn = std::move(conn);
  connections_.emplace(id, std::move(entry));
  if (refused && config_.mode == ListenMode::implicit_tls) {
    raw->abort(CloseReason::too_many_connections);
    return;
  }
  raw->start(factory);
}

void Listener::release(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second.counted) counter_.release(it->second.ip);
  connections_.erase(it);
  if (on_gone_) on_gone_();
}

void Listener::stop_accepting() {
  if (socket_) log::info("listener closed").kv("listener", config_.name).kv("addr", bound_.to_string());
  socket_.close();
}

void Listener::stop_sessions() {
  std::vector<Connection*> open;
  for (auto& [id, entry] : connections_) open.push_back(entry.conn.get());
  for (Connection* conn : open) conn->begin_stop();
}

void Listener::abort_all(CloseReason reason) {
  std::vector<Connection*> open;
  for (auto& [id, entry] : connections_) open.push_back(entry.conn.get());
  for (Connection* conn : open) conn->abort(reason);
}

}  // namespace roost::net

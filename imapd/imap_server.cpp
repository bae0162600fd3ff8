// ImapServer and ImapConnection: the IMAP session over a net::Connection. Each session step (framing
// and running commands against the store) runs on a worker; the loop moves bytes, applies the
// session's requests (STARTTLS, close, IDLE wake-ups, delayed answers) and keeps output bounded.
#include "imapd/imap_server.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "common/base/log.h"

namespace roost::imap {
namespace {

bool is_loopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// What the session needs from the server for one connection; called on the session's worker thread.
class ConnectionEnv final : public SessionEnv {
 public:
  ConnectionEnv(ImapServer& server, std::string ip, std::uint64_t conn_id)
      : server_(server), ip_(std::move(ip)), conn_id_(conn_id) {}

  bool login_locked_out(std::string_view account) override {
    bool locked = server_.login_locked_out(ip_, account);
    if (locked) log_login(account, "throttled");
    return locked;
  }
  std::chrono::milliseconds login_failed(std::string_view account) override {
    log_login(account, "failed");
    return server_.login_failed(ip_, account);
  }
  void login_succeeded(std::string_view account) override {
    log_login(account, "ok");
    server_.login_succeeded(account);
  }
  std::int64_t now_unix() override {
    const auto& clock = server_.store().options().clock;
    if (clock) return clock();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  std::atomic<bool> tls{false};  // set on the loop when TLS is up, read in the login line

 private:
  // One line per login attempt (DESIGN.md "Config, logs, CLI"); never the password.
  void log_login(std::string_view account, std::string_view result) {
    log::info(conn_id_, "imap login")
        .kv("event", "imap.login")
        .kv("result", result)
        .kv("user", account)
        .kv("ip", ip_)
        .kv("tls", tls.load());
  }

  ImapServer& server_;
  std::string ip_;
  std::uint64_t conn_id_;
};

// The session and its environment, shared by the connection and a step in flight on a worker: the
// connection may close while its step runs, and the session must outlive the step.
struct SessionBox {
  SessionBox(ImapServer& server, std::string ip, std::uint64_t conn_id) : env(server, std::move(ip), conn_id) {}
  ConnectionEnv env;
  std::optional<Session> session;
};

// What the loop hands to one step, and what the step hands back.
struct StepInput {
  std::string bytes;
  bool tls_started = false;
  bool changes_notified = false;
  bool stop = false;
};
struct StepOutcome {
  std::string output;
  std::vector<Request> requests;
  bool more = false;
  bool input_full = false;
  bool closed = false;
  std::string user;
};

// On the worker: one call into the session for everything the loop gathered since the last step.
StepOutcome run_step(Session& session, const StepInput& in, std::size_t budget, std::uint64_t conn_id) {
  StepOutcome out;
  try {
    if (in.tls_started) session.tls_started();
    if (in.changes_notified) session.changes_notified();
    if (!in.bytes.empty()) session.receive(in.bytes);
    if (in.stop) session.stop();
    out.more = session.step(budget);
    out.output = session.take_output();
    while (auto request = session.next_request()) out.requests.push_back(std::move(*request));
    // A request may leave output behind it (the answer held by DelayOutput).
    out.output += session.take_output();
    out.input_full = session.input_full();
    out.closed = session.closed();
    out.user = session.user();
  } catch (const std::exception& e) {
    // A bug, not a client's doing: this session ends, the daemon goes on.
    log::error(conn_id, "exception in an IMAP session step").kv("error", e.what());
    out = StepOutcome{};
    out.output = "* BYE Internal server error\r\n";
    out.closed = true;
  }
  return out;
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

class ImapConnection final : public net::ConnectionHandler {
 public:
  ImapConnection(ImapServer& server, net::Connection& conn, bool implicit_tls)
      : server_(server), registry_(server.registry()), conn_(conn), implicit_tls_(implicit_tls), delay_(conn.loop()) {
    sid_ = registry_->next_sid++;
    registry_->sessions[sid_] = this;
    ip_ = conn.peer().ip();
  }
  // Touches only the registry: the server may be gone already (see ImapServer::Registry).
  ~ImapConnection() override { registry_->sessions.erase(sid_); }

  void on_open(net::Connection& conn) override {
    const ServerConfig& sc = server_.config();
    SessionConfig config;
    config.hostname = sc.hostname;
    config.tls_available = sc.tls_available && conn.can_start_tls();
    config.implicit_tls = implicit_tls_;
    config.plaintext_login = sc.allow_plaintext_on_loopback && is_loopback(ip_);
    config.framer = sc.framer;
    config.grammar = sc.grammar;
    config.limits = sc.session;
    box_ = std::make_shared<SessionBox>(server_, ip_, conn.id());
    box_->env.tls = implicit_tls_;
    tls_ = implicit_tls_;
    // The constructor only writes the greeting; no other step runs yet.
    box_->session.emplace(std::move(config), server_.store(), box_->env);
    conn.read_stream();  // the session frames IMAP itself (lines and literals)
    conn.write(box_->session->take_output());
  }

  // Stream mode throughout (see on_open): lines never arrive on their own.
  void on_line(net::Connection&, std::string_view) override {}
  void on_line_too_long(net::Connection&) override {}

  void on_raw(net::Connection&, std::string_view bytes) override {
    if (!box_ || closing_) return;
    pending_input_.append(bytes);
    update_input();
    schedule();
  }

  void on_tls_ready(net::Connection&) override {
    if (!box_) return;
    tls_pending_ = false;
    tls_ = true;
    box_->env.tls = true;
    tls_started_pending_ = true;
    schedule();
  }

  void on_drain(net::Connection&) override {
    if (waiting_drain_) {
      waiting_drain_ = false;
      schedule();
    }
  }

  // The connection closes right after this returns, so the BYE is written now; only when no step
  // is running may the loop call into the session.
  void on_timeout(net::Connection& conn, net::Timeout) override {
    if (!box_ || step_in_flight_ || closing_) return;
    box_->session->timed_out();
    conn.write(box_->session->take_output());
    closing_ = true;
  }

  void on_stop(net::Connection& conn) override {
    if (!box_ || closing_) return conn.close();
    stop_pending_ = true;
    schedule();
  }

  void on_close(net::Connection&, net::CloseReason reason) override {
    closed_ = true;
    delay_.stop();
    if (!box_) return;
    // One summary line per session (STYLE.md "Logs").
    log::info(conn_.id(), "imap session")
        .kv("event", "imap.session")
        .kv("user", user_.empty() ? std::string("-") : user_)
        .kv("ip", ip_)
        .kv("tls", tls_)
        .kv("reason", net::close_reason_name(reason));
  }

  // A store change may concern this session: wake it if it is in IDLE on a matching mailbox.
  void wake_if_idling(const std::function<bool(std::int64_t)>& changed) {
    if (!idling_ || closed_ || closing_) return;
    if (!changed(watched_mailbox_)) return;
    notify_pending_ = true;
    schedule();
  }
  bool idling() const { return idling_ && !closed_; }

  void on_step_done(StepOutcome out) {
    step_in_flight_ = false;
    if (closed_) return;
    user_ = std::move(out.user);
    session_input_full_ = out.input_full;
    std::chrono::milliseconds delay{0};
    bool start_tls = false;
    bool close = out.closed;
    for (auto& request : out.requests) {
      std::visit(Overloaded{
                     [&](StartTls&) { start_tls = true; },
                     [&](Close&) { close = true; },
                     [&](WatchMailbox& w) { watched_mailbox_ = w.mailbox_id; },
                     [&](IdleStarted&) { idling_ = true; },
                     [&](IdleEnded&) { idling_ = false; },
                     [&](DelayOutput& d) { delay = std::max(delay, d.delay); },
                 },
                 request);
    }
    // A step that stopped at a request may have input left behind it: one more step finds out.
    more_work_ = out.more || (!out.requests.empty() && !start_tls && !close);
    if (delay.count() > 0) {
      // Failed logins are answered late, which slows down guessing.
      delay_.start(delay, [this, output = std::move(out.output), start_tls, close] {
        delivering_delayed_ = false;
        deliver(output, start_tls, close);
      });
      delivering_delayed_ = true;
      update_input();
      return;
    }
    deliver(out.output, start_tls, close);
  }

 private:
  void deliver(const std::string& output, bool start_tls, bool close) {
    if (closed_) return;
    if (!output.empty()) conn_.write(output);
    if (close) {
      closing_ = true;
      conn_.close();
      return;
    }
    if (start_tls) {
      // RFC 9051 6.2.1 (and RFC 2595 3.1): nothing the client sent before the handshake counts.
      if (!pending_input_.empty()) log::info(conn_.id(), "plaintext after STARTTLS discarded").kv("bytes", pending_input_.size());
      pending_input_.clear();
      auto started = conn_.start_tls();
      if (!started) {
        log::error(conn_.id(), "cannot start TLS").kv("error", started.error().message);
        closing_ = true;
        conn_.close();
        return;
      }
      conn_.read_stream();  // start_tls() put the connection back in line mode
      tls_pending_ = true;
    }
    update_input();
    schedule();
  }

  // Reading pauses while the session (or the input gathered for its next step) is full.
  void update_input() {
    bool full = session_input_full_ || pending_input_.size() >= server_.config().session.max_pending_input;
    if (full && !input_paused_) {
      conn_.pause_input();
      input_paused_ = true;
    } else if (!full && input_paused_) {
      input_paused_ = false;
      conn_.resume_input();
    }
  }

  // Runs the next step on a worker if there is work and nothing holds it back: a step already
  // running (never two at once), a TLS handshake, an answer being delayed, or output above the
  // high watermark (on_drain resumes: a FETCH of a huge mailbox goes on only as the client reads).
  void schedule() {
    if (!box_ || closed_ || closing_ || step_in_flight_ || tls_pending_ || delivering_delayed_) return;
    bool has_work = more_work_ || !pending_input_.empty() || tls_started_pending_ || notify_pending_ || stop_pending_;
    if (!has_work) return;
    if (!conn_.writable()) {
      waiting_drain_ = true;
      return;
    }
    StepInput in;
    in.bytes = std::move(pending_input_);
    pending_input_.clear();
    in.tls_started = std::exchange(tls_started_pending_, false);
    in.changes_notified = std::exchange(notify_pending_, false) && idling_;
    in.stop = std::exchange(stop_pending_, false);
    more_work_ = false;
    step_in_flight_ = true;
    auto box = box_;
    auto post = server_.poster_for(sid_);
    const std::size_t budget = server_.config().output_budget;
    const std::uint64_t conn_id = conn_.id();
    bool queued = server_.run_on_worker([box, post, in = std::move(in), budget, conn_id] {
      StepOutcome out = run_step(*box->session, in, budget, conn_id);
      post([out = std::move(out)](ImapConnection& c) mutable { c.on_step_done(std::move(out)); });
    });
    if (!queued) {
      step_in_flight_ = false;
      log::error(conn_.id(), "too many IMAP steps queued; closing the session");
      conn_.write("* BYE Server too busy, try again later\r\n");
      closing_ = true;
      conn_.close();
      return;
    }
    update_input();
  }

  ImapServer& server_;
  std::shared_ptr<ImapServer::Registry> registry_;
  net::Connection& conn_;
  bool implicit_tls_;
  std::uint64_t sid_ = 0;
  std::string ip_;
  std::shared_ptr<SessionBox> box_;  // shared with a step in flight (see SessionBox)
  net::Timer delay_;
  std::string pending_input_;  // received while a step ran, for the next one
  std::string user_;           // as of the last step, for the summary line
  std::int64_t watched_mailbox_ = 0;
  bool tls_ = false;
  bool step_in_flight_ = false;
  bool more_work_ = false;
  bool tls_pending_ = false;          // STARTTLS handshake running
  bool tls_started_pending_ = false;  // the next step tells the session TLS is up
  bool notify_pending_ = false;       // the next step refreshes the IDLE view
  bool stop_pending_ = false;         // the next step tells the session the server stops
  bool delivering_delayed_ = false;
  bool idling_ = false;
  bool session_input_full_ = false;
  bool waiting_drain_ = false;
  bool input_paused_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

ImapServer::ImapServer(net::Loop& loop, store::Store& store, ServerConfig config)
    : loop_(loop),
      store_(store),
      config_(std::move(config)),
      throttle_(config_.throttle),
      post_(loop),
      workers_(std::make_unique<WorkerPool>(config_.worker_threads, config_.max_queued_steps)),
      registry_(std::make_shared<Registry>()),
      idle_check_(loop) {}

ImapServer::~ImapServer() { shutdown(); }

void ImapServer::shutdown() {
  stop_watching();
  post_.close();
  workers_.reset();  // runs what is queued (its completions are dropped), then joins
  probe_.reset();    // after the workers: the check job uses it
}

bool ImapServer::run_on_worker(std::function<void()> job) { return workers_ && workers_->try_post(std::move(job)); }

bool ImapServer::login_locked_out(std::string_view ip, std::string_view account) {
  std::lock_guard lock(throttle_mutex_);
  return throttle_.locked_out(ip, account, steady_now_ms());
}

std::chrono::milliseconds ImapServer::login_failed(std::string_view ip, std::string_view account) {
  std::lock_guard lock(throttle_mutex_);
  return throttle_.record_failure(ip, account, steady_now_ms());
}

void ImapServer::login_succeeded(std::string_view account) {
  std::lock_guard lock(throttle_mutex_);
  throttle_.record_success(account);
}

std::function<void(ImapServer::SessionTask)> ImapServer::poster_for(std::uint64_t sid) {
  auto poster = post_.poster();
  // The inner task runs only on the loop while the LoopPost is open, so the server is alive then.
  return [poster, this, sid](SessionTask task) {
    poster([this, sid, task = std::move(task)] {
      auto it = registry_->sessions.find(sid);
      if (it != registry_->sessions.end()) task(*it->second);
    });
  };
}

net::HandlerFactory ImapServer::factory(bool implicit_tls) {
  return [this, implicit_tls](net::Connection& conn) -> std::unique_ptr<net::ConnectionHandler> {
    return std::make_unique<ImapConnection>(*this, conn, implicit_tls);
  };
}

bool ImapServer::any_idling() const {
  for (const auto& [sid, conn] : registry_->sessions) {
    if (conn->idling()) return true;
  }
  return false;
}

void ImapServer::wake_idling(const std::function<bool(std::int64_t)>& changed) {
  // Collected first: waking may close a connection, which changes the registry.
  std::vector<std::uint64_t> sids;
  for (const auto& [sid, conn] : registry_->sessions) {
    if (conn->idling()) sids.push_back(sid);
  }
  for (auto sid : sids) {
    auto it = registry_->sessions.find(sid);
    if (it != registry_->sessions.end()) it->second->wake_if_idling(changed);
  }
}

}  // namespace roost::imap

// The connection handler of roost-smtpd: bytes in and out of the Session, its requests served with
// the runtime and the store, results handed back on the loop, failed logins throttled, one log line
// per transaction and one per session.
#include "smtpd/smtp_server.h"

#include <chrono>
#include <ctime>
#include <random>
#include <utility>

#include "common/base/log.h"
#include "common/net/connection.h"

namespace roost::smtp {

namespace {

using net::Connection;

bool is_loopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Environment system_environment() {
  Environment env;
  env.now = [] {
    std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    return mail::DateTime{static_cast<std::int64_t>(t), static_cast<int>(local.tm_gmtoff / 60)};
  };
  // Ids must not be guessable: seeded from the system's random source per connection.
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32));
  env.random = [engine] { return (*engine)(); };
  return env;
}

// Built from either alternative explicitly (moving the whole Result trips a false
// maybe-uninitialized warning in GCC 12).
DeliverResult deliver_result(const store::StoreResult<std::string>& r) {
  if (r.ok()) return DeliverResult{store::StoreResult<std::string>(r.value())};
  return DeliverResult{store::StoreResult<std::string>(fail(r.error()))};
}

const char* listener_name(ListenerKind kind) {
  switch (kind) {
    case ListenerKind::mx: return "mx";
    case ListenerKind::submission: return "submission";
    case ListenerKind::submissions: return "submissions";
  }
  return "?";
}

class SmtpConnection final : public net::ConnectionHandler {
 public:
  SmtpConnection(SmtpContext& context, Connection& conn, ListenerKind kind, bool tls_available)
      : ctx_(context), kind_(kind), tls_available_(tls_available), delay_timer_(conn.loop()) {}

  void on_open(Connection& conn) override {
    const Settings& s = ctx_.settings;
    SessionConfig config;
    config.hostname = s.hostname;
    config.listener = kind_;
    config.tls_available = tls_available_;
    config.auth_on_mx = s.smtpd.auth_on_mx;
    ip_ = conn.peer().ip();
    config.plaintext_auth = s.auth.allow_plaintext_on_loopback && is_loopback(ip_);
    config.received_shows_user = s.smtpd.received_shows_user;
    config.limits.max_message_size = static_cast<std::uint64_t>(s.smtpd.max_message_size);
    config.limits.max_recipients = static_cast<std::size_t>(s.smtpd.max_recipients);
    config.limits.max_errors = static_cast<std::size_t>(s.smtpd.max_errors);
    config.limits.max_received_fields = static_cast<std::size_t>(s.smtpd.max_received_fields);
    config.limits.max_line_length = static_cast<std::size_t>(s.limits.max_line_length);
    std::optional<TlsInfo> tls;
    if (conn.tls_active()) tls = TlsInfo{conn.tls_version(), conn.tls_cipher()};
    session_ = std::make_unique<Session>(std::move(config), PeerInfo{ip_, ""}, system_environment(), std::move(tls));
    // The Session frames its own input (command lines, DATA, BDAT chunks, SASL).
    conn.read_stream();
    pump(conn);
  }

  void on_line(Connection& conn, std::string_view line) override {
    // Not used in stream mode; kept correct should the mode ever fall back to lines.
    on_raw(conn, std::string(line) + "\r\n");
  }

  void on_line_too_long(Connection& conn) override { (void)conn; }

  void on_raw(Connection& conn, std::string_view bytes) override {
    if (!session_) return;
    session_->receive(bytes);
    pump(conn);
  }

  void on_tls_ready(Connection& conn) override {
    if (!session_ || waiting_ != Waiting::starttls) return;
    waiting_ = Waiting::none;
    outstanding_ = 0;
    session_->tls_started(TlsInfo{conn.tls_version(), conn.tls_cipher()});
    conn.read_stream();  // start_tls() reset the framer to line mode
    pump(conn);
  }

  void on_timeout(Connection& conn, net::Timeout which) override {
    (void)which;
    if (!session_) return;
    session_->timeout();
    (void)session_->next_request();  // the Close: the connection closes after this callback
    conn.write(session_->take_output());
  }

  void on_stop(Connection& conn) override {
    stopping_ = true;
    if (!session_) {
      conn.close();
      return;
    }
    // An exchange in flight (a delivery, a login) finishes first; pump() ends the session after it.
    if (outstanding_ == 0) {
      session_->shutdown();
      pump(conn);
    }
  }

  void on_close(Connection& conn, net::CloseReason reason) override {
    closed_ = true;
    if (session_) {
      session_->connection_lost();
      log_finished_transactions(conn);
    }
    log::info(conn.id(), "smtp.session")
        .kv("listener", listener_name(kind_))
        .kv("client", ip_)
        .kv("tls", conn.tls_active())
        .kv("user", account_)
        .kv("messages", messages_)
        .kv("auth_failures", auth_failures_)
        .kv("reason", net::close_reason_name(reason));
  }

 private:
  enum class Waiting { none, starttls, auth, rcpt, sender, deliver };

  // Writes the session's output and serves its next request; pauses input while one is outstanding.
  void pump(Connection& conn) {
    if (closed_ || !session_) return;
    if (std::string out = session_->take_output(); !out.empty()) conn.write(out);
    log_finished_transactions(conn);
    while (auto request = session_->next_request()) {
      serve(conn, std::move(*request));
      if (closed_) return;
    }
    if (outstanding_ == 0 && stopping_ && !session_->closed()) {
      session_->shutdown();
      pump(conn);
      return;
    }
    // Backpressure: nothing more is read while the session waits for an answer, so a client cannot
    // pile up input behind a slow store, and a peer's EOF does not close a session in mid-delivery.
    bool want = outstanding_ == 0 && session_->wants_input();
    if (!want && !paused_) {
      conn.pause_input();
      paused_ = true;
    } else if (want && paused_) {
      paused_ = false;
      conn.resume_input();
    }
  }

  void serve(Connection& conn, Request request) {
    std::uint64_t id = request.id;
    std::visit(
        [&](auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, Close>) {
            if (std::string out = session_->take_output(); !out.empty()) conn.write(out);
            conn.close();
          } else if constexpr (std::is_same_v<T, StartTls>) {
            begin(id, Waiting::starttls);
            if (std::string out = session_->take_output(); !out.empty()) conn.write(out);
            if (!conn.start_tls()) {
              log::error(conn.id(), "smtp.starttls").kv("result", "cannot start TLS");
              conn.close();
            }
          } else if constexpr (std::is_same_v<T, Authenticate>) {
            begin(id, Waiting::auth);
            authenticate(conn, id, std::move(body));
          } else if constexpr (std::is_same_v<T, ResolveRecipient>) {
            begin(id, Waiting::rcpt);
            resolve(conn, id, std::move(body));
          } else if constexpr (std::is_same_v<T, CheckSender>) {
            begin(id, Waiting::sender);
            check(conn, id, std::move(body));
          } else if constexpr (std::is_same_v<T, Deliver>) {
            begin(id, Waiting::deliver);
            deliver(conn, id, std::move(body));
          }
        },
        request.body);
  }

  void begin(std::uint64_t id, Waiting waiting) {
    outstanding_ = id;
    waiting_ = waiting;
  }

  void finish(Connection& conn, std::uint64_t id, Outcome outcome) {
    if (closed_ || outstanding_ != id) return;
    outstanding_ = 0;
    waiting_ = Waiting::none;
    session_->complete(id, std::move(outcome));
    pump(conn);
  }

  // ---- AUTH ----

  void authenticate(Connection& conn, std::uint64_t id, Authenticate request) {
    std::string user = std::move(request.user);
    if (ctx_.throttle.locked_out(ip_, user, steady_ms())) {
      log::info(conn.id(), "smtp.auth").kv("client", ip_).kv("user", user).kv("result", "locked_out");
      cut_off(conn);
      return;
    }
    // Argon2 runs on the store's hashing threads; the answer comes back through the loop. Nothing of
    // `this` is touched off the loop: the callback holds copies and checks `alive` on the loop.
    ctx_.store->authenticate(user, std::string(request.password.view()),
                             [this, alive = std::weak_ptr<bool>(alive_), post = ctx_.post, &conn, id,
                              user](store::StoreResult<store::AuthResult> r) mutable {
                               post->post([this, alive, &conn, id, user, r = std::move(r)]() mutable {
                                 if (alive.expired() || closed_) return;
                                 on_auth_result(conn, id, user, std::move(r));
                               });
                             });
  }

  void on_auth_result(Connection& conn, std::uint64_t id, const std::string& user,
                      store::StoreResult<store::AuthResult> r) {
    if (r.ok()) {
      ctx_.throttle.record_success(user);
      account_ = r->address;
      account_id_ = r->account_id;
      log::info(conn.id(), "smtp.auth").kv("client", ip_).kv("user", account_).kv("result", "ok");
      finish(conn, id, AuthResult{AuthVerdict::ok, account_});
      return;
    }
    store::StoreError error = r.error();
    if (error != store::StoreError::auth_failed && error != store::StoreError::account_disabled) {
      log::error(conn.id(), "smtp.auth").kv("client", ip_).kv("user", user).kv("result", "error")
          .kv("error", store::store_error_name(error));
      finish(conn, id, AuthResult{AuthVerdict::temporary_failure, ""});
      return;
    }
    ++auth_failures_;
    auto delay = ctx_.throttle.record_failure(ip_, user, steady_ms());
    log::info(conn.id(), "smtp.auth")
        .kv("client", ip_)
        .kv("user", user)
        .kv("result", store::store_error_name(error))
        .kv("delay_ms", delay.count());
    // The answer to a failed login waits; a client over the limit is cut off instead.
    delay_timer_.start(delay, [this, &conn, id, user] {
      if (closed_) return;
      if (ctx_.throttle.locked_out(ip_, user, steady_ms())) {
        cut_off(conn);
        return;
      }
      finish(conn, id, AuthResult{AuthVerdict::bad_credentials, ""});
    });
  }

  // Too many failed logins: 421 and close (RFC 5321 3.8), whatever the session was waiting for.
  void cut_off(Connection& conn) {
    conn.write(session_->take_output());
    conn.write(server_reply(421, "4.7.0", ctx_.settings.hostname + " Too many failed logins, closing connection").render());
    outstanding_ = 0;
    conn.close();
  }

  // ---- RCPT, MAIL FROM, From: ----

  void resolve(Connection& conn, std::uint64_t id, ResolveRecipient request) {
    auto* store = ctx_.store;
    auto posted = ctx_.readers->try_post([this, alive = std::weak_ptr<bool>(alive_), post = ctx_.post, &conn, id,
                                          store, request = std::move(request)]() mutable {
      RecipientResult r = resolve_recipient(*store, request);
      std::string to = request.address.to_string();
      post->post([this, alive, &conn, id, to, r = std::move(r)]() mutable {
        if (alive.expired() || closed_) return;
        if (r.verdict != RecipientVerdict::local && r.verdict != RecipientVerdict::remote) {
          log::info(conn.id(), "smtp.rcpt").kv("client", ip_).kv("to", to).kv("result", verdict_name(r.verdict));
        }
        finish(conn, id, std::move(r));
      });
    });
    if (!posted) finish(conn, id, RecipientResult{RecipientVerdict::temporary_failure, {}});
  }

  void check(Connection& conn, std::uint64_t id, CheckSender request) {
    auto* store = ctx_.store;
    std::int64_t account_id = account_id_;
    auto posted = ctx_.readers->try_post([this, alive = std::weak_ptr<bool>(alive_), post = ctx_.post, &conn, id,
                                          store, account_id, request = std::move(request)]() mutable {
      SenderResult r = check_sender(*store, account_id, request.address);
      post->post([this, alive, &conn, id, r] {
        if (alive.expired() || closed_) return;
        finish(conn, id, r);
      });
    });
    if (!posted) finish(conn, id, SenderResult{SenderVerdict::temporary_failure});
  }

  static const char* verdict_name(RecipientVerdict v) {
    switch (v) {
      case RecipientVerdict::local: return "local";
      case RecipientVerdict::remote: return "remote";
      case RecipientVerdict::unknown: return "unknown";
      case RecipientVerdict::relay_denied: return "relay_denied";
      case RecipientVerdict::disabled: return "disabled";
      case RecipientVerdict::mailbox_full: return "mailbox_full";
      case RecipientVerdict::over_quota: return "over_quota";
      case RecipientVerdict::temporary_failure: return "temporary_failure";
    }
    return "?";
  }

  // ---- Delivery ----

  // The one line per transaction for those that ended without reaching the store (refused at the end
  // of the message, or abandoned); a message that reached the store gets its line in deliver(). The
  // same keys, with no queue id.
  void log_finished_transactions(Connection& conn) {
    for (const TransactionSummary& t : session_->take_finished_transactions()) {
      std::string recipients;
      for (const auto& rcpt : t.recipients) {
        if (!recipients.empty()) recipients += ',';
        recipients += rcpt.to_string();
      }
      log::info(conn.id(), "smtp.message")
          .kv("queue_id", "")
          .kv("client", ip_)
          .kv("tls", conn.tls_active() ? conn.tls_version() : std::string("no"))
          .kv("user", account_)
          .kv("from", t.sender.to_string())
          .kv("to", recipients)
          .kv("size", t.size)
          .kv("local", 0)
          .kv("queued", 0)
          .kv("result", t.refused() ? "refused" : "aborted")
          .kv("code", t.code)
          .kv("enhanced", t.enhanced)
          .kv("reason", t.reason);
    }
  }

  void deliver(Connection& conn, std::uint64_t id, Deliver request) {
    Envelope& env = request.envelope;
    DeliveryPlan plan;
    plan.queue_id = env.id;
    plan.sender = env.sender.to_string();
    std::string recipients;
    for (const auto& rcpt : env.recipients) {
      if (!recipients.empty()) recipients += ',';
      recipients += rcpt.address.to_string();
      if (rcpt.verdict == RecipientVerdict::remote) {
        plan.outbound.push_back(rcpt.address.to_string());
      } else {
        plan.local.push_back(rcpt.address);
      }
    }
    plan.return_path = env.sender.to_path();
    std::size_t size = request.message.size();

    struct Summary {
      std::uint64_t conn_id = 0;
      std::string client, queue_id, sender, recipients, tls, user;
      std::size_t size = 0;
      std::size_t local = 0, outbound = 0;
    };
    Summary summary{conn.id(), ip_, env.id, env.sender.to_string(), recipients, env.tls ? env.tls->version : std::string("no"),
                    env.account, size, plan.local.size(), plan.outbound.size()};
    // Stores the message and answers on the loop. Runs on a worker: the MIME parse the store keeps
    // (and the DKIM body hash) reads the whole message, which must delay neither the loop nor the
    // store's writer, whose group commit serves every session.
    auto store_message = [this, alive = std::weak_ptr<bool>(alive_), &conn, id, summary = std::move(summary),
                          plan = std::move(plan), store = ctx_.store, post = ctx_.post](std::string message) mutable {
      auto bytes = std::make_shared<const std::string>(std::move(message));
      auto parsed = std::make_shared<const mail::ParsedMessage>(store::parse_for_store(*bytes));
      deliver_message(*store, std::move(plan), bytes, parsed,
                      [this, alive, &conn, id, bytes, parsed, summary, post](store::StoreResult<std::string> r) mutable {
                        // Runs on the writer thread: log here (the result is durable whatever happens to
                        // the connection), then hand the answer to the loop.
                        log::info(summary.conn_id, "smtp.message")
                            .kv("queue_id", summary.queue_id)
                            .kv("client", summary.client)
                            .kv("tls", summary.tls)
                            .kv("user", summary.user)
                            .kv("from", summary.sender)
                            .kv("to", summary.recipients)
                            .kv("size", summary.size)
                            .kv("local", summary.local)
                            .kv("queued", summary.outbound)
                            .kv("result", r.ok() ? std::string_view("stored") : store::store_error_name(r.error()));
                        post->post([this, alive, &conn, id, r = std::move(r)]() mutable {
                          if (alive.expired() || closed_) return;
                          if (r.ok()) ++messages_;
                          finish(conn, id, deliver_result(r));
                        });
                      });
    };
    // Submission is DKIM-signed for the sender's domain first; mail from the world never is.
    auto posted = ctx_.readers->try_post([store_message, message = std::move(request.message),
                                          sign = !env.account.empty(), data_dir = ctx_.settings.data_dir,
                                          domain = env.sender.ascii_domain(), conn_id = conn.id(),
                                          queue_id = env.id]() mutable {
      if (sign) message = dkim_signed(data_dir, domain, std::move(message), conn_id, queue_id);
      store_message(std::move(message));
    });
    if (!posted) finish(conn, id, deliver_result(store::StoreResult<std::string>(fail(store::StoreError::busy))));
  }

  SmtpContext& ctx_;
  ListenerKind kind_;
  bool tls_available_;
  std::unique_ptr<Session> session_;
  std::string ip_;
  net::Timer delay_timer_;
  // Expired once the handler is gone: answers from other threads check it before touching `this`.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t outstanding_ = 0;
  Waiting waiting_ = Waiting::none;
  bool paused_ = false;
  bool stopping_ = false;
  bool closed_ = false;
  std::string account_;
  std::int64_t account_id_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t auth_failures_ = 0;
};

}  // namespace

net::HandlerFactory smtp_handler_factory(SmtpContext& context, ListenerKind kind, bool tls_available) {
  return [&context, kind, tls_available](Connection& conn) -> std::unique_ptr<net::ConnectionHandler> {
    return std::make_unique<SmtpConnection>(context, conn, kind, tls_available);
  };
}

}  // namespace roost::smtp

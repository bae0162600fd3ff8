// Pop3Server and Pop3Connection: the POP3 session over a net::Connection, answered with the store.
#include "pop3d/pop3_server.h"

#include <chrono>
#include <optional>
#include <vector>

#include "common/base/log.h"
#include "storage/mailboxes.h"
#include "storage/messages.h"

namespace roost::pop3 {
namespace {

bool is_loopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

// The one place where store errors become POP3 answers (STYLE.md "Errors").
AuthVerdict auth_verdict_from(store::StoreError error) {
  switch (error) {
    case store::StoreError::auth_failed:
    case store::StoreError::not_found:
    case store::StoreError::invalid:
      return AuthVerdict::bad_credentials;
    case store::StoreError::account_disabled:
      return AuthVerdict::disabled;
    default:
      return AuthVerdict::temporary_failure;
  }
}

FetchVerdict fetch_verdict_from(store::StoreError error) {
  return error == store::StoreError::not_found ? FetchVerdict::expunged : FetchVerdict::temporary_failure;
}

store::UidSet uid_set(const std::vector<std::uint32_t>& uids) {
  store::UidSet set;
  set.reserve(uids.size());
  for (auto uid : uids) set.push_back(store::UidRange{uid, uid});
  return set;
}

// A message being streamed: a reader connection and the blob open on it. Moves between a worker
// thread (reading) and the loop (writing); only one of them touches it at a time.
struct Cursor {
  std::optional<store::ReaderPool::Lease> lease;
  std::unique_ptr<store::BlobStream> stream;
  std::int64_t offset = 0;
  ~Cursor() { stream.reset(); }  // the blob handle goes before its connection
};

}  // namespace

class Pop3Connection final : public net::ConnectionHandler {
 public:
  Pop3Connection(Pop3Server& server, net::Connection& conn, bool implicit_tls)
      : server_(server), registry_(server.registry()), conn_(conn), implicit_tls_(implicit_tls), delay_(conn.loop()) {
    sid_ = registry_->next_sid++;
    registry_->sessions[sid_] = this;
    ip_ = conn.peer().ip();
  }
  // Touches only the registry: the server may be gone already (see Pop3Server::Registry).
  ~Pop3Connection() override {
    release_lock();
    registry_->sessions.erase(sid_);
  }

  void on_open(net::Connection& conn) override {
    SessionConfig config;
    config.hostname = server_.config().hostname;
    config.tls_available = server_.config().tls_available && conn.can_start_tls();
    config.implicit_tls = implicit_tls_;
    config.plaintext_login = server_.config().allow_plaintext_on_loopback && is_loopback(ip_);
    config.limits = server_.config().session;
    session_.emplace(std::move(config));
    pump();
  }

  void on_line(net::Connection&, std::string_view line) override {
    if (!session_) return;
    session_->receive_line(line);
    pump();
  }

  void on_line_too_long(net::Connection&) override {
    if (!session_) return;
    session_->line_too_long();
    pump();
  }

  void on_tls_ready(net::Connection&) override {
    if (!session_) return;
    session_->tls_started();
    pump();
  }

  void on_drain(net::Connection&) override {
    if (waiting_drain_) {
      waiting_drain_ = false;
      read_next_chunk();
    }
  }

  void on_timeout(net::Connection&, net::Timeout which) override {
    if (!session_) return;
    session_->timed_out(which == net::Timeout::session_limit);
    pump();
  }

  void on_stop(net::Connection& conn) override {
    if (!session_) return conn.close();
    session_->stop();
    pump();
  }

  void on_close(net::Connection&, net::CloseReason reason) override {
    closed_ = true;
    cursor_.reset();
    release_lock();
    if (!session_) return;
    // One summary line per session (STYLE.md "Logs"); deleted counts the messages expunged at QUIT.
    log::info(conn_.id(), "pop3 session")
        .kv("event", "pop3.session")
        .kv("user", session_->user().empty() ? std::string("-") : session_->user())
        .kv("ip", ip_)
        .kv("tls", session_->tls_active())
        .kv("retrieved", session_->retrieved())
        .kv("deleted", session_->deleted())
        .kv("auth_failures", session_->auth_failures())
        .kv("reason", net::close_reason_name(reason));
  }

  // --- completions, on the loop ---

  void on_auth(store::StoreResult<store::AuthResult> result, std::string user) {
    auto& throttle = server_.throttle();
    if (!result) {
      AuthVerdict verdict = auth_verdict_from(result.error());
      log::info(conn_.id(), "pop3 login")
          .kv("event", "pop3.login")
          .kv("result", "failed")
          .kv("user", user)
          .kv("ip", ip_)
          .kv("error", store::store_error_name(result.error()));
      if (verdict == AuthVerdict::temporary_failure) return finish_auth(AuthResult{verdict, {}});
      auto delay = throttle.record_failure(ip_, user, static_cast<std::int64_t>(conn_.loop().now_ms()));
      // Failed logins are answered late, which slows down guessing.
      delay_.start(delay, [this, verdict] { finish_auth(AuthResult{verdict, {}}); });
      return;
    }
    throttle.record_success(user);
    const auto account_id = result->account_id;
    if (!registry_->locked.insert(account_id).second) {
      log::info(conn_.id(), "pop3 login").kv("event", "pop3.login").kv("result", "in_use").kv("user", result->address).kv("ip", ip_);
      return finish_auth(AuthResult{AuthVerdict::in_use, {}});
    }
    locked_account_ = account_id;
    std::string address = result->address;
    auto post = server_.poster_for(sid_);
    store::Store* store = &server_.store();
    bool queued = server_.readers().try_post([store, post, account_id, address] {
      auto snapshot = store->read<Maildrop>([&](store::Db& db) -> store::StoreResult<Maildrop> {
        auto inbox = store::find_mailbox(db, account_id, "INBOX");
        if (!inbox) return fail(inbox.error());
        auto messages = store::list_messages(db, inbox->id);
        if (!messages) return fail(messages.error());
        Maildrop drop;
        drop.account_id = account_id;
        drop.account = address;
        drop.mailbox_id = inbox->id;
        drop.uidvalidity = inbox->uidvalidity;
        drop.messages.reserve(messages->size());
        for (const auto& m : *messages) drop.messages.push_back(MaildropMessage{m.uid, m.size, m.blob_id});
        return drop;
      });
      post([snapshot = std::move(snapshot)](Pop3Connection& c) mutable { c.on_snapshot(std::move(snapshot)); });
    });
    if (!queued) on_snapshot(fail(store::StoreError::busy));
  }

  void on_snapshot(store::StoreResult<Maildrop> snapshot) {
    if (!snapshot) {
      log::error(conn_.id(), "cannot read the maildrop").kv("error", store::store_error_name(snapshot.error()));
      release_lock();
      return finish_auth(AuthResult{AuthVerdict::temporary_failure, {}});
    }
    log::info(conn_.id(), "pop3 login")
        .kv("event", "pop3.login")
        .kv("result", "ok")
        .kv("user", snapshot->account)
        .kv("ip", ip_)
        .kv("tls", conn_.tls_active())
        .kv("messages", snapshot->messages.size());
    finish_auth(AuthResult{AuthVerdict::ok, std::move(*snapshot)});
  }

  void on_fetch_open(FetchVerdict verdict, std::shared_ptr<Cursor> cursor) {
    if (!session_ || closed_) return;
    session_->complete(FetchResult{verdict});
    if (verdict == FetchVerdict::ok) {
      cursor_ = std::move(cursor);
      pump_output();
      continue_streaming();
      return;
    }
    pump();
  }

  void on_chunk(store::StoreResult<std::string> chunk, std::shared_ptr<Cursor> cursor) {
    chunk_in_flight_ = false;
    if (!session_ || closed_) return;
    cursor_ = std::move(cursor);
    if (!chunk) {
      log::error(conn_.id(), "cannot read a message").kv("error", store::store_error_name(chunk.error()));
      return end_fetch(true);
    }
    if (chunk->empty()) return end_fetch(false);
    session_->message_data(*chunk);
    pump_output();
    if (session_->message_complete() || cursor_->offset >= cursor_->stream->size()) return end_fetch(false);
    continue_streaming();
  }

  void on_commit(store::StoreResult<std::vector<std::uint32_t>> result) {
    if (!session_) return;
    if (!result) {
      log::error(conn_.id(), "cannot expunge the deleted messages").kv("error", store::store_error_name(result.error()));
    }
    session_->complete(CommitResult{result.ok(), result ? result->size() : 0});
    pump();
  }

 private:
  void finish_auth(AuthResult result) {
    if (!session_ || closed_) {
      if (result.verdict == AuthVerdict::ok) release_lock();
      return;
    }
    session_->complete(std::move(result));
    pump();
  }

  void release_lock() {
    if (locked_account_) registry_->locked.erase(*locked_account_);
    locked_account_.reset();
  }

  void pump_output() {
    std::string out = session_->take_output();
    if (!out.empty()) conn_.write(out);
  }

  // Sends the session's output, runs its requests, and pauses input while it waits.
  void pump() {
    if (!session_) return;
    pump_output();
    while (auto request = session_->next_request()) {
      std::visit([this](auto& r) { dispatch(r); }, *request);
      pump_output();
    }
    if (session_->busy() && !input_paused_) {
      conn_.pause_input();
      input_paused_ = true;
    } else if (!session_->busy() && input_paused_ && session_->state() != State::closed) {
      input_paused_ = false;
      conn_.resume_input();
    }
  }

  void dispatch(StartTls&) {
    auto started = conn_.start_tls();
    if (!started) {
      log::error(conn_.id(), "cannot start TLS").kv("error", started.error().message);
      conn_.close();
    }
  }

  void dispatch(Authenticate& request) {
    auto& throttle = server_.throttle();
    if (throttle.locked_out(ip_, request.user, static_cast<std::int64_t>(conn_.loop().now_ms()))) {
      log::info(conn_.id(), "pop3 login").kv("event", "pop3.login").kv("result", "throttled").kv("user", request.user).kv("ip", ip_);
      delay_.start(throttle.limits().max_delay, [this] { finish_auth(AuthResult{AuthVerdict::throttled, {}}); });
      return;
    }
    auto post = server_.poster_for(sid_);
    std::string user = request.user;
    server_.store().authenticate(request.user, std::string(request.password.view()),
                                 [post, user](store::StoreResult<store::AuthResult> result) {
                                   post([result = std::move(result), user](Pop3Connection& c) mutable {
                                     c.on_auth(std::move(result), user);
                                   });
                                 });
  }

  void dispatch(Fetch& request) {
    auto post = server_.poster_for(sid_);
    store::Store* store = &server_.store();
    const std::int64_t mailbox_id = session_->maildrop().mailbox_id;
    const std::uint32_t uid = request.message.uid;
    fetch_uid_ = uid;
    fetch_is_retr_ = !request.top_lines;
    bool queued = server_.readers().try_post([store, post, mailbox_id, uid] {
      auto cursor = std::make_shared<Cursor>();
      FetchVerdict verdict = FetchVerdict::ok;
      auto lease = store->readers().acquire();
      if (!lease) {
        verdict = fetch_verdict_from(lease.error() == store::StoreError::not_found ? store::StoreError::io : lease.error());
      } else {
        cursor->lease.emplace(std::move(*lease));
        // A message expunged by IMAP since the snapshot is gone from `messages`: -ERR, not a crash.
        auto info = store::get_message(cursor->lease->db(), mailbox_id, uid);
        if (!info) {
          verdict = fetch_verdict_from(info.error());
        } else {
          auto stream = store::BlobStream::open(cursor->lease->db(), info->blob_id);
          if (!stream) {
            verdict = fetch_verdict_from(stream.error());
          } else {
            cursor->stream = std::move(*stream);
          }
        }
      }
      if (verdict != FetchVerdict::ok) cursor.reset();
      post([verdict, cursor](Pop3Connection& c) mutable { c.on_fetch_open(verdict, std::move(cursor)); });
    });
    if (!queued) on_fetch_open(FetchVerdict::temporary_failure, nullptr);
  }

  void dispatch(Commit& request) {
    if (request.uids.empty()) {
      session_->complete(CommitResult{true, 0});
      return;
    }
    auto post = server_.poster_for(sid_);
    const std::int64_t mailbox_id = session_->maildrop().mailbox_id;
    store::UidSet uids = uid_set(request.uids);
    // One durable write: mark \Deleted and expunge exactly these UIDs (RFC 1939 6), so a message IMAP
    // flagged \Deleted but POP3 did not DELE stays.
    server_.store().write<std::vector<std::uint32_t>>(
        [mailbox_id, uids](store::WriteCtx& w) -> store::StoreResult<std::vector<std::uint32_t>> {
          store::Flags deleted;
          deleted.system = store::kDeleted;
          auto flagged = store::store_flags(w, mailbox_id, uids, store::FlagOp::add, deleted);
          if (!flagged) return fail(flagged.error());
          return store::expunge(w, mailbox_id, uids);
        },
        [post](store::StoreResult<std::vector<std::uint32_t>> result) {
          post([result = std::move(result)](Pop3Connection& c) mutable { c.on_commit(std::move(result)); });
        });
  }

  // The session is over (QUIT, a timeout, too many errors): the maildrop is free at once, before the
  // peer has even seen the reply, so a client that reconnects straight away is not told [IN-USE].
  void dispatch(Close&) {
    release_lock();
    conn_.close();
  }

  void continue_streaming() {
    if (closed_ || chunk_in_flight_ || !cursor_) return;
    if (!conn_.writable()) {
      waiting_drain_ = true;  // backpressure: on_drain reads the next chunk
      return;
    }
    read_next_chunk();
  }

  void read_next_chunk() {
    if (closed_ || !cursor_) return;
    chunk_in_flight_ = true;
    auto post = server_.poster_for(sid_);
    std::size_t chunk_size = server_.config().chunk_size;
    std::shared_ptr<Cursor> cursor = std::move(cursor_);
    bool queued = server_.readers().try_post([cursor, post, chunk_size]() mutable {
      std::string buffer(chunk_size, '\0');
      auto n = cursor->stream->read(cursor->offset, std::span<char>(buffer.data(), buffer.size()));
      store::StoreResult<std::string> chunk = fail(store::StoreError::io);
      if (n) {
        buffer.resize(*n);
        cursor->offset += static_cast<std::int64_t>(*n);
        chunk = std::move(buffer);
      } else {
        chunk = fail(n.error());
      }
      post([chunk = std::move(chunk), cursor](Pop3Connection& c) mutable { c.on_chunk(std::move(chunk), std::move(cursor)); });
    });
    if (!queued) {
      chunk_in_flight_ = false;
      cursor_ = std::move(cursor);
      end_fetch(true);
    }
  }

  void end_fetch(bool failed) {
    cursor_.reset();
    session_->message_end(failed);
    if (!failed && fetch_is_retr_ && server_.config().mark_seen) mark_seen(fetch_uid_);
    pump();
  }

  // pop3d.mark_seen: RETR sets \Seen, as an IMAP client reading the message would.
  void mark_seen(std::uint32_t uid) {
    const std::int64_t mailbox_id = session_->maildrop().mailbox_id;
    const std::uint64_t conn_id = conn_.id();
    server_.store().write<store::StoreFlagsResult>(
        [mailbox_id, uid](store::WriteCtx& w) {
          store::Flags seen;
          seen.system = store::kSeen;
          return store::store_flags(w, mailbox_id, store::UidSet{store::UidRange{uid, uid}}, store::FlagOp::add, seen);
        },
        [conn_id](store::StoreResult<store::StoreFlagsResult> result) {
          if (!result) log::error(conn_id, "cannot set \\Seen").kv("error", store::store_error_name(result.error()));
        });
  }

  Pop3Server& server_;
  std::shared_ptr<Pop3Server::Registry> registry_;
  net::Connection& conn_;
  bool implicit_tls_;
  std::uint64_t sid_ = 0;
  std::string ip_;
  std::optional<Session> session_;
  net::Timer delay_;
  std::optional<std::int64_t> locked_account_;
  std::shared_ptr<Cursor> cursor_;  // shared: std::function (WorkerPool jobs) needs copyable captures
  std::uint32_t fetch_uid_ = 0;
  bool fetch_is_retr_ = false;
  bool chunk_in_flight_ = false;
  bool waiting_drain_ = false;
  bool input_paused_ = false;
  bool closed_ = false;
};

Pop3Server::Pop3Server(net::Loop& loop, store::Store& store, ServerConfig config)
    : loop_(loop),
      store_(store),
      config_(std::move(config)),
      throttle_(config_.throttle),
      post_(loop),
      readers_(std::make_unique<WorkerPool>(config_.reader_threads, 4096)),
      registry_(std::make_shared<Registry>()) {}

Pop3Server::~Pop3Server() { shutdown(); }

void Pop3Server::shutdown() {
  post_.close();
  readers_.reset();  // runs what is queued (its completions are dropped), then joins
}

std::function<void(Pop3Server::SessionTask)> Pop3Server::poster_for(std::uint64_t sid) {
  auto poster = post_.poster();
  // The inner task runs only on the loop while the LoopPost is open, so the server is alive then.
  return [poster, this, sid](SessionTask task) {
    poster([this, sid, task = std::move(task)] {
      auto it = registry_->sessions.find(sid);
      if (it != registry_->sessions.end()) task(*it->second);
    });
  };
}

net::HandlerFactory Pop3Server::factory(bool implicit_tls) {
  return [this, implicit_tls](net::Connection& conn) -> std::unique_ptr<net::ConnectionHandler> {
    return std::make_unique<Pop3Connection>(*this, conn, implicit_tls);
  };
}

}  // namespace roost::pop3

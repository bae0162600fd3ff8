// The IMAP daemon's glue: one ConnectionHandler per connection drives an imap::Session, whose commands
// run synchronously against the store on a worker pool, one step at a time per session; the loop only
// moves bytes. It also holds what sessions share: the login throttle and the change notifications that
// wake sessions in IDLE (storage/notify.h, with a once-a-second fallback check).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <uv.h>

#include "common/base/login_throttle.h"
#include "common/base/worker_pool.h"
#include "common/net/connection.h"
#include "common/net/handle.h"
#include "common/net/loop.h"
#include "common/net/loop_post.h"
#include "imapd/imap_session.h"
#include "storage/notify.h"
#include "storage/store.h"

namespace roost::imap {

struct ServerConfig {
  std::string hostname;
  bool tls_available = false;                // a certificate is loaded: STARTTLS on the plain listeners
  bool allow_plaintext_on_loopback = false;  // [auth] allow_plaintext_on_loopback
  FramerLimits framer;
  GrammarLimits grammar;
  SessionLimits session;
  ThrottleLimits throttle;
  unsigned worker_threads = 4;            // threads running session steps (commands against the store)
  std::size_t max_queued_steps = 4096;    // steps waiting for a worker; beyond it a session is closed
  std::size_t output_budget = 256 * 1024; // output one step produces at most before yielding
  // How often sessions in IDLE re-check the store when no notification came (lost datagrams).
  std::chrono::milliseconds idle_check_interval{std::chrono::seconds(1)};
};

class ImapConnection;

class ImapServer {
 public:
  // Throws std::runtime_error when the loop's async handle cannot be created (start-up only).
  ImapServer(net::Loop& loop, store::Store& store, ServerConfig config);
  ~ImapServer();
  ImapServer(const ImapServer&) = delete;
  ImapServer& operator=(const ImapServer&) = delete;

  // The handler factory for a listener; implicit_tls for port 993.
  net::HandlerFactory factory(bool implicit_tls);
  // Starts listening for store changes (the notify socket and the fallback timer). Without a notify
  // socket (logged) sessions in IDLE still see changes through the fallback check.
  void start_watching();
  // Stops the change listener and its timer (a stop hook of net::Server).
  void stop_watching();
  // Stops taking completions and joins the workers (call when the loop's run() returned, before the
  // Store goes).
  void shutdown();

  // --- for ImapConnection (loop thread unless said otherwise) ---
  const ServerConfig& config() const { return config_; }
  store::Store& store() { return store_; }
  // Queues a job on the workers; false when the queue is full or the pool stopped.
  bool run_on_worker(std::function<void()> job);
  // The throttle, from any thread (sessions call it on their worker).
  bool login_locked_out(std::string_view ip, std::string_view account);
  std::chrono::milliseconds login_failed(std::string_view ip, std::string_view account);
  void login_succeeded(std::string_view account);

  // A callable for any thread that runs a task on the loop for the session `sid`, if the session and
  // the server still exist (a step may finish after its connection closed).
  using SessionTask = std::function<void(ImapConnection&)>;
  std::function<void(SessionTask)> poster_for(std::uint64_t sid);
  // The open sessions, so late completions find theirs. Shared because a connection still open when
  // the daemon stops is destroyed with the net::Server, after this object.
  struct Registry {
    std::uint64_t next_sid = 1;
    std::unordered_map<std::uint64_t, ImapConnection*> sessions;
  };
  const std::shared_ptr<Registry>& registry() const { return registry_; }

 private:
  // imap_notify_server.cpp
  void on_notify_readable();
  void on_idle_check();
  // Wakes the sessions in IDLE whose watched mailbox `changed` says yes to (imap_server.cpp).
  void wake_idling(const std::function<bool(std::int64_t mailbox_id)>& changed);
  bool any_idling() const;

  net::Loop& loop_;
  store::Store& store_;
  ServerConfig config_;
  std::mutex throttle_mutex_;
  LoginThrottle throttle_;
  net::LoopPost post_;
  std::unique_ptr<WorkerPool> workers_;
  std::shared_ptr<Registry> registry_;
  std::unique_ptr<store::NotifyListener> notify_;
  net::Handle<uv_poll_t> notify_poll_;
  net::Timer idle_check_;
  // Used only by the check job on a worker, one at a time (probe_in_flight_, on the loop).
  std::unique_ptr<store::ChangeProbe> probe_;
  bool probe_in_flight_ = false;
  bool watching_ = false;
};

}  // namespace roost::imap

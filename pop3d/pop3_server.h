// The POP3 daemon's glue: one ConnectionHandler per connection drives a pop3::Session and answers its
// requests with the store (authentication on the hashing threads, reads on a worker pool, commits
// through the writer), marshalling every result back to the loop. It also holds what sessions share:
// the maildrop locks and the login throttle.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/base/worker_pool.h"
#include "common/net/connection.h"
#include "common/net/loop.h"
#include "common/base/login_throttle.h"
#include "common/net/loop_post.h"
#include "pop3d/pop3_session.h"
#include "storage/store.h"

namespace roost::pop3 {

struct ServerConfig {
  std::string hostname;
  bool tls_available = false;               // a certificate is loaded: STLS on the plain listeners
  bool allow_plaintext_on_loopback = false; // [auth] allow_plaintext_on_loopback
  bool mark_seen = false;                   // RETR sets \Seen in IMAP
  SessionLimits session;
  ThrottleLimits throttle;
  std::size_t chunk_size = 64 * 1024;  // bytes read from the store per step while streaming
  unsigned reader_threads = 2;         // worker threads for store reads
};

class Pop3Connection;

class Pop3Server {
 public:
  Pop3Server(net::Loop& loop, store::Store& store, ServerConfig config);
  ~Pop3Server();
  Pop3Server(const Pop3Server&) = delete;
  Pop3Server& operator=(const Pop3Server&) = delete;

  // The handler factory for a listener; implicit_tls for port 995.
  net::HandlerFactory factory(bool implicit_tls);
  // Stops taking completions (call when the loop's run() returned, before the Store goes).
  void shutdown();

  // --- for Pop3Connection (loop thread only) ---
  const ServerConfig& config() const { return config_; }
  store::Store& store() { return store_; }
  net::Loop& loop() { return loop_; }
  WorkerPool& readers() { return *readers_; }
  LoginThrottle& throttle() { return throttle_; }
  // A callable for any thread (the store's completions may run after this server is gone) that runs
  // a task on the loop for the session `sid`, if the session and the server still exist.
  using SessionTask = std::function<void(Pop3Connection&)>;
  std::function<void(SessionTask)> poster_for(std::uint64_t sid);
  // What connections share with the server: the open sessions (so late completions find theirs) and
  // the maildrop locks (RFC 1939 8: "an exclusive-access lock on the maildrop"), within this process.
  // Shared because a connection still open when the daemon stops is destroyed with the net::Server,
  // after this object.
  struct Registry {
    std::uint64_t next_sid = 1;
    std::unordered_map<std::uint64_t, Pop3Connection*> sessions;
    std::unordered_set<std::int64_t> locked;
  };
  const std::shared_ptr<Registry>& registry() const { return registry_; }

 private:
  net::Loop& loop_;
  store::Store& store_;
  ServerConfig config_;
  LoginThrottle throttle_;
  net::LoopPost post_;
  std::unique_ptr<WorkerPool> readers_;
  std::shared_ptr<Registry> registry_;
};

}  // namespace roost::pop3

// TLS over memory BIOs, without I/O: the connection layer feeds bytes read from the socket and sends
// the bytes this engine produces. One code path serves STARTTLS and implicit TLS, server and client.
// Keeps to the API subset shared by OpenSSL 3 and BoringSSL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::tls {

struct ServerConfig {
  std::string cert_file;  // PEM: the certificate chain, leaf first
  std::string key_file;   // PEM: the private key
};

// An SSL_CTX for the server side: TLS 1.2 minimum, modern ciphers, one certificate (SNI-independent).
// Shared (shared_ptr) because sessions keep the context they started with while a SIGHUP reload
// installs a new one for later sessions.
class ServerContext {
 public:
  // Loads cert chain + key; fails with a sentence naming the file and the reason.
  static Result<std::shared_ptr<ServerContext>> load(const ServerConfig& config);
  ~ServerContext();
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit ServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ClientConfig {
  // false: opportunistic (any certificate accepted, as SMTP relaying between MX hosts does);
  // true: the peer's chain must verify against ca_file (or the system CA store when empty) and match
  // the host name given to Engine::client.
  bool verify = false;
  std::string ca_file;
};

class ClientContext {
 public:
  static Result<std::shared_ptr<ClientContext>> create(const ClientConfig& config);
  ~ClientContext();
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit ClientContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One TLS session. Usage, on every event:
//   feed(bytes read from the socket)  ->  pump(plaintext)  ->  send take_ciphertext() to the socket
//   write(plaintext to send)          ->  send take_ciphertext() to the socket
class Engine {
 public:
  enum class State { handshaking, open, closed, failed };

  static std::unique_ptr<Engine> server(std::shared_ptr<ServerContext> context);
  // host_name: sent as SNI and checked against the certificate when the context verifies.
  static std::unique_ptr<Engine> client(std::shared_ptr<ClientContext> context, std::string_view host_name);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Ciphertext received from the peer.
  void feed(std::string_view ciphertext);
  // Advances the handshake and decrypts what it can, appending plaintext to `out`. Returns the state
  // afterwards; `failed` means the session is unusable (error() says why) and `closed` that the peer
  // sent close_notify. A client engine starts its handshake on the first pump().
  State pump(std::string& out);
  // Queues plaintext for the peer (only once open; before that it is buffered until the handshake ends).
  void write(std::string_view plaintext);
  // Sends close_notify.
  void shutdown();
  // Bytes to send to the peer now (handshake records, encrypted data, alerts); empty when none.
  std::string take_ciphertext();
  bool has_ciphertext() const;

  State state() const;
  bool handshake_done() const { return state() == State::open || state() == State::closed; }
  // For Received headers and logs, once the handshake is done: "TLSv1.3", "TLS_AES_256_GCM_SHA384".
  std::string version() const;
  std::string cipher() const;
  // Why the engine failed (from the TLS library's error queue), for a log line.
  const std::string& error() const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace roost::tls

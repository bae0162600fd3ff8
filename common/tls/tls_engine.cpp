// One TLS session over a pair of memory BIOs: the connection layer moves the bytes, this file only
// drives the library (handshake, record encryption and decryption, close_notify). It never blocks:
// when the library needs more input it says so and pump() returns.
#include "common/tls/tls_engine.h"

#include <arpa/inet.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>
#include <utility>

#include <openssl/x509v3.h>

#include "common/tls/tls_internal.h"

namespace roost::tls {
namespace {

// The most handed to the library in one call: its lengths are ints.
constexpr std::size_t kMaxChunk = 1u << 30;
// Plaintext decrypted per SSL_read call; one TLS record holds at most 16 KiB.
constexpr std::size_t kReadChunk = 16 * 1024;

std::size_t pending_bytes(BIO* bio) {
  // BIO_pending is a size_t in BoringSSL and an int in OpenSSL; it is never negative.
  return static_cast<std::size_t>(BIO_pending(bio));
}

// RFC 6066 3: a literal IP address is not a valid server_name, and certificates name addresses in
// iPAddress entries rather than dNSName ones, so addresses are handled apart from names.
bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

struct Engine::Impl {
  // The SSL holds a reference to its SSL_CTX, so the context it started with outlives a reload.
  SslPtr ssl;
  BIO* network_in = nullptr;   // ciphertext from the peer; owned by `ssl`
  BIO* network_out = nullptr;  // ciphertext for the peer; owned by `ssl`
  State state = State::handshaking;
  bool verify = false;          // a client that checks the peer's certificate
  bool shutdown_sent = false;   // after shutdown() nothing more is written
  std::string pending;          // plaintext written before the handshake ended
  std::string error;

  void fail(std::string_view what) {
    state = State::failed;
    error = std::string(what) + ": " + take_library_errors("unexpected end of the TLS stream");
    if (verify && ssl) {
      // The error queue says only "certificate verify failed"; the verify result says why.
      long result = SSL_get_verify_result(ssl.get());
      if (result != X509_V_OK) {
        error += " (";
        error += X509_verify_cert_error_string(result);
        error += ")";
      }
    }
    pending.clear();
  }

  void fail_setup(std::string_view what) {
    state = State::failed;
    error = std::string(what);
  }

  // Encrypts `plaintext` into network_out; with memory BIOs a write completes whole or fails.
  void write_now(std::string_view plaintext) {
    while (!plaintext.empty() && state == State::open) {
      std::size_t n = std::min(plaintext.size(), kMaxChunk);
      ERR_clear_error();
      int rc = SSL_write(ssl.get(), plaintext.data(), static_cast<int>(n));
      if (rc <= 0) {
        fail("TLS write failed");
        return;
      }
      plaintext.remove_prefix(static_cast<std::size_t>(rc));
    }
  }

  void read_all(std::string& out) {
    char buf[kReadChunk];
    while (state == State::open) {
      ERR_clear_error();
      int rc = SSL_read(ssl.get(), buf, static_cast<int>(sizeof buf));
      if (rc > 0) {
        out.append(buf, static_cast<std::size_t>(rc));
        continue;
      }
      int err = SSL_get_error(ssl.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;  // needs more ciphertext
      if (err == SSL_ERROR_ZERO_RETURN) {
        state = State::closed;  // the peer sent close_notify
        return;
      }
      fail("TLS read failed");
    }
  }
};

namespace {

// A session over two fresh memory BIOs; on failure the Impl is already in the failed state.
std::unique_ptr<Engine::Impl> new_session(SSL_CTX* ctx) {
  auto impl = std::make_unique<Engine::Impl>();
  if (ctx == nullptr) {
    impl->fail_setup("no TLS context");
    return impl;
  }
  ERR_clear_error();
  SslPtr ssl(SSL_new(ctx));
  BioPtr in(BIO_new(BIO_s_mem()));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!ssl || !in || !out) {
    impl->fail_setup("cannot create a TLS session: " + take_library_errors("out of memory"));
    return impl;
  }
  // An empty input BIO means "no more bytes yet", never end of stream: the socket decides that.
  BIO_set_mem_eof_return(in.get(), -1);
  BIO_set_mem_eof_return(out.get(), -1);
  impl->network_in = in.get();
  impl->network_out = out.get();
  SSL_set_bio(ssl.get(), in.release(), out.release());  // the SSL owns both BIOs from here on
  impl->ssl = std::move(ssl);
  return impl;
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::server(std::shared_ptr<ServerContext> context) {
  auto impl = new_session(context ? context->impl().ctx.get() : nullptr);
  if (impl->ssl) SSL_set_accept_state(impl->ssl.get());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::unique_ptr<Engine> Engine::client(std::shared_ptr<ClientContext> context, std::string_view host_name) {
  auto impl = new_session(context ? context->impl().ctx.get() : nullptr);
  if (!impl->ssl) return std::unique_ptr<Engine>(new Engine(std::move(impl)));
  SSL* ssl = impl->ssl.get();
  impl->verify = context->impl().verify;

  // MX targets come from DNS with the root's trailing dot; certificates and SNI name hosts without it.
  std::string host(host_name);
  if (!host.empty() && host.back() == '.') host.pop_back();
  bool ip = is_ip_literal(host);

  if (!host.empty() && !ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    impl->fail_setup("cannot set the TLS server name '" + host + "': " + take_library_errors("too long"));
  } else if (impl->verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    // RFC 6125 6.4.3: a wildcard stands for a whole label ("*.example.org"), never part of one.
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (host.empty()) {
      // Without a name to check, any certificate from a trusted CA would pass.
      impl->fail_setup("a verifying TLS client needs the server's host name");
    } else if (ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1
                  : X509_VERIFY_PARAM_set1_host(param, host.data(), host.size()) != 1) {
      impl->fail_setup("cannot check the TLS certificate against '" + host +
                       "': " + take_library_errors("invalid host name"));
    }
  }
  SSL_set_connect_state(ssl);
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

void Engine::feed(std::string_view ciphertext) {
  Impl& s = *impl_;
  if (s.state == State::failed || s.state == State::closed) return;  // nothing will read it
  while (!ciphertext.empty()) {
    std::size_t n = std::min(ciphertext.size(), kMaxChunk);
    int rc = BIO_write(s.network_in, ciphertext.data(), static_cast<int>(n));
    if (rc <= 0) {
      s.fail("cannot buffer TLS input");
      return;
    }
    ciphertext.remove_prefix(static_cast<std::size_t>(rc));
  }
}

Engine::State Engine::pump(std::string& out) {
  Impl& s = *impl_;
  if (s.state == State::handshaking) {
    ERR_clear_error();
    int rc = SSL_do_handshake(s.ssl.get());
    if (rc != 1) {
      int err = SSL_get_error(s.ssl.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return s.state;
      if (err == SSL_ERROR_ZERO_RETURN) {
        s.fail_setup("TLS handshake failed: the peer closed the session");
      } else {
        s.fail("TLS handshake failed");
      }
      return s.state;
    }
    s.state = State::open;
    std::string pending = std::move(s.pending);
    s.pending.clear();
    if (!s.shutdown_sent) s.write_now(pending);
  }
  // Records may have arrived with the last handshake flight, so read right after it completes.
  if (s.state == State::open) s.read_all(out);
  return s.state;
}

void Engine::write(std::string_view plaintext) {
  Impl& s = *impl_;
  if (s.shutdown_sent) return;
  if (s.state == State::handshaking) {
    s.pending.append(plaintext);
  } else if (s.state == State::open) {
    s.write_now(plaintext);
  }
  // closed or failed: the session is over and the bytes have nowhere to go.
}

void Engine::shutdown() {
  Impl& s = *impl_;
  if (s.shutdown_sent || !s.ssl) return;
  s.shutdown_sent = true;
  s.pending.clear();
  // Before the handshake ends there are no keys to protect a close_notify with; the caller simply
  // closes the connection.
  if (s.state == State::open || s.state == State::closed) {
    ERR_clear_error();
    // Returns 0 ("sent, the peer's not yet seen") or 1; either way our close_notify is queued.
    SSL_shutdown(s.ssl.get());
    ERR_clear_error();
  }
}

std::string Engine::take_ciphertext() {
  std::string out;
  if (impl_->network_out == nullptr) return out;
  for (std::size_t n = pending_bytes(impl_->network_out); n > 0; n = pending_bytes(impl_->network_out)) {
    std::size_t old = out.size();
    n = std::min(n, kMaxChunk);
    out.resize(old + n);
    int rc = BIO_read(impl_->network_out, out.data() + old, static_cast<int>(n));
    out.resize(old + static_cast<std::size_t>(std::max(rc, 0)));
    if (rc <= 0) break;
  }
  return out;
}

bool Engine::has_ciphertext() const {
  return impl_->network_out != nullptr && pending_bytes(impl_->network_out) > 0;
}

Engine::State Engine::state() const { return impl_->state; }

std::string Engine::version() const {
  if (!handshake_done() || !impl_->ssl) return {};
  const char* v = SSL_get_version(impl_->ssl.get());
  return v != nullptr ? v : "";
}

std::string Engine::cipher() const {
  if (!handshake_done() || !impl_->ssl) return {};
  const SSL_CIPHER* c = SSL_get_current_cipher(impl_->ssl.get());
  return c != nullptr ? SSL_CIPHER_get_name(c) : "";
}

const std::string& Engine::error() const { return impl_->error; }

}  // namespace roost::tls

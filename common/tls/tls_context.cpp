// The SSL_CTX side of the TLS layer: the server context (certificate chain, key, protocol and cipher
// policy) and the client context (opportunistic or verifying), plus the library error formatting.
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "common/tls/tls_engine.h"
#include "common/tls/tls_internal.h"

namespace roost::tls {
namespace {

// TLS 1.2 suites: forward-secret key exchange (ECDHE) and AEAD only, strongest first; the server's
// order wins. TLS 1.3 suites are all AEAD and keep the library's defaults (BoringSSL does not let
// them be configured at all).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

// Says why `path` cannot be opened, or returns an empty string when it can. Checked up front so the
// message is the same plain sentence with either library.
std::string unreadable_reason(const std::string& path) {
  if (path.empty()) return "no file configured";
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::strerror(errno);
  std::fclose(file);
  return {};
}

std::string humanize(std::string reason) {
#ifdef ROOST_TLS_BORINGSSL
  // BoringSSL's reasons are identifiers ("CERTIFICATE_VERIFY_FAILED"); OpenSSL's are already words.
  for (char& c : reason) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
#endif
  return reason;
}

// The settings both sides share: no protocol older than TLS 1.2 (RFC 8996 deprecates 1.0 and 1.1),
// no renegotiation (mail protocols never need it and it has a history of attacks; BoringSSL never
// renegotiates by default, so its flag is 0), and buffers released while a connection is idle (IMAP
// IDLE keeps many connections that way).
bool apply_common_policy(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // Compression enables CRIME-style attacks; BoringSSL has neither compression nor the flag's effect.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return true;
}

}  // namespace

std::string take_library_errors(std::string_view fallback) {
  std::string text;
  std::string last;
  for (auto code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    std::string reason;
    if (const char* r = ERR_reason_error_string(code); r != nullptr) {
      reason = humanize(r);
    } else {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof buf);
      reason = buf;
    }
    if (reason == last) continue;  // the same reason often repeats down the call stack
    if (!text.empty()) text += "; ";
    text += reason;
    last = std::move(reason);
  }
  return text.empty() ? std::string(fallback) : text;
}

ServerContext::ServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerContext::~ServerContext() = default;

Result<std::shared_ptr<ServerContext>> ServerContext::load(const ServerConfig& config) {
  if (std::string why = unreadable_reason(config.cert_file); !why.empty()) {
    return fail("cannot read TLS certificate file '" + config.cert_file + "': " + why);
  }
  if (std::string why = unreadable_reason(config.key_file); !why.empty()) {
    return fail("cannot read TLS key file '" + config.key_file + "': " + why);
  }

  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return fail("cannot create a TLS server context: " + take_library_errors("out of memory"));
  if (!apply_common_policy(ctx.get())) {
    return fail("cannot set the TLS protocol versions: " + take_library_errors("unknown error"));
  }
  // The server picks the suite: ours are ordered by strength, a client's order may not be.
  SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
    return fail("cannot set the TLS cipher list: " + take_library_errors("unknown error"));
  }

  if (SSL_CTX_use_certificate_chain_file(ctx.get(), config.cert_file.c_str()) != 1) {
    return fail("cannot load TLS certificate chain '" + config.cert_file +
                "': " + take_library_errors("not a PEM certificate"));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), config.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("cannot load TLS key '" + config.key_file + "' for certificate '" + config.cert_file +
                "': " + take_library_errors("not a PEM private key"));
  }
  // Both libraries check the key against the certificate while loading it; checked again explicitly
  // so a mismatch can never get through to the first handshake.
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return fail("TLS key '" + config.key_file + "' does not match certificate '" + config.cert_file +
                "': " + take_library_errors("key values mismatch"));
  }

  auto impl = std::make_unique<Impl>();
  impl->ctx = std::move(ctx);
  return std::shared_ptr<ServerContext>(new ServerContext(std::move(impl)));
}

ClientContext::ClientContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientContext::~ClientContext() = default;

Result<std::shared_ptr<ClientContext>> ClientContext::create(const ClientConfig& config) {
  if (config.verify && !config.ca_file.empty()) {
    if (std::string why = unreadable_reason(config.ca_file); !why.empty()) {
      return fail("cannot read TLS CA file '" + config.ca_file + "': " + why);
    }
  }

  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail("cannot create a TLS client context: " + take_library_errors("out of memory"));
  if (!apply_common_policy(ctx.get())) {
    return fail("cannot set the TLS protocol versions: " + take_library_errors("unknown error"));
  }

  if (config.verify) {
    if (!config.ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(ctx.get(), config.ca_file.c_str(), nullptr) != 1) {
        return fail("cannot load TLS CA file '" + config.ca_file +
                    "': " + take_library_errors("no PEM certificates in it"));
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      return fail("cannot load the system's TLS CA store: " + take_library_errors("unknown error"));
    }
    // The host name itself is set per connection (Engine::client), on the SSL's verify parameters.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    // Opportunistic TLS (RFC 7435): encrypt against passive observers, accept any certificate. The
    // client keeps the library's cipher defaults: refusing a peer's weaker suite would only push the
    // session back to plaintext.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }

  auto impl = std::make_unique<Impl>();
  impl->ctx = std::move(ctx);
  impl->verify = config.verify;
  return std::shared_ptr<ClientContext>(new ClientContext(std::move(impl)));
}

}  // namespace roost::tls

// Internals of the TLS layer shared by its .cpp files and its tests: the context Impl structs, owning
// pointers for the library's objects, and error formatting. Only common/tls/ and tests/common/tls/
// include this; everything else codes against tls_engine.h and never sees an OpenSSL header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/tls/tls_engine.h"

namespace roost::tls {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct ServerContext::Impl {
  SslCtxPtr ctx;
};

struct ClientContext::Impl {
  SslCtxPtr ctx;
  bool verify = false;
};

// Drains this thread's library error queue into one readable sentence ("certificate verify failed;
// tlsv1 alert unknown ca"); `fallback` when the queue is empty.
std::string take_library_errors(std::string_view fallback);

}  // namespace roost::tls

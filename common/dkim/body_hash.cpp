// SHA-256 of the canonical body through the EVP digest API (OpenSSL and BoringSSL alike).
#include "common/dkim/body_hash.h"

#include <cstdlib>

#include <openssl/evp.h>

namespace roost::dkim {

struct BodyHasher::Impl {
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx{EVP_MD_CTX_new()};
  BodyCanonicalizer canon;

  explicit Impl(Canonicalization c)
      : canon(c, [this](std::string_view piece) { EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()); }) {
    // Without a digest context nothing below could be right: out of memory at this size is a bug.
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) std::abort();
  }
};

BodyHasher::BodyHasher(Canonicalization c) : impl_(std::make_unique<Impl>(c)) {}
BodyHasher::~BodyHasher() = default;

void BodyHasher::update(std::string_view chunk) { impl_->canon.update(chunk); }

std::string BodyHasher::finish() {
  impl_->canon.finish();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), digest, &size) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string body_hash(Canonicalization c, std::string_view body) {
  BodyHasher hasher(c);
  hasher.update(body);
  return hasher.finish();
}

}  // namespace roost::dkim

// DKIM keys over the EVP API, kept to the calls OpenSSL 3 and BoringSSL both have (EVP_PKEY_keygen,
// EVP_DigestSign, EVP_PKEY_get_raw_public_key, PEM_*_PrivateKey / PKCS8).
#include "common/dkim/signing_key.h"

#include <cstdlib>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/mail/base64.h"

namespace roost::dkim {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// The library's reasons are about our own key or memory, never the key material; the queue is
// cleared so a later, unrelated call does not report them.
std::string library_failure(std::string_view what) {
  unsigned long code = ERR_get_error();
  std::string text(what);
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text += " (";
    text += buf;
    text += ")";
  }
  ERR_clear_error();
  return text;
}

}  // namespace

struct SigningKey::Impl {
  PkeyPtr pkey;
  Algorithm algorithm = Algorithm::rsa_sha256;
};

std::string_view algorithm_tag(Algorithm a) {
  return a == Algorithm::ed25519_sha256 ? "ed25519-sha256" : "rsa-sha256";
}

std::string_view key_type_name(Algorithm a) { return a == Algorithm::ed25519_sha256 ? "ed25519" : "rsa"; }

std::optional<Algorithm> parse_key_type(std::string_view name) {
  if (name == "rsa") return Algorithm::rsa_sha256;
  if (name == "ed25519") return Algorithm::ed25519_sha256;
  return std::nullopt;
}

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Algorithm SigningKey::algorithm() const { return impl_->algorithm; }

Result<SigningKey> SigningKey::generate(Algorithm algorithm) {
  int id = algorithm == Algorithm::ed25519_sha256 ? EVP_PKEY_ED25519 : EVP_PKEY_RSA;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(id, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return fail(library_failure("cannot start key generation"));
  if (algorithm == Algorithm::rsa_sha256 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), kRsaKeyBits) != 1) {
    return fail(library_failure("cannot set the RSA key size"));
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) != 1) return fail(library_failure("key generation failed"));
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(raw);
  impl->algorithm = algorithm;
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  if (pem.size() > kMaxKeyFileSize) return fail("the key file is too large to be a DKIM key");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(library_failure("out of memory reading the key"));
  // A null passphrase callback with an empty string: an encrypted key fails instead of prompting.
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>("")));
  if (!pkey) return fail(library_failure("the key file holds no readable private key"));
  auto impl = std::make_unique<Impl>();
  switch (EVP_PKEY_id(pkey.get())) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_bits(pkey.get()) < kMinRsaKeyBits) {
        return fail("the RSA key has fewer than 1024 bits, which verifiers refuse (RFC 8301 3.2)");
      }
      impl->algorithm = Algorithm::rsa_sha256;
      break;
    case EVP_PKEY_ED25519:
      impl->algorithm = Algorithm::ed25519_sha256;
      break;
    default:
      return fail("the key is neither RSA nor Ed25519");
  }
  impl->pkey = std::move(pkey);
  return SigningKey(std::move(impl));
}

Result<std::string> SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(library_failure("cannot write the private key"));
  }
  const char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string SigningKey::public_key_base64() const {
  std::string bytes;
  if (impl_->algorithm == Algorithm::ed25519_sha256) {
    std::size_t size = 32;
    bytes.resize(size);
    if (EVP_PKEY_get_raw_public_key(impl_->pkey.get(), reinterpret_cast<unsigned char*>(bytes.data()), &size) != 1) {
      std::abort();  // an Ed25519 key always has its 32-byte public half
    }
    bytes.resize(size);
  } else {
    int size = i2d_PUBKEY(impl_->pkey.get(), nullptr);
    if (size <= 0) std::abort();  // a loaded RSA key always encodes
    bytes.resize(static_cast<std::size_t>(size));
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    i2d_PUBKEY(impl_->pkey.get(), &out);
  }
  return mail::base64_encode(bytes);
}

Result<std::string> SigningKey::sign(std::string_view hash_input) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return fail(library_failure("out of memory signing"));
  std::string to_sign;
  const EVP_MD* md = nullptr;
  if (impl_->algorithm == Algorithm::ed25519_sha256) {
    // RFC 8463 3: Ed25519 signs the SHA-256 hash of the input, not the input itself.
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(hash_input.data(), hash_input.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
      return fail(library_failure("cannot hash the header fields"));
    }
    to_sign.assign(reinterpret_cast<const char*>(digest), size);
  } else {
    md = EVP_sha256();
    to_sign.assign(hash_input);
  }
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, impl_->pkey.get()) != 1) {
    return fail(library_failure("cannot start signing"));
  }
  const auto* in = reinterpret_cast<const unsigned char*>(to_sign.data());
  std::size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, in, to_sign.size()) != 1) {
    return fail(library_failure("cannot size the signature"));
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, in, to_sign.size()) != 1) {
    return fail(library_failure("signing failed"));
  }
  signature.resize(size);
  return signature;
}

}  // namespace roost::dkim

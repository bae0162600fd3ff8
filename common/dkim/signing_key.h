// A DKIM private key: generating one, reading and writing it as PEM, its public half for the DNS
// record, and signing the hash input with it: rsa-sha256 (RFC 6376 3.3.1) or ed25519-sha256
// (RFC 8463 3). No OpenSSL type shows here; the key object lives in the .cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::dkim {

enum class Algorithm { rsa_sha256, ed25519_sha256 };

// The a= tag value: "rsa-sha256" or "ed25519-sha256".
std::string_view algorithm_tag(Algorithm a);
// The k= key type of the DNS record (RFC 6376 3.6.1, RFC 8463 4.2): "rsa" or "ed25519".
std::string_view key_type_name(Algorithm a);
// "rsa" / "ed25519" (as typed on the command line) to an Algorithm.
std::optional<Algorithm> parse_key_type(std::string_view name);

// RSA keys we generate (RFC 8301 3.2 asks for at least 1024 bits; 2048 is today's norm and still fits
// a TXT record), and the smallest we agree to sign with.
inline constexpr int kRsaKeyBits = 2048;
inline constexpr int kMinRsaKeyBits = 1024;
// A private key file larger than this is not a DKIM key (an RSA 4096 PEM is about 3.3 KB).
inline constexpr std::size_t kMaxKeyFileSize = 16 * 1024;

// Immutable once made: signing is const and safe from several threads at once, so one loaded key can
// serve every message of a domain.
class SigningKey {
 public:
  // A fresh key: RSA 2048 or Ed25519.
  static Result<SigningKey> generate(Algorithm algorithm);
  // A PEM private key (PKCS#8 "PRIVATE KEY", or "RSA PRIVATE KEY"): RSA of at least kMinRsaKeyBits, or
  // Ed25519. The error never quotes the PEM.
  static Result<SigningKey> from_pem(std::string_view pem);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  Algorithm algorithm() const;
  // PKCS#8 PEM of the private key (what a key file holds).
  Result<std::string> private_pem() const;
  // The p= value of the DNS record, base64: RSA as a DER SubjectPublicKeyInfo (what RFC 6376 3.6.1
  // verifiers read in practice), Ed25519 as the 32 raw public key bytes (RFC 8463 4.2).
  std::string public_key_base64() const;

  // The raw signature of a DKIM hash input (the canonical signed header fields followed by the
  // DKIM-Signature field with an empty b=, RFC 6376 3.7): RSASSA-PKCS1-v1_5 over SHA-256 of it, or
  // PureEdDSA Ed25519 over the 32-byte SHA-256 of it (RFC 8463 3: the hash is what is signed).
  Result<std::string> sign(std::string_view hash_input) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace roost::dkim

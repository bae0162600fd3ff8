// Signing a message with DKIM (RFC 6376 5, RFC 8463): the DKIM-Signature field to put in front of it.
//
// For smtpd:
//   auto key = dkim::load_active_key(data_dir, "example.org");   // key_store.h; once, then reuse
//   if (key) {
//     auto field = dkim::sign_message(*key, message, unix_time_now);
//     if (field) message = *field + message;                     // prepend; nothing else changes
//   }
// The field is "DKIM-Signature: v=1; a=...; c=relaxed/relaxed; d=; s=; t=; h=; bh=; b=", folded at 78
// columns with CRLF line ends, and ends with CRLF. The message is its RFC 5322 bytes as stored (CRLF;
// a bare LF is read as CRLF). Signing needs a From field (RFC 6376 5.4); without one it fails.
// The body hash covers the whole body (no l=). For a large message fed in pieces, MessageSigner does
// the same as sign_message without holding the body: only the header section is kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/dkim/body_hash.h"
#include "common/dkim/canonicalization.h"
#include "common/dkim/signing_key.h"

namespace roost::dkim {

// A key with the names a verifier finds it under: the TXT record at <selector>._domainkey.<domain>.
struct DomainKey {
  std::string domain;    // d=, lower-case A-labels
  std::string selector;  // s=
  SigningKey key;
};

// The "DKIM-Signature: ...\r\n" field for `message`, signed at `now` (t=, seconds since the epoch).
Result<std::string> sign_message(const DomainKey& key, std::string_view message, std::int64_t now);

// The same, fed in pieces. `key` must outlive the signer. The header section is buffered until the
// empty line that ends it (smtpd's message size limit bounds it); the body is hashed as it comes.
class MessageSigner {
 public:
  MessageSigner(const DomainKey& key, std::int64_t now);
  void update(std::string_view chunk);
  // The signature field. Call once, after the last update.
  Result<std::string> finish();

 private:
  void feed_body(std::string_view bytes) { body_.update(bytes); }

  const DomainKey& key_;
  std::int64_t now_;
  std::string header_;
  std::size_t line_start_ = 0;  // where the header line not yet ended by LF begins
  bool in_body_ = false;
  BodyHasher body_{Canonicalization::relaxed};
};

// The bytes the signature is computed over (RFC 6376 3.7): the canonical forms of the fields that
// `names` select (select_fields), then the DKIM-Signature field itself, given with an empty b= value,
// in canonical form without its final CRLF.
std::string header_hash_input(Canonicalization c, std::string_view header, const std::vector<std::string>& names,
                              std::string_view signature_field);

// Longest line of the signature field we write (RFC 5322 2.1.1 recommends 78 characters).
inline constexpr std::size_t kFoldColumn = 78;

}  // namespace roost::dkim

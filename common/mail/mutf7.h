// Modified UTF-7 (RFC 3501 5.1.3): how IMAP4rev1 clients and Maildir++ folder names (Dovecot,
// Courier) spell non-ASCII mailbox names. Internally names are UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::mail {

// UTF-8 to modified UTF-7. `utf8` must be valid UTF-8 (check with is_valid_utf8 first); invalid
// sequences are encoded as U+FFFD.
std::string encode_mutf7(std::string_view utf8);
// Modified UTF-7 to UTF-8. nullopt for a malformed name: bytes outside printable ASCII, a shift
// without its "-", bad base64, non-zero padding bits, an unpaired surrogate, or a shifted printable
// ASCII character (RFC 3501 5.1.3 forbids it, so each name has exactly one encoding).
std::optional<std::string> decode_mutf7(std::string_view mutf7);

}  // namespace roost::mail

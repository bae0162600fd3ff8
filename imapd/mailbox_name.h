// Mailbox names on the wire: modified UTF-7 for IMAP4rev1 clients (RFC 3501 5.1.3) and UTF-8 for
// IMAP4rev2 / UTF8=ACCEPT clients (RFC 9051 5.1, RFC 6855 3). Internally names are UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::imap {

// UTF-8 to modified UTF-7. `utf8` must be valid UTF-8 (check with is_valid_utf8 first); invalid
// sequences are encoded as U+FFFD.
std::string encode_mutf7(std::string_view utf8);
// Modified UTF-7 to UTF-8. nullopt for a malformed name: bytes outside printable ASCII, a shift
// without its "-", bad base64, non-zero padding bits, an unpaired surrogate, or a shifted printable
// ASCII character (RFC 3501 5.1.3 forbids it, so each name has exactly one encoding).
std::optional<std::string> decode_mutf7(std::string_view mutf7);

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

// A mailbox name as the client sent it to the internal UTF-8 name: decoded from modified UTF-7
// unless `utf8_mode` (rev2 or ENABLE UTF8=ACCEPT), where it must be valid UTF-8 as it is. "INBOX"
// in any case becomes "INBOX" (RFC 9051 5.1). nullopt when the name is malformed or holds a control
// character.
std::optional<std::string> mailbox_from_wire(std::string_view name, bool utf8_mode);
// The internal UTF-8 name as it is sent to the client.
std::string mailbox_to_wire(std::string_view name, bool utf8_mode);

}  // namespace roost::imap

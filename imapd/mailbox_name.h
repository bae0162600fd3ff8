// Mailbox names on the wire: modified UTF-7 for IMAP4rev1 clients (RFC 3501 5.1.3) and UTF-8 for
// IMAP4rev2 / UTF8=ACCEPT clients (RFC 9051 5.1, RFC 6855 3). Internally names are UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/mail/mutf7.h"
#include "common/mail/rfc2047.h"

namespace roost::imap {

// The encodings themselves live in common/mail (Maildir++ import uses them too).
using mail::decode_mutf7;
using mail::encode_mutf7;
using mail::is_valid_utf8;

// A mailbox name as the client sent it to the internal UTF-8 name: decoded from modified UTF-7
// unless `utf8_mode` (rev2 or ENABLE UTF8=ACCEPT), where it must be valid UTF-8 as it is. "INBOX"
// in any case becomes "INBOX" (RFC 9051 5.1). nullopt when the name is malformed or holds a control
// character.
std::optional<std::string> mailbox_from_wire(std::string_view name, bool utf8_mode);
// The internal UTF-8 name as it is sent to the client.
std::string mailbox_to_wire(std::string_view name, bool utf8_mode);

}  // namespace roost::imap

// Message flags between the IMAP wire form ("\Seen", "$Junk") and the store's Flags (system bits plus
// keywords), and the FLAGS / PERMANENTFLAGS lists a session announces.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/messages.h"

namespace roost::imap {

// The flags named in STORE or APPEND. "\Recent" is dropped (RFC 3501 2.3.2: it cannot be set by a
// client). nullopt for an unknown system flag ("\Foo") or an invalid keyword.
std::optional<store::Flags> flags_from_wire(const std::vector<std::string>& names);
// "(\Seen \Flagged $Label1)"
std::string render_flags(const store::Flags& flags);
// The untagged FLAGS and OK [PERMANENTFLAGS] lines of SELECT (RFC 9051 7.3.5, 7.1).
std::string render_select_flags(bool read_only);

}  // namespace roost::imap

// IMAP renderings of a parsed message (RFC 3501 7.4.2): ENVELOPE, BODY and BODYSTRUCTURE, from the
// stored parse result alone. Strings are quoted when they can be, literals otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/mail/mime_envelope.h"
#include "common/mail/mime_parser.h"

namespace roost::mail {

// Appends an IMAP string (RFC 3501 4.3): a quoted string with '\' and '"' escaped when `s` holds only
// 7-bit characters other than CR and LF, else a literal "{n}\r\n" followed by the bytes. NUL, which no
// IMAP string may hold, is dropped.
void append_imap_string(std::string& out, std::string_view s);
// The same, or NIL for nullopt (RFC 3501 4.5).
void append_imap_nstring(std::string& out, const std::optional<std::string>& s);

// "(date subject from sender reply-to to cc bcc in-reply-to message-id)".
std::string render_envelope(const Envelope& envelope);

// BODYSTRUCTURE with extension data (`extended`), or BODY without (RFC 3501 7.4.2). Follows Dovecot:
// text parts without parameters get ("charset" "us-ascii"); RFC 2231 values are shown joined with
// the parameter name suffixed '*'; a multipart with no parts shows one empty text/plain part; the
// encoding defaults to "7bit".
std::string render_body_structure(const MimePart& part, bool extended);

}  // namespace roost::mail

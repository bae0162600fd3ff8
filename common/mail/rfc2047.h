// Header text decoding: RFC 2047 encoded-words ("=?charset?B?...?=") and charset conversion to UTF-8,
// shared by the MIME parser (RFC 2231 parameter values) and anything that shows a header to a person.
// Sans-I/O, never logs; bad input is decoded as far as possible and never fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::mail {

// Converts `bytes` in `charset` (any case; an RFC 2231 "*language" suffix is ignored) to UTF-8.
// UTF-8, US-ASCII and ISO-8859-1 are converted natively, everything else through iconv. Returns nullopt
// when the charset is unknown or the bytes are not valid in it; invalid UTF-8 labelled UTF-8 is
// returned as it is (the caller has nothing better to show).
std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes);

// Decodes the encoded-words of an unstructured header value (RFC 2047 2, 4, 5(1)) and returns UTF-8.
// Whitespace between two adjacent encoded-words is dropped (RFC 2047 6.2); folding (CRLF before
// whitespace) is removed. Tolerated: encoded-words inside words and quoted strings, a missing space
// between words, lower-case 'b'/'q', and encoded text that contains spaces. An encoded-word whose
// charset cannot be converted is kept as it was written. 8-bit text outside encoded-words is taken as
// UTF-8 when valid, else as ISO-8859-1.
std::string decode_rfc2047(std::string_view value);

// The text of RFC 2045 6.7 quoted-printable, decoded; with `q_encoding` the RFC 2047 4.2 "Q" variant
// ('_' is a space). Malformed escapes are kept as written.
std::string decode_quoted_printable(std::string_view text, bool q_encoding = false);

// Tolerant base64 for message content (RFC 2045 6.8): characters outside the alphabet are skipped and
// decoding stops at the first '='. Never fails.
std::string decode_base64_lenient(std::string_view text);

// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace roost::mail

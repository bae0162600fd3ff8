// Base64 (RFC 4648 section 4): encoding, MIME line-wrapped encoding (RFC 2045 6.8) and a strict decoder
// for protocol payloads (SASL, AUTH), which refuses anything but canonical, padded base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::mail {

// Standard alphabet with '=' padding, no line breaks.
std::string base64_encode(std::string_view data);

// MIME form: lines of at most 76 characters, each ended by CRLF (the last line too, unless the
// input is empty, which gives an empty string). RFC 2045 6.8.
std::string base64_encode_mime(std::string_view data);

// Strict RFC 4648 decode: only A-Z a-z 0-9 + /, length a multiple of 4, '=' only as one or two final
// padding characters, no whitespace, and the unused bits before padding must be zero (RFC 4648 3.5:
// canonical encoding). Returns nullopt on any violation, never a partial result. "" decodes to "".
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace roost::mail

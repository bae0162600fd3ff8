// A compact, versioned binary form of a parsed message (envelope, body structure, part offsets) for
// the store's message_parts table, read back without parsing the message again. Sans-I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/mail/mime_envelope.h"
#include "common/mail/mime_parser.h"

namespace roost::mail {

// Bumped whenever the parser would read the same bytes differently or the encoding changes; the store
// keeps it in message_parts.parser_version and re-parses rows written by another version.
inline constexpr std::uint32_t kMimeFormatVersion = 1;

// Layout: "RMP" and a version byte, then LEB128 integers and length-prefixed strings, parts depth
// first. Integers and lengths are checked against the bytes left when decoding, so a corrupt blob
// gives an error, never a large allocation.
std::string encode_parsed_message(const ParsedMessage& message);
Result<ParsedMessage> decode_parsed_message(std::string_view blob);

// The envelope alone ("RME" and a version byte), for a column FETCH ENVELOPE can read by itself.
std::string encode_envelope(const Envelope& envelope);
Result<Envelope> decode_envelope(std::string_view blob);

}  // namespace roost::mail

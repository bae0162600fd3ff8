// What the store keeps of a message's structure (the message_parts row): parsed once when the bytes
// arrive (delivery, APPEND, import), so FETCH ENVELOPE / BODYSTRUCTURE / BODY[1.2] never parse again.
// A copy delivered with header fields prepended (Return-Path, Delivered-To) reuses the parse of the
// shared bytes with its offsets moved, instead of parsing the message once per recipient.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/mail/mime_parser.h"
#include "storage/messages.h"

namespace roost::store {

// Parses the raw message (any size; the parser holds only the header data it keeps).
mail::ParsedMessage parse_for_store(std::string_view bytes);

// The parse of `prefix_length` bytes of header fields followed by the parsed bytes: every offset moves
// by the prefix length and the root header grows by it. The envelope stays: prefixed fields are
// trace fields (RFC 5321 4.4), never ones ENVELOPE shows.
mail::ParsedMessage with_prefix(const mail::ParsedMessage& parsed, std::uint64_t prefix_length);

// The message_parts row for a blob.
MessageParts encode_parts(const mail::ParsedMessage& parsed, std::int64_t blob_id);

}  // namespace roost::store

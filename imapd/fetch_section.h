// FETCH body sections (RFC 9051 6.4.5): which bytes of a stored message BODY[section] and
// BINARY[part] name, HEADER.FIELDS filtering, and the section text echoed in the response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/mail/mime_parser.h"
#include "imapd/imap_command.h"

namespace roost::imap {

// Bytes [offset, offset + size) of the message. `part` is the MIME part whose body the range is (for
// BINARY decoding); null for the whole message, a header, or a section that does not exist.
struct SectionRange {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  bool header_filter = false;  // HEADER.FIELDS(.NOT): the range is a header section to filter
  const mail::MimePart* part = nullptr;
};

// True when the section can be found without the parsed structure (the whole message).
bool section_needs_structure(const BodySection& section);

// `parsed` may be null only when section_needs_structure() is false. A part number that does not exist
// gives an empty range: RFC 9051 6.4.5 defines no error for it, and an empty string keeps every
// client's parser happy where NIL (which Dovecot sends for some) breaks a few.
SectionRange resolve_section(const mail::ParsedMessage* parsed, std::uint64_t message_size,
                             const BodySection& section);

// HEADER.FIELDS (exclude = false) or HEADER.FIELDS.NOT (exclude = true): the fields of `header` whose
// names match (ASCII case-insensitive), in message order with their folding, then the empty line.
std::string filter_header_fields(std::string_view header, const std::vector<std::string>& fields, bool exclude);

// Appends "1.2.HEADER.FIELDS (FROM TO)" (what goes between the brackets).
void append_section_spec(std::string& out, const BodySection& section);

}  // namespace roost::imap

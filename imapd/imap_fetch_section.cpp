// FETCH body sections: resolving a section-spec to a byte range of the message, HEADER.FIELDS.
#include <algorithm>

#include "common/mail/header_fields.h"
#include "common/mail/mime_imap.h"
#include "imapd/fetch_section.h"

namespace roost::imap {

namespace {

SectionRange header_of(const mail::MimePart& part) { return {part.header_offset, part.header_size, false, nullptr}; }
SectionRange body_of(const mail::MimePart& part) { return {part.body_offset, part.body_size, false, &part}; }

// A field name as an atom when it is one (RFC 9051 9 header-fld-name is an astring), else quoted.
void append_field_name(std::string& out, const std::string& name) {
  bool atom = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
  });
  if (atom) {
    out += name;
  } else {
    mail::append_imap_string(out, name);
  }
}

}  // namespace

bool section_needs_structure(const BodySection& section) {
  return !section.part.empty() || section.text != BodySection::Text::none;
}

SectionRange resolve_section(const mail::ParsedMessage* parsed, std::uint64_t message_size,
                             const BodySection& section) {
  using Text = BodySection::Text;
  if (!section_needs_structure(section)) return {0, message_size, false, nullptr};
  if (parsed == nullptr) return {};
  // The message whose HEADER/TEXT the section names: the top level one, or with part numbers the
  // message enclosed in a message/rfc822 part (RFC 9051 6.4.5).
  const mail::MimePart* message = &parsed->root;
  const mail::MimePart* part = nullptr;
  if (!section.part.empty()) {
    part = mail::find_section(parsed->root, section.part);
    if (part == nullptr) return {};
    message = part->has_message() ? &part->children[0] : nullptr;
  }
  SectionRange range;
  switch (section.text) {
    case Text::none:
      range = body_of(*part);
      break;
    case Text::mime:
      // The part's own MIME header; for part 1 of a single-part message that is the message header.
      range = header_of(part ? *part : parsed->root);
      break;
    case Text::header:
    case Text::header_fields:
    case Text::header_fields_not:
      // HEADER on a part that is not a message/rfc822 names nothing: an empty string.
      if (message == nullptr) return {};
      range = header_of(*message);
      range.header_filter = section.text != Text::header;
      break;
    case Text::text:
      if (message == nullptr) return {};
      range = body_of(*message);
      range.part = nullptr;
      break;
  }
  // A corrupt stored structure must never make the response claim bytes the blob does not have.
  if (range.offset > message_size) return {};
  range.size = std::min(range.size, message_size - range.offset);
  return range;
}

std::string filter_header_fields(std::string_view header, const std::vector<std::string>& fields, bool exclude) {
  std::string out;
  for (const auto& field : mail::split_header_fields(header)) {
    bool listed = std::any_of(fields.begin(), fields.end(),
                              [&](const std::string& name) { return mail::header_name_equals(field.name, name); });
    if (listed == exclude) continue;
    std::string_view bytes = header.substr(field.offset, field.size);
    out.append(bytes);
    if (bytes.empty() || bytes.back() != '\n') out += "\r\n";
  }
  out += "\r\n";  // RFC 9051 6.4.5: the result includes the blank line that ends the header
  return out;
}

void append_section_spec(std::string& out, const BodySection& section) {
  using Text = BodySection::Text;
  for (std::size_t i = 0; i < section.part.size(); ++i) {
    if (i > 0) out += '.';
    out += std::to_string(section.part[i]);
  }
  if (section.text == Text::none) return;
  if (!section.part.empty()) out += '.';
  switch (section.text) {
    case Text::none:
      break;
    case Text::header:
      out += "HEADER";
      break;
    case Text::header_fields:
    case Text::header_fields_not:
      out += section.text == Text::header_fields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (";
      for (std::size_t i = 0; i < section.fields.size(); ++i) {
        if (i > 0) out += ' ';
        append_field_name(out, section.fields[i]);
      }
      out += ')';
      break;
    case Text::text:
      out += "TEXT";
      break;
    case Text::mime:
      out += "MIME";
      break;
  }
}

}  // namespace roost::imap

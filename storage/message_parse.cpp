#include "storage/message_parse.h"

#include "common/mail/mime_codec.h"

namespace roost::store {

namespace {

void shift(mail::MimePart& part, std::uint64_t by) {
  part.header_offset += by;
  part.body_offset += by;
  for (auto& child : part.children) shift(child, by);
}

}  // namespace

mail::ParsedMessage parse_for_store(std::string_view bytes) { return mail::parse_mime_message(bytes); }

mail::ParsedMessage with_prefix(const mail::ParsedMessage& parsed, std::uint64_t prefix_length) {
  mail::ParsedMessage out = parsed;
  if (prefix_length == 0) return out;
  shift(out.root, prefix_length);
  // The root's header now starts at the first prefixed field.
  out.root.header_offset = 0;
  out.root.header_size += prefix_length;
  out.size += prefix_length;
  return out;
}

MessageParts encode_parts(const mail::ParsedMessage& parsed, std::int64_t blob_id) {
  MessageParts parts;
  parts.blob_id = blob_id;
  parts.parser_version = static_cast<int>(mail::kMimeFormatVersion);
  parts.body_structure = mail::encode_parsed_message(parsed);
  parts.envelope = parsed.root.envelope ? mail::encode_envelope(*parsed.root.envelope) : std::string();
  return parts;
}

}  // namespace roost::store

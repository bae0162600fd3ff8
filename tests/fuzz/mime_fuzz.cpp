// Fuzz target for the MIME parser and its helpers: the message is parsed whole and in two pieces
// split where the input says (the trees must match), the result must survive the binary round trip and
// render as IMAP; header fields, parameters, addresses and encoded-words are parsed from the same
// bytes, and the bytes are also decoded as a stored blob.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/mail/header_address.h"
#include "common/mail/header_fields.h"
#include "common/mail/mime_codec.h"
#include "common/mail/mime_imap.h"
#include "common/mail/mime_parser.h"
#include "common/mail/rfc2047.h"

namespace {

void check_offsets(const roost::mail::MimePart& p, std::uint64_t size) {
  if (p.header_offset + p.header_size != p.body_offset) std::abort();
  if (p.body_offset + p.body_size > size) std::abort();
  for (const auto& c : p.children) {
    if (c.header_offset < p.body_offset || c.body_offset + c.body_size > p.body_offset + p.body_size ||
        c.header_offset + c.header_size > p.body_offset + p.body_size) {
      std::abort();
    }
    check_offsets(c, size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace roost::mail;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  MimeLimits limits;
  limits.max_depth = 20;
  limits.max_parts = 200;
  limits.max_header_size = 4096;
  ParsedMessage whole = parse_mime_message(text, limits);
  if (whole.size != size) std::abort();
  check_offsets(whole.root, size);

  std::size_t split = size == 0 ? 0 : (static_cast<std::size_t>(data[0]) * 257 + data[size - 1]) % (size + 1);
  MimeParser parser(limits);
  parser.feed(text.substr(0, split));
  parser.feed(text.substr(split));
  if (!(parser.finish() == whole)) std::abort();

  auto back = decode_parsed_message(encode_parsed_message(whole));
  if (!back || !(*back == whole)) std::abort();
  (void)render_body_structure(whole.root, true);
  (void)render_body_structure(whole.root, false);
  if (whole.root.envelope) (void)render_envelope(*whole.root.envelope);

  for (const auto& f : split_header_fields(text.substr(0, std::min<std::size_t>(size, 8192)))) {
    (void)unfold_header_value(f.value);
    (void)decode_rfc2047(f.value);
    ContentType ct = parse_content_type(f.value);
    for (const auto& p : ct.params) {
      (void)decode_param_value(p);
      (void)param_language(p);
    }
    (void)parse_address_list(f.value, 100);
  }
  (void)decode_parsed_message(text);
  (void)decode_envelope(text);
  return 0;
}

// Mailbox names between the wire (modified UTF-7 or UTF-8) and the store (UTF-8).
#include "imapd/mailbox_name.h"

namespace roost::imap {

std::optional<std::string> mailbox_from_wire(std::string_view name, bool utf8_mode) {
  std::string decoded;
  if (utf8_mode) {
    if (!is_valid_utf8(name)) return std::nullopt;
    decoded = std::string(name);
  } else {
    auto d = decode_mutf7(name);
    if (!d) return std::nullopt;
    decoded = std::move(*d);
  }
  for (char c : decoded) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::nullopt;
  }
  // RFC 9051 5.1: INBOX is case-insensitive, also as the first level of a hierarchy ("inbox/x").
  if (decoded.size() >= 5) {
    std::string head = decoded.substr(0, 5);
    for (char& c : head) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    if (head == "INBOX" && (decoded.size() == 5 || decoded[5] == '/')) decoded.replace(0, 5, "INBOX");
  }
  return decoded;
}

std::string mailbox_to_wire(std::string_view name, bool utf8_mode) {
  return utf8_mode ? std::string(name) : encode_mutf7(name);
}

}  // namespace roost::imap

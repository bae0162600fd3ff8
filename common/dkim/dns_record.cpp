// DKIM key records and their zone-file form.
#include "common/dkim/dns_record.h"

#include <fmt/format.h>

namespace roost::dkim {

std::string key_record_name(std::string_view selector, std::string_view domain) {
  return fmt::format("{}._domainkey.{}", selector, domain);
}

std::string key_record_value(const SigningKey& key) {
  return fmt::format("v=DKIM1; k={}; p={}", key_type_name(key.algorithm()), key.public_key_base64());
}

std::string zone_txt_strings(std::string_view text) {
  std::string out;
  std::size_t strings = 0;
  do {
    std::string_view piece = text.substr(0, kMaxTxtStringLength);
    text.remove_prefix(piece.size());
    if (strings++ > 0) out += ' ';
    out += '"';
    for (char c : piece) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  } while (!text.empty());
  return strings > 1 ? "( " + out + " )" : out;
}

}  // namespace roost::dkim

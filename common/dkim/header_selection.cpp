// Choosing the header fields to sign and the instances a verifier hashes.
#include "common/dkim/header_selection.h"

#include <map>

#include "common/base/ascii.h"
#include "common/mail/header_fields.h"

namespace roost::dkim {

std::size_t header_end(std::string_view message) {
  std::size_t line_start = 0;
  while (line_start <= message.size()) {
    std::size_t lf = message.find('\n', line_start);
    if (lf == std::string_view::npos) return std::string_view::npos;
    std::size_t length = lf - line_start;
    if (length == 0 || (length == 1 && message[line_start] == '\r')) return lf + 1;
    line_start = lf + 1;
  }
  return std::string_view::npos;
}

std::vector<std::string> signed_field_names(std::string_view header) {
  auto fields = mail::split_header_fields(header);
  std::vector<std::string> names;
  bool has_from = false;
  for (std::string_view name : kSignedFieldNames) {
    for (const auto& field : fields) {
      if (!mail::header_name_equals(field.name, name)) continue;
      names.emplace_back(name);
      if (name == "From") has_from = true;
    }
  }
  if (!has_from) return {};
  names.emplace_back("From");
  return names;
}

std::vector<std::string_view> select_fields(std::string_view header, const std::vector<std::string>& names) {
  auto fields = mail::split_header_fields(header);
  std::map<std::string, std::size_t> taken;  // lower-case name -> instances used so far
  std::vector<std::string_view> selected;
  for (const auto& name : names) {
    std::size_t skip = taken[roost::ascii_lower(name)]++;
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      if (!mail::header_name_equals(it->name, name)) continue;
      if (skip-- > 0) continue;
      selected.push_back(header.substr(it->offset, it->size));
      break;
    }
  }
  return selected;
}

}  // namespace roost::dkim

// Normalising domains, addresses and sizes given on the command line.
#include "admin/arguments.h"

#include <fmt/format.h>

#include "common/base/config.h"
#include "common/mail/address.h"
#include "common/mail/domain.h"

namespace roost::admin {

Result<std::string> normalize_domain_arg(std::string_view text) {
  if (text.empty()) return fail("the domain is empty");
  auto domain = mail::normalize_domain(text);
  if (!domain) return fail(fmt::format("'{}' is not a domain name: {}", text, domain.error().message));
  if (!mail::is_ascii_domain(*domain) || domain->find('.') == std::string::npos) {
    return fail(fmt::format("'{}' is not a domain name (expected e.g. example.org)", text));
  }
  return domain;
}

namespace {

Result<AddressArg> parse_address(std::string_view text, bool plain_local) {
  auto parsed = mail::parse_mailbox(text, mail::ParseOptions{.smtputf8 = true});
  if (!parsed) {
    return fail(fmt::format("'{}' is not a mail address: {} (expected e.g. alice@example.org)", text,
                            parsed.error().message));
  }
  if (parsed->domain_is_literal) {
    return fail(fmt::format("'{}' has an IP address for a domain; use a domain name", text));
  }
  if (plain_local && (parsed->quoted || parsed->local_part_has_routing_chars())) {
    return fail(fmt::format("'{}' has a quoted local part or one with '%', '!' or '@'; use a plain one", text));
  }
  auto domain = normalize_domain_arg(parsed->domain);
  if (!domain) return fail(domain.error());
  return AddressArg{parsed->quoted ? parsed->local_raw : parsed->local, std::move(*domain)};
}

}  // namespace

Result<AddressArg> parse_local_address(std::string_view text, bool allow_catch_all) {
  if (!text.empty() && text.front() == '@') {
    if (!allow_catch_all) {
      return fail(fmt::format("'{}' has no local part (expected e.g. alice{})", text, text));
    }
    auto domain = normalize_domain_arg(text.substr(1));
    if (!domain) return fail(domain.error());
    return AddressArg{"", std::move(*domain)};
  }
  return parse_address(text, true);
}

Result<AddressArg> parse_target_address(std::string_view text) { return parse_address(text, false); }

Result<std::int64_t> parse_quota(std::string_view text) {
  if (text == "none" || text == "unlimited") return std::int64_t{0};
  auto size = parse_size(text);
  if (!size) {
    return fail(fmt::format("'{}' is not a quota: use a size such as 500M or 2G, or 'none'", text));
  }
  return size;
}

std::string format_size(std::int64_t bytes) {
  static constexpr const char* kUnits[] = {"", "K", "M", "G", "T"};
  if (bytes < 1024) return std::to_string(bytes);
  int unit = 0;
  double value = static_cast<double>(bytes);
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
    return fmt::format("{}{}", static_cast<std::int64_t>(value), kUnits[unit]);
  }
  return fmt::format("{:.1f}{}", value, kUnits[unit]);
}

}  // namespace roost::admin

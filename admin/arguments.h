// Turning what the admin typed into the forms the store keeps: domains as lower-case A-labels,
// addresses as local@a-label-domain, sizes in bytes. Errors are sentences that say what to type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::admin {

// "Example.ORG", "bücher.example" -> "example.org", "xn--bcher-kva.example".
Result<std::string> normalize_domain_arg(std::string_view text);

struct AddressArg {
  std::string local;   // as typed; empty for a catch-all "@domain"
  std::string domain;  // lower-case A-labels
  std::string full() const { return local + "@" + domain; }
};

// An account's or alias source's address: a plain local part (no quoting, no routing characters)
// '@' a domain. "@domain" is accepted only when allow_catch_all is set.
Result<AddressArg> parse_local_address(std::string_view text, bool allow_catch_all = false);
// An alias target: any mailbox address (a local account or a remote one).
Result<AddressArg> parse_target_address(std::string_view text);

// A quota: a size as in the config ("500M", "1G", bytes) or "0" / "none" / "unlimited" for none.
Result<std::int64_t> parse_quota(std::string_view text);

// Human sizes for lists: 0 -> "0", 1536 -> "1.5K", 1073741824 -> "1G".
std::string format_size(std::int64_t bytes);

}  // namespace roost::admin

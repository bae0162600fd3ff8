// From the answers about a domain to the hosts that take its mail: MX preference order (RFC 5321
// 5.1), null MX (RFC 7505) and the implicit MX of a domain without MX records. No I/O.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/dns/answer_cache.h"

namespace roost::dns {

struct MxHost {
  std::string host;  // canonical
  std::uint16_t preference = 0;
  bool operator==(const MxHost&) const = default;
};

enum class MxVerdict {
  ok,          // `hosts` in the order to try
  no_mx,       // no MX but the domain has addresses: `hosts` is the domain itself, preference 0
  null_mx,     // RFC 7505: the domain accepts no mail; bounce at once
  nxdomain,    // the domain does not exist; bounce
  no_address,  // the domain exists with neither MX nor address (RFC 5321 5.1); bounce
  temporary,   // SERVFAIL, timeout, network error: retry later
  bad_name,    // not a domain name that can be looked up; bounce
};

struct MxResult {
  MxVerdict verdict = MxVerdict::temporary;
  std::vector<MxHost> hosts;
  std::string error;  // what went wrong, for a log line or a DSN's diagnostic
};

// RFC 5321 5.1: lowest preference first; hosts of equal preference in random order ("randomize"), so
// that load spreads over them. `rng` is seeded by the caller (fixed in tests).
std::vector<MxHost> order_mx(std::vector<MxHost> hosts, std::mt19937_64& rng);

// The verdict from the MX answer for `domain` and, when that answer is no_data, the domain's own
// address answer (ignored otherwise).
MxResult mx_result(const std::string& domain, const Answer& mx, LookupStatus domain_addresses,
                   const std::string& address_error, std::mt19937_64& rng);

}  // namespace roost::dns

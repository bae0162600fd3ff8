// MX ordering and verdicts.
#include "common/dns/mx_order.h"

#include <algorithm>

namespace roost::dns {

std::vector<MxHost> order_mx(std::vector<MxHost> hosts, std::mt19937_64& rng) {
  std::sort(hosts.begin(), hosts.end(), [](const MxHost& a, const MxHost& b) {
    return a.preference != b.preference ? a.preference < b.preference : a.host < b.host;
  });
  // Sorting by name first makes the shuffle depend on the seed only, not on the answer's order.
  for (auto group = hosts.begin(); group != hosts.end();) {
    auto end = std::find_if(group, hosts.end(), [&](const MxHost& h) { return h.preference != group->preference; });
    std::shuffle(group, end, rng);
    group = end;
  }
  return hosts;
}

MxResult mx_result(const std::string& domain, const Answer& mx, LookupStatus domain_addresses,
                   const std::string& address_error, std::mt19937_64& rng) {
  MxResult out;
  switch (mx.status) {
    case LookupStatus::temporary:
      out.verdict = MxVerdict::temporary;
      out.error = mx.error;
      return out;
    case LookupStatus::bad_name:
      out.verdict = MxVerdict::bad_name;
      out.error = mx.error;
      return out;
    case LookupStatus::nxdomain:
      out.verdict = MxVerdict::nxdomain;
      out.error = domain + ": no such domain";
      return out;
    case LookupStatus::no_data:
      // RFC 5321 5.1: without MX records the domain itself is the one host, as if preference 0.
      switch (domain_addresses) {
        case LookupStatus::ok:
          out.verdict = MxVerdict::no_mx;
          out.hosts.push_back({domain, 0});
          return out;
        case LookupStatus::no_data:
          out.verdict = MxVerdict::no_address;
          out.error = domain + ": neither MX nor address records";
          return out;
        case LookupStatus::nxdomain:
          out.verdict = MxVerdict::nxdomain;
          out.error = domain + ": no such domain";
          return out;
        case LookupStatus::temporary:
        case LookupStatus::bad_name:
          out.verdict = domain_addresses == LookupStatus::temporary ? MxVerdict::temporary : MxVerdict::bad_name;
          out.error = address_error;
          return out;
      }
      break;
    case LookupStatus::ok:
      break;
  }
  std::vector<MxHost> hosts;
  for (const Record& r : mx.records) {
    // RFC 7505 3: the null MX is a single record with "." as its host. A "." next to real hosts is
    // a misconfiguration that RFC 7505 forbids publishing; the real hosts are still tried.
    if (r.data != ".") hosts.push_back({r.data, r.preference});
  }
  if (hosts.empty()) {
    out.verdict = MxVerdict::null_mx;
    out.error = domain + ": the domain accepts no mail (null MX, RFC 7505)";
    return out;
  }
  out.verdict = MxVerdict::ok;
  out.hosts = order_mx(std::move(hosts), rng);
  return out;
}

}  // namespace roost::dns

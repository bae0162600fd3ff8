// Name checks and reverse-DNS names.
#include "common/dns/dns_name.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fmt/format.h>

namespace roost::dns {

Result<std::string> canonical_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return fail("empty domain name");
  if (name.size() > kMaxNameLength) {
    return fail(fmt::format("domain name longer than {} bytes", kMaxNameLength));
  }
  std::string out;
  out.reserve(name.size());
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return fail("empty label in domain name");
      label = 0;
      out += c;
      continue;
    }
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return fail("domain name has a byte other than a letter, digit, '-' or '_' (IDNs go as A-labels)");
    if (++label > kMaxLabelLength) return fail(fmt::format("label longer than {} bytes", kMaxLabelLength));
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (label == 0) return fail("empty label in domain name");
  return out;
}

Result<std::string> reverse_name(std::string_view ip) {
  std::string text(ip);
  in_addr a4{};
  if (inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    const auto* b = reinterpret_cast<const unsigned char*>(&a4);
    return fmt::format("{}.{}.{}.{}.in-addr.arpa", b[3], b[2], b[1], b[0]);
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 15; i >= 0; --i) {
      out += kHex[a6.s6_addr[i] & 0xf];
      out += '.';
      out += kHex[a6.s6_addr[i] >> 4];
      out += '.';
    }
    return out + "ip6.arpa";
  }
  return fail(fmt::format("'{}' is not an IP address", ip));
}

}  // namespace roost::dns

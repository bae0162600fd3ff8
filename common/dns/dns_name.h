// Domain names as the resolver takes them: A-labels (the caller converts IDNs), checked against the
// RFC 1035 2.3.4 size limits before anything is sent, and compared in one canonical form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::dns {

inline constexpr std::size_t kMaxNameLength = 253;  // RFC 1035 2.3.4: 255 octets on the wire
inline constexpr std::size_t kMaxLabelLength = 63;  // RFC 1035 2.3.4

// The canonical form of `name`: lower case, no trailing dot. Refused: an empty name, an empty label,
// a label over 63 bytes, a name over 253 bytes, and bytes other than letters, digits, '-' and '_'
// ('_' for service names such as _dmarc and DKIM selectors' _domainkey).
Result<std::string> canonical_name(std::string_view name);

// The reverse-DNS name of an IP literal (RFC 1035 3.5 in-addr.arpa, RFC 3596 2.5 ip6.arpa), or an
// error when `ip` is not an IPv4 or IPv6 address.
Result<std::string> reverse_name(std::string_view ip);

}  // namespace roost::dns

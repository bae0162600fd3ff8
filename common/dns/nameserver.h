// The nameservers a resolver asks: from dns.resolver in the config, or /etc/resolv.conf's.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace roost::dns {

inline constexpr unsigned kDnsPort = 53;

struct Nameserver {
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::string text;  // as configured, for log lines
};

// "192.0.2.53:5353", "[2001:db8::53]:53", or a bare IP literal (port 53).
Result<Nameserver> parse_nameserver(std::string_view text);

// The "nameserver" lines of a resolv.conf text (port 53; an IPv6 zone such as "%eth0" is honoured).
// resolv.conf(5): with none listed, the local host's server is used.
std::vector<Nameserver> nameservers_from_resolv_conf_text(std::string_view text);
// Reads the file; an unreadable file gives the same default as an empty one.
std::vector<Nameserver> nameservers_from_resolv_conf(const std::string& path = "/etc/resolv.conf");

}  // namespace roost::dns

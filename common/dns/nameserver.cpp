// Parsing nameserver addresses.
#include "common/dns/nameserver.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace roost::dns {
namespace {

bool fill_address(const std::string& host, unsigned port, Nameserver& out) {
  std::memset(&out.address, 0, sizeof out.address);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    out.address_length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.address);
  std::string ip = host;
  std::string zone;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    ip = host.substr(0, pct);
    zone = host.substr(pct + 1);
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) return false;
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(static_cast<std::uint16_t>(port));
  if (!zone.empty()) {
    unsigned index = if_nametoindex(zone.c_str());
    if (index == 0) return false;
    v6->sin6_scope_id = index;
  }
  out.address_length = sizeof(sockaddr_in6);
  return true;
}

}  // namespace

Result<Nameserver> parse_nameserver(std::string_view text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail(fmt::format("'{}': missing ']'", text));
    host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return fail(fmt::format("'{}': expected [ipv6]:port", text));
      port_text = text.substr(close + 2);
    }
  } else if (text.find(':') != text.rfind(':')) {
    host = std::string(text);  // a bare IPv6 literal
  } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    host = std::string(text);
  }
  unsigned port = kDnsPort;
  if (!port_text.empty() || (text.size() > 0 && text.back() == ':')) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return fail(fmt::format("'{}': the port must be 1 to 65535", text));
    }
  }
  Nameserver out;
  if (!fill_address(host, port, out)) return fail(fmt::format("'{}' is not an IP address and port", text));
  out.text = std::string(text);
  return out;
}

std::vector<Nameserver> nameservers_from_resolv_conf_text(std::string_view text) {
  std::vector<Nameserver> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string keyword;
    std::string address;
    if (!(words >> keyword >> address) || keyword != "nameserver") continue;
    Nameserver ns;
    if (fill_address(address, kDnsPort, ns)) {
      ns.text = address.find(':') == std::string::npos ? address + ":53" : "[" + address + "]:53";
      out.push_back(std::move(ns));
    }
  }
  if (out.empty()) out.push_back(parse_nameserver("127.0.0.1:53").value());
  return out;
}

std::vector<Nameserver> nameservers_from_resolv_conf(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  return nameservers_from_resolv_conf_text(text.str());
}

}  // namespace roost::dns

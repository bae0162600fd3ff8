// The blocking part of the resolver: one question asked of the nameservers in turn over UDP (TCP when
// the answer is truncated), each wait bounded by poll(). Runs on the resolver's threads, never on an
// event loop.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/dns/dns_message.h"
#include "common/dns/nameserver.h"

namespace roost::dns {

inline constexpr std::size_t kMaxDnsMessage = 65535;  // RFC 1035 4.2.2: TCP length is 16 bits

struct ExchangeOptions {
  std::vector<Nameserver> servers;
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};  // one query to one server
  int attempts = 2;                                            // rounds over `servers`
};

// Asks for `name` (canonical) and `type`. Each query gets a fresh random ID and a fresh socket, so a
// kernel-chosen ephemeral source port (RFC 5452 9.2); replies from elsewhere, with another ID or to
// another question are ignored. The first NOERROR or NXDOMAIN reply is returned; SERVFAIL, REFUSED,
// other RCODEs, referrals, timeouts and network errors move on to the next server, and when every round is
// spent the error says what the last server did.
Result<Reply> exchange(const std::string& name, RrType type, const ExchangeOptions& options);

}  // namespace roost::dns

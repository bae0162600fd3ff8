// The synchronous resolver: MX, address, TXT and PTR lookups through the answer cache. Each call
// blocks for up to attempts x nameservers x timeout, so it is for roostctl, tests and the Resolver's
// own threads; code on an event loop uses Resolver (resolver.h) instead. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/config.h"
#include "common/base/result.h"
#include "common/dns/answer_cache.h"
#include "common/dns/dns_exchange.h"
#include "common/dns/mx_order.h"

namespace roost::dns {

struct ClientOptions {
  ExchangeOptions exchange;
  std::size_t cache_size = 10000;
  ClockFunction clock;                       // empty = std::chrono::steady_clock::now
  std::optional<std::uint64_t> shuffle_seed;  // MX shuffle; empty = random (fixed in tests)
};

// dns.resolver (or /etc/resolv.conf when it is empty), dns.timeout, dns.attempts, dns.cache_size.
Result<ClientOptions> options_from_settings(const DnsSettings& settings,
                                            const std::string& resolv_conf = "/etc/resolv.conf");

struct AddressResult {
  // ok: at least one address. no_data: the host exists without any. temporary when neither family
  // could be answered; one family's failure is not reported when the other gave addresses.
  LookupStatus status = LookupStatus::temporary;
  std::vector<std::string> addresses;  // IPv6 (AAAA) first, then IPv4 (A), as text
  std::string error;
};

struct TextResult {
  LookupStatus status = LookupStatus::temporary;
  std::vector<std::string> texts;  // TXT: one string per record; PTR: host names, canonical
  std::string error;
};

class DnsClient {
 public:
  explicit DnsClient(ClientOptions options);

  // The hosts that take mail for `domain` (an A-label name), in the order to try; see MxVerdict.
  MxResult lookup_mx(std::string_view domain);
  // AAAA and A records of `host`, CNAMEs followed.
  AddressResult lookup_addresses(std::string_view host);
  // TXT records of `name` (SPF, DKIM and DMARC checks).
  TextResult lookup_txt(std::string_view name);
  // PTR records for an IP literal (reverse DNS for Received headers); bad_name for a non-IP.
  TextResult lookup_ptr(std::string_view ip);

  // One question with CNAMEs followed (at most kMaxCnameChain), through the cache.
  Answer query(std::string_view name, RrType type);

  std::size_t cached_answers() const { return cache_.size(); }

 private:
  Answer ask(const std::string& name, RrType type, std::chrono::seconds& ttl);

  const ExchangeOptions exchange_;
  AnswerCache cache_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

}  // namespace roost::dns

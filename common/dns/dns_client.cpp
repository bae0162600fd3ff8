// Lookups through the cache, CNAME chains followed across queries.
#include "common/dns/dns_client.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/dns/dns_name.h"

namespace roost::dns {
namespace {

TextResult text_result(const Answer& answer) {
  TextResult out{answer.status, {}, answer.error};
  for (const Record& r : answer.records) out.texts.push_back(r.data);
  return out;
}

}  // namespace

Result<ClientOptions> options_from_settings(const DnsSettings& settings, const std::string& resolv_conf) {
  ClientOptions options;
  if (settings.resolver.empty()) {
    options.exchange.servers = nameservers_from_resolv_conf(resolv_conf);
  }
  for (const std::string& text : settings.resolver) {
    auto server = parse_nameserver(text);
    if (!server) return fail(fmt::format("dns.resolver: {}", server.error().message));
    options.exchange.servers.push_back(std::move(*server));
  }
  options.exchange.timeout = settings.timeout;
  options.exchange.attempts = static_cast<int>(settings.attempts);
  options.cache_size = static_cast<std::size_t>(settings.cache_size);
  return options;
}

DnsClient::DnsClient(ClientOptions options)
    : exchange_(std::move(options.exchange)),
      cache_(options.cache_size, std::move(options.clock)),
      rng_(options.shuffle_seed ? *options.shuffle_seed : std::random_device{}()) {}

Answer DnsClient::ask(const std::string& name, RrType type, std::chrono::seconds& ttl) {
  std::uint32_t seconds = UINT32_MAX;
  std::string current = name;
  int cnames = 0;
  for (;;) {
    auto reply = exchange(current, type, exchange_);
    if (!reply) return Answer{LookupStatus::temporary, {}, fmt::format("{}: {}", name, reply.error().message)};
    cnames += reply->cnames_followed;
    seconds = std::min(seconds, reply->chain_ttl);
    if (reply->chain_incomplete) {
      auto next = canonical_name(reply->final_name);
      if (cnames >= kMaxCnameChain || !next) {
        return Answer{LookupStatus::temporary, {}, fmt::format("{}: CNAME chain too long or broken", name)};
      }
      current = *next;
      continue;
    }
    Answer answer;
    if (reply->rcode == kRcodeNxDomain || reply->records.empty()) {
      answer.status = reply->rcode == kRcodeNxDomain ? LookupStatus::nxdomain : LookupStatus::no_data;
      seconds = reply->has_soa ? std::min(seconds, reply->negative_ttl) : 0;
    } else {
      answer.status = LookupStatus::ok;
      for (const Record& r : reply->records) seconds = std::min(seconds, r.ttl);
      answer.records = std::move(reply->records);
    }
    ttl = std::chrono::seconds(seconds);
    return answer;
  }
}

Answer DnsClient::query(std::string_view name, RrType type) {
  auto canonical = canonical_name(name);
  if (!canonical) return Answer{LookupStatus::bad_name, {}, fmt::format("'{}': {}", name, canonical.error().message)};
  if (auto cached = cache_.find(*canonical, type)) return *cached;
  std::chrono::seconds ttl{0};
  Answer answer = ask(*canonical, type, ttl);
  cache_.store(*canonical, type, answer, ttl);
  return answer;
}

AddressResult DnsClient::lookup_addresses(std::string_view host) {
  Answer v6 = query(host, RrType::aaaa);
  if (v6.status == LookupStatus::bad_name) return AddressResult{v6.status, {}, v6.error};
  Answer v4 = query(host, RrType::a);
  AddressResult out;
  for (const Answer* a : {&v6, &v4}) {
    for (const Record& r : a->records) out.addresses.push_back(r.data);
  }
  if (!out.addresses.empty()) {
    out.status = LookupStatus::ok;
  } else if (v6.status == LookupStatus::temporary || v4.status == LookupStatus::temporary) {
    out.status = LookupStatus::temporary;
    out.error = v6.status == LookupStatus::temporary ? v6.error : v4.error;
  } else if (v6.status == LookupStatus::nxdomain || v4.status == LookupStatus::nxdomain) {
    out.status = LookupStatus::nxdomain;
    out.error = fmt::format("{}: no such domain", host);
  } else {
    out.status = LookupStatus::no_data;
    out.error = fmt::format("{}: no address records", host);
  }
  return out;
}

MxResult DnsClient::lookup_mx(std::string_view domain) {
  Answer mx = query(domain, RrType::mx);
  auto canonical = canonical_name(domain);
  std::string name = canonical ? *canonical : std::string(domain);
  AddressResult own{LookupStatus::no_data, {}, {}};
  if (mx.status == LookupStatus::no_data) own = lookup_addresses(name);
  std::lock_guard lock(rng_mutex_);
  return mx_result(name, mx, own.status, own.error, rng_);
}

TextResult DnsClient::lookup_txt(std::string_view name) { return text_result(query(name, RrType::txt)); }

TextResult DnsClient::lookup_ptr(std::string_view ip) {
  auto name = reverse_name(ip);
  if (!name) return TextResult{LookupStatus::bad_name, {}, name.error().message};
  return text_result(query(*name, RrType::ptr));
}

}  // namespace roost::dns

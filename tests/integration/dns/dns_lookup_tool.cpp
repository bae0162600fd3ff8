// Runs lookups through roost::dns::Resolver (its threads and callbacks, as a daemon would) and
// prints each result in a fixed form for dns_nsd_test.py:
//   <kind> <name> <status>        then one indented line per host / address / text, or "  error: ..."
// Usage: dns_lookup_tool --server IP:PORT [--server ...] [--timeout MS] [--attempts N] [--seed N]
//                        [--repeat N] KIND NAME [KIND NAME ...]      KIND: mx, addresses, txt, ptr
// --repeat asks each question N times (answers after the first come from the cache) and prints the
// time per lookup on stderr.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "common/dns/resolver.h"

namespace {

using roost::dns::LookupStatus;
using roost::dns::MxVerdict;

const char* status_name(LookupStatus s) {
  switch (s) {
    case LookupStatus::ok: return "ok";
    case LookupStatus::no_data: return "no_data";
    case LookupStatus::nxdomain: return "nxdomain";
    case LookupStatus::temporary: return "temporary";
    case LookupStatus::bad_name: return "bad_name";
  }
  return "?";
}

const char* verdict_name(MxVerdict v) {
  switch (v) {
    case MxVerdict::ok: return "ok";
    case MxVerdict::no_mx: return "no_mx";
    case MxVerdict::null_mx: return "null_mx";
    case MxVerdict::nxdomain: return "nxdomain";
    case MxVerdict::no_address: return "no_address";
    case MxVerdict::temporary: return "temporary";
    case MxVerdict::bad_name: return "bad_name";
  }
  return "?";
}

template <typename R, typename Start>
R wait_for_callback(Start start) {
  std::promise<R> promise;
  auto future = promise.get_future();
  start([&promise](R r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::string run(roost::dns::Resolver& resolver, const std::string& kind, const std::string& name) {
  std::string out;
  auto lines = [&out](const char* status, const std::vector<std::string>& items, const std::string& error) {
    out += std::string(" ") + status + "\n";
    for (const auto& item : items) out += "  " + item + "\n";
    if (!error.empty() && items.empty()) out += "  error: " + error + "\n";
  };
  out = kind + " " + name;
  if (kind == "mx") {
    auto r = wait_for_callback<roost::dns::MxResult>([&](auto done) { resolver.lookup_mx(name, done); });
    std::vector<std::string> hosts;
    for (const auto& h : r.hosts) hosts.push_back(h.host + " " + std::to_string(h.preference));
    lines(verdict_name(r.verdict), hosts, r.error);
  } else if (kind == "addresses") {
    auto r = wait_for_callback<roost::dns::AddressResult>([&](auto done) { resolver.lookup_addresses(name, done); });
    lines(status_name(r.status), r.addresses, r.error);
  } else if (kind == "txt" || kind == "ptr") {
    auto r = wait_for_callback<roost::dns::TextResult>([&](auto done) {
      if (kind == "txt") resolver.lookup_txt(name, done);
      else resolver.lookup_ptr(name, done);
    });
    lines(status_name(r.status), r.texts, r.error);
  } else {
    std::fprintf(stderr, "unknown kind '%s' (mx, addresses, txt, ptr)\n", kind.c_str());
    std::exit(2);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  roost::DnsSettings settings;
  std::vector<std::string> questions;
  std::uint64_t seed = 1;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--server" && has_value) settings.resolver.push_back(argv[++i]);
    else if (arg == "--timeout" && has_value) settings.timeout = std::chrono::milliseconds(std::atoll(argv[++i]));
    else if (arg == "--attempts" && has_value) settings.attempts = std::atoll(argv[++i]);
    else if (arg == "--seed" && has_value) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--repeat" && has_value) repeat = std::max(1, std::atoi(argv[++i]));
    else questions.push_back(arg);
  }
  if (settings.resolver.empty() || questions.empty() || questions.size() % 2 != 0) {
    std::fprintf(stderr, "usage: dns_lookup_tool --server IP:PORT [options] KIND NAME [KIND NAME ...]\n");
    return 2;
  }
  auto options = roost::dns::options_from_settings(settings);
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 2;
  }
  options->shuffle_seed = seed;
  roost::dns::Resolver resolver(std::move(*options));
  for (std::size_t q = 0; q < questions.size(); q += 2) {
    auto start = std::chrono::steady_clock::now();
    std::string printed;
    for (int i = 0; i < repeat; ++i) printed = run(resolver, questions[q], questions[q + 1]);
    auto took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    std::fputs(printed.c_str(), stdout);
    if (repeat > 1) std::fprintf(stderr, "%s %s: %.1f us per lookup over %d\n", questions[q].c_str(),
                                 questions[q + 1].c_str(), took / repeat, repeat);
  }
  return 0;
}

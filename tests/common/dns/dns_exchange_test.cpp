// Tests of the resolver on the wire, against an in-process fake DNS server on 127.0.0.1 (UDP and TCP
// on one free port) that answers what each test scripts: normal answers, SERVFAIL, NXDOMAIN,
// truncation forcing TCP, replies with a wrong ID, and silence.
#include <arpa/inet.h>
// Before ldns: without it ldns/common.h defines bool, true and false as macros.
#include <stdbool.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "common/dns/dns_client.h"
#include "common/dns/dns_exchange.h"
#include "common/dns/resolver.h"

namespace roost::dns {
namespace {

using namespace std::chrono_literals;
using Wire = std::vector<std::uint8_t>;

// What the fake server was asked.
struct Asked {
  std::string name;  // as on the wire, lower case, no trailing dot
  RrType type;
  bool tcp;
  std::uint16_t id;
  bool edns;
  std::uint16_t source_port;  // UDP only
  const ldns_pkt* query;
};

// A reply to `asked`: rcode, answer and authority records in zone-file form, the TC bit, and an ID
// offset (non-zero: a reply that does not belong to the query).
Wire reply(const Asked& asked, int rcode, std::vector<std::string> answer, std::vector<std::string> authority = {},
           bool truncated = false, int id_offset = 0, const char* other_question = nullptr) {
  ldns_pkt* pkt = ldns_pkt_new();
  ldns_pkt_set_id(pkt, static_cast<std::uint16_t>(asked.id + id_offset));
  ldns_pkt_set_qr(pkt, true);
  ldns_pkt_set_aa(pkt, true);
  ldns_pkt_set_rd(pkt, true);
  ldns_pkt_set_ra(pkt, true);
  ldns_pkt_set_rcode(pkt, static_cast<std::uint8_t>(rcode));
  ldns_pkt_set_tc(pkt, truncated);
  ldns_rr* question = nullptr;
  if (other_question) {
    ldns_rr_new_question_frm_str(&question, other_question, nullptr, nullptr);
  } else {
    question = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(asked.query), 0));
  }
  ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, question);
  auto push = [&](const std::vector<std::string>& rrs, ldns_pkt_section section) {
    for (const auto& text : rrs) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 300, nullptr, nullptr) != LDNS_STATUS_OK) {
        throw std::runtime_error("bad test record: " + text);
      }
      ldns_pkt_push_rr(pkt, section, rr);
    }
  };
  push(answer, LDNS_SECTION_ANSWER);
  push(authority, LDNS_SECTION_AUTHORITY);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_pkt2wire(&wire, pkt, &size);
  Wire out(wire, wire + size);
  std::free(wire);
  ldns_pkt_free(pkt);
  return out;
}

const std::string kSoa = "a.test. 300 IN SOA ns.a.test. admin.a.test. 1 3600 600 86400 120";

// Returns the datagrams (or, over TCP, the messages) to send back; none = silence.
using Script = std::function<std::vector<Wire>(const Asked&)>;

class FakeDnsServer {
 public:
  // On 127.0.0.1, or on ::1 with `ipv6`.
  explicit FakeDnsServer(Script script, bool ipv6 = false) : script_(std::move(script)), ipv6_(ipv6) {
    // UDP and TCP on the same free port: a truncated answer is asked again at the same address.
    for (int tries = 0; tries < 20 && tcp_ < 0; ++tries) {
      udp_ = open_socket(SOCK_DGRAM, 0);
      port_ = bound_port(udp_);
      tcp_ = open_socket(SOCK_STREAM, port_);
      if (tcp_ < 0) ::close(udp_);
    }
    if (tcp_ < 0 || ::listen(tcp_, 8) != 0) throw std::runtime_error("fake DNS server: cannot listen");
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeDnsServer() {
    stop_ = true;
    thread_.join();
    ::close(udp_);
    ::close(tcp_);
  }
  std::string address() const { return (ipv6_ ? "[::1]:" : "127.0.0.1:") + std::to_string(port_); }
  int udp_queries() const { return udp_queries_; }
  int tcp_queries() const { return tcp_queries_; }

 private:
  int open_socket(int type, std::uint16_t port) const {
    int fd = ::socket(ipv6_ ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
    int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (ipv6_) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&address);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(port);
      sin6->sin6_addr = in6addr_loopback;
      length = sizeof *sin6;
    } else {
      auto* sin = reinterpret_cast<sockaddr_in*>(&address);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(port);
      sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof *sin;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  static std::uint16_t bound_port(int fd) {
    sockaddr_storage address{};
    socklen_t len = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len);
    return bound_port_of(address);
  }
  static std::uint16_t bound_port_of(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }

  std::vector<Wire> answer(const std::uint8_t* data, std::size_t size, bool tcp, std::uint16_t source_port = 0) {
    ldns_pkt* query = nullptr;
    if (ldns_wire2pkt(&query, data, size) != LDNS_STATUS_OK) return {};
    const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
    char* owner = ldns_rdf2str(ldns_rr_owner(q));
    std::string name(owner);
    std::free(owner);
    if (name.size() > 1 && name.back() == '.') name.pop_back();
    Asked asked{name, static_cast<RrType>(ldns_rr_get_type(q)), tcp, ldns_pkt_id(query), ldns_pkt_edns(query), source_port,
                query};
    auto out = script_(asked);
    ldns_pkt_free(query);
    return out;
  }

  void serve() {
    std::vector<std::uint8_t> buf(65535);
    while (!stop_) {
      pollfd fds[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (::poll(fds, 2, 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(udp_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n <= 0) continue;
        ++udp_queries_;
        for (const Wire& w : answer(buf.data(), static_cast<std::size_t>(n), false, bound_port_of(from))) {
          ::sendto(udp_, w.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        }
      }
      if (fds[1].revents & POLLIN) serve_tcp(buf);
    }
  }

  void serve_tcp(std::vector<std::uint8_t>& buf) {
    int conn = ::accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    timeval limit{2, 0};
    ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::uint8_t length[2];
    if (::recv(conn, length, 2, MSG_WAITALL) == 2) {
      std::size_t size = (std::size_t{length[0]} << 8) | length[1];
      if (::recv(conn, buf.data(), size, MSG_WAITALL) == static_cast<ssize_t>(size)) {
        ++tcp_queries_;
        for (const Wire& w : answer(buf.data(), size, true)) {
          std::uint8_t prefix[2] = {static_cast<std::uint8_t>(w.size() >> 8), static_cast<std::uint8_t>(w.size())};
          ::send(conn, prefix, 2, MSG_NOSIGNAL);
          ::send(conn, w.data(), w.size(), MSG_NOSIGNAL);
        }
      }
    }
    ::close(conn);
  }

  Script script_;
  bool ipv6_;
  int udp_ = -1;
  int tcp_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> udp_queries_{0};
  std::atomic<int> tcp_queries_{0};
  std::thread thread_;
};

ExchangeOptions options_for(std::vector<const FakeDnsServer*> servers, std::chrono::milliseconds timeout = 1s,
                            int attempts = 1) {
  ExchangeOptions options;
  for (const auto* s : servers) options.servers.push_back(parse_nameserver(s->address()).value());
  options.timeout = timeout;
  options.attempts = attempts;
  return options;
}

// A small zone most tests answer from.
std::vector<Wire> zone(const Asked& q) {
  if (q.name == "a.test" && q.type == RrType::mx) {
    return {reply(q, 0, {"a.test. 300 IN MX 20 mx2.a.test.", "a.test. 600 IN MX 10 mx1.a.test."})};
  }
  if (q.name == "mx1.a.test" && q.type == RrType::a) return {reply(q, 0, {"mx1.a.test. 300 IN A 192.0.2.1"})};
  if (q.name == "mx1.a.test" && q.type == RrType::aaaa) return {reply(q, 0, {"mx1.a.test. 300 IN AAAA 2001:db8::1"})};
  if (q.name == "null.a.test" && q.type == RrType::mx) return {reply(q, 0, {"null.a.test. 300 IN MX 0 ."})};
  if (q.name == "plain.a.test" && q.type == RrType::a) return {reply(q, 0, {"plain.a.test. 300 IN A 192.0.2.7"})};
  if (q.name == "alias.a.test") return {reply(q, 0, {"alias.a.test. 100 IN CNAME host.b.test."})};
  if (q.name == "host.b.test" && q.type == RrType::a) return {reply(q, 0, {"host.b.test. 300 IN A 192.0.2.8"})};
  if (q.name == "txt.a.test" && q.type == RrType::txt) {
    return {reply(q, 0, {"txt.a.test. 300 IN TXT \"v=spf1 \" \"mx -all\""})};
  }
  if (q.name == "7.2.0.192.in-addr.arpa" && q.type == RrType::ptr) {
    return {reply(q, 0, {"7.2.0.192.in-addr.arpa. 300 IN PTR plain.a.test."})};
  }
  if (q.name.ends_with("a.test") && q.name != "gone.a.test") return {reply(q, 0, {}, {kSoa})};  // NODATA
  return {reply(q, 3, {}, {kSoa})};                                                              // NXDOMAIN
}

TEST(DnsExchange, AnswerIsReadFromTheServer) {
  FakeDnsServer server(zone);
  auto r = exchange("a.test", RrType::mx, options_for({&server}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0].data, "mx2.a.test");
  EXPECT_EQ(r->records[0].preference, 20);
  EXPECT_EQ(r->records[1].ttl, 600u);
}

TEST(DnsExchange, ServfailMovesOnToTheNextServer) {
  FakeDnsServer failing([](const Asked& q) { return std::vector<Wire>{reply(q, 2, {})}; });
  FakeDnsServer good(zone);
  auto r = exchange("plain.a.test", RrType::a, options_for({&failing, &good}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->records.at(0).data, "192.0.2.7");
  EXPECT_EQ(failing.udp_queries(), 1);
  EXPECT_EQ(good.udp_queries(), 1);
}

TEST(DnsExchange, ServfailEverywhereIsAnErrorAfterEveryAttempt) {
  FakeDnsServer failing([](const Asked& q) { return std::vector<Wire>{reply(q, 2, {})}; });
  auto r = exchange("plain.a.test", RrType::a, options_for({&failing}, 1s, 3));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("SERVFAIL"), std::string::npos) << r.error().message;
  EXPECT_EQ(failing.udp_queries(), 3);
}

TEST(DnsExchange, ReferralFromANonRecursiveServerIsNotAnAnswer) {
  FakeDnsServer referring([](const Asked& q) { return std::vector<Wire>{reply(q, 0, {}, {"test. 300 IN NS ns.test."})}; });
  FakeDnsServer good(zone);
  auto r = exchange("plain.a.test", RrType::a, options_for({&referring, &good}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->records.at(0).data, "192.0.2.7");
  auto alone = exchange("plain.a.test", RrType::a, options_for({&referring}));
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.error().message.find("referral"), std::string::npos) << alone.error().message;
}

TEST(DnsExchange, NxdomainIsFinalAndNotAskedElsewhere) {
  FakeDnsServer first(zone);
  FakeDnsServer second(zone);
  auto r = exchange("gone.a.test", RrType::mx, options_for({&first, &second}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rcode, kRcodeNxDomain);
  EXPECT_TRUE(r->has_soa);
  EXPECT_EQ(r->negative_ttl, 120u) << "RFC 2308 5: min(SOA TTL 300, MINIMUM 120)";
  EXPECT_EQ(second.udp_queries(), 0);
}

TEST(DnsExchange, TruncatedUdpAnswerIsAskedAgainOverTcp) {
  FakeDnsServer server([](const Asked& q) {
    if (!q.tcp) return std::vector<Wire>{reply(q, 0, {}, {}, /*truncated=*/true)};
    return std::vector<Wire>{reply(q, 0, {"big.a.test. 300 IN TXT \"the whole answer\""})};
  });
  auto r = exchange("big.a.test", RrType::txt, options_for({&server}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->records.at(0).data, "the whole answer");
  EXPECT_EQ(server.udp_queries(), 1);
  EXPECT_EQ(server.tcp_queries(), 1);
}

TEST(DnsExchange, ReplyWithWrongIdOrQuestionIsIgnored) {
  FakeDnsServer server([](const Asked& q) {
    return std::vector<Wire>{reply(q, 0, {"plain.a.test. 300 IN A 198.51.100.66"}, {}, false, /*id_offset=*/1),
                             reply(q, 0, {"evil.a.test. 300 IN A 198.51.100.67"}, {}, false, 0, "evil.a.test. IN A"),
                             reply(q, 0, {"plain.a.test. 300 IN A 192.0.2.7"})};
  });
  auto r = exchange("plain.a.test", RrType::a, options_for({&server}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].data, "192.0.2.7");
}

TEST(DnsExchange, Ipv6NameserverOverUdpAndTcp) {
  FakeDnsServer server(
      [](const Asked& q) {
        if (!q.tcp && q.name == "big.a.test") return std::vector<Wire>{reply(q, 0, {}, {}, /*truncated=*/true)};
        if (q.name == "big.a.test") return std::vector<Wire>{reply(q, 0, {"big.a.test. 300 IN A 192.0.2.10"})};
        return zone(q);
      },
      /*ipv6=*/true);
  auto udp = exchange("plain.a.test", RrType::a, options_for({&server}));
  ASSERT_TRUE(udp.ok()) << udp.error().message;
  EXPECT_EQ(udp->records.at(0).data, "192.0.2.7");
  auto tcp = exchange("big.a.test", RrType::a, options_for({&server}));
  ASSERT_TRUE(tcp.ok()) << tcp.error().message;
  EXPECT_EQ(tcp->records.at(0).data, "192.0.2.10");
  EXPECT_EQ(server.tcp_queries(), 1);
}

TEST(DnsExchange, FormerrToEdnsIsAskedAgainWithoutIt) {
  FakeDnsServer server([](const Asked& q) {
    if (q.edns) return std::vector<Wire>{reply(q, 1, {})};
    return zone(q);
  });
  auto r = exchange("plain.a.test", RrType::a, options_for({&server}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->records.at(0).data, "192.0.2.7");
  EXPECT_EQ(server.udp_queries(), 2);
}

TEST(DnsExchange, OnlyAWrongIdIsATimeout) {
  FakeDnsServer server([](const Asked& q) {
    return std::vector<Wire>{reply(q, 0, {"plain.a.test. 300 IN A 198.51.100.66"}, {}, false, 1)};
  });
  auto r = exchange("plain.a.test", RrType::a, options_for({&server}, 200ms));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("timeout"), std::string::npos) << r.error().message;
}

TEST(DnsExchange, SilentServerTimesOutThenTheSecondAnswers) {
  FakeDnsServer silent([](const Asked&) { return std::vector<Wire>{}; });
  FakeDnsServer good(zone);
  auto start = std::chrono::steady_clock::now();
  auto r = exchange("plain.a.test", RrType::a, options_for({&silent, &good}, 300ms));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->records.at(0).data, "192.0.2.7");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(silent.udp_queries(), 1);
}

TEST(DnsExchange, EachQueryHasARandomIdAndSourcePort) {
  std::vector<std::uint16_t> ids;
  std::vector<std::uint16_t> ports;
  std::mutex m;
  FakeDnsServer server([&](const Asked& q) {
    std::lock_guard lock(m);
    ids.push_back(q.id);
    ports.push_back(q.source_port);
    return zone(q);
  });
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(exchange("plain.a.test", RrType::a, options_for({&server})).ok());
  std::lock_guard lock(m);
  ASSERT_EQ(ids.size(), 8u);
  int steps_of_one = 0;
  for (std::size_t i = 1; i < ids.size(); ++i) steps_of_one += ids[i] == static_cast<std::uint16_t>(ids[i - 1] + 1);
  EXPECT_LT(steps_of_one, 3) << "IDs do not count up (RFC 5452 9.1)";
  auto distinct = [](std::vector<std::uint16_t> v) {
    std::sort(v.begin(), v.end());
    return std::unique(v.begin(), v.end()) - v.begin();
  };
  EXPECT_GT(distinct(ids), 4);
  EXPECT_GT(distinct(ports), 4) << "each query from a fresh ephemeral port (RFC 5452 9.2)";
}

// DnsClient and Resolver over the same fake server.

struct ManualClock {
  std::atomic<std::int64_t> seconds{1000000};
  ClockFunction function() {
    return [this] { return SteadyClock::time_point{} + std::chrono::seconds(seconds.load()); };
  }
};

ClientOptions client_options(const FakeDnsServer& server, ManualClock* clock = nullptr) {
  ClientOptions options;
  options.exchange = options_for({&server}, 500ms, 1);
  options.shuffle_seed = 1;
  if (clock) options.clock = clock->function();
  return options;
}

TEST(DnsClient, MxHostsComeInPreferenceOrder) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  auto r = client.lookup_mx("A.Test.");
  ASSERT_EQ(r.verdict, MxVerdict::ok) << r.error;
  EXPECT_EQ(r.hosts, (std::vector<MxHost>{{"mx1.a.test", 10}, {"mx2.a.test", 20}}));
}

TEST(DnsClient, NullMxIsReported) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  EXPECT_EQ(client.lookup_mx("null.a.test").verdict, MxVerdict::null_mx);
}

TEST(DnsClient, DomainWithOnlyAnAddressIsItsOwnMx) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  auto r = client.lookup_mx("plain.a.test");
  ASSERT_EQ(r.verdict, MxVerdict::no_mx) << r.error;
  EXPECT_EQ(r.hosts, (std::vector<MxHost>{{"plain.a.test", 0}}));
}

TEST(DnsClient, UnknownDomainIsNxdomainAndServfailIsTemporary) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  EXPECT_EQ(client.lookup_mx("gone.a.test").verdict, MxVerdict::nxdomain);
  FakeDnsServer failing([](const Asked& q) { return std::vector<Wire>{reply(q, 2, {})}; });
  DnsClient failing_client(client_options(failing));
  auto r = failing_client.lookup_mx("a.test");
  EXPECT_EQ(r.verdict, MxVerdict::temporary);
  EXPECT_NE(r.error.find("SERVFAIL"), std::string::npos) << r.error;
}

TEST(DnsClient, OverlongNameIsRefusedWithoutAQuery) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  EXPECT_EQ(client.lookup_mx(std::string(64, 'x') + ".a.test").verdict, MxVerdict::bad_name);
  EXPECT_EQ(client.lookup_ptr("not-an-ip").status, LookupStatus::bad_name);
  EXPECT_EQ(server.udp_queries(), 0);
}

TEST(DnsClient, AddressesIpv6FirstAndEmptyVersusNxdomain) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  auto both = client.lookup_addresses("mx1.a.test");
  ASSERT_EQ(both.status, LookupStatus::ok) << both.error;
  EXPECT_EQ(both.addresses, (std::vector<std::string>{"2001:db8::1", "192.0.2.1"}));
  EXPECT_EQ(client.lookup_addresses("mx2.a.test").status, LookupStatus::no_data);
  EXPECT_EQ(client.lookup_addresses("gone.a.test").status, LookupStatus::nxdomain);
}

TEST(DnsClient, CnameToAnotherZoneIsFollowedWithASecondQuery) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  auto r = client.lookup_addresses("alias.a.test");
  ASSERT_EQ(r.status, LookupStatus::ok) << r.error;
  EXPECT_EQ(r.addresses, (std::vector<std::string>{"192.0.2.8"}));
}

TEST(DnsClient, CnameLoopIsBounded) {
  FakeDnsServer server([](const Asked& q) {
    return std::vector<Wire>{reply(q, 0, {q.name + ". 300 IN CNAME x" + q.name + "."})};
  });
  DnsClient client(client_options(server));
  auto r = client.lookup_addresses("loop.a.test");
  EXPECT_EQ(r.status, LookupStatus::temporary);
  EXPECT_NE(r.error.find("CNAME"), std::string::npos) << r.error;
  EXPECT_LE(server.udp_queries(), 2 * (kMaxCnameChain + 1));
}

TEST(DnsClient, TxtStringsAreJoinedAndPtrNamesCanonical) {
  FakeDnsServer server(zone);
  DnsClient client(client_options(server));
  auto txt = client.lookup_txt("txt.a.test");
  ASSERT_EQ(txt.status, LookupStatus::ok) << txt.error;
  EXPECT_EQ(txt.texts, (std::vector<std::string>{"v=spf1 mx -all"}));
  auto ptr = client.lookup_ptr("192.0.2.7");
  ASSERT_EQ(ptr.status, LookupStatus::ok) << ptr.error;
  EXPECT_EQ(ptr.texts, (std::vector<std::string>{"plain.a.test"}));
}

TEST(DnsClient, AnswersComeFromTheCacheUntilTheirTtlEnds) {
  FakeDnsServer server(zone);
  ManualClock clock;
  DnsClient client(client_options(server, &clock));
  ASSERT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::ok);
  ASSERT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::ok);
  EXPECT_EQ(server.udp_queries(), 1);
  clock.seconds += 299;  // the smaller TTL of the MX RRset is 300 s
  ASSERT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::ok);
  EXPECT_EQ(server.udp_queries(), 1);
  clock.seconds += 1;
  ASSERT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::ok);
  EXPECT_EQ(server.udp_queries(), 2);
}

TEST(DnsClient, NxdomainIsCachedForTheSoaMinimum) {
  FakeDnsServer server(zone);
  ManualClock clock;
  DnsClient client(client_options(server, &clock));
  EXPECT_EQ(client.lookup_mx("gone.a.test").verdict, MxVerdict::nxdomain);
  clock.seconds += 119;
  EXPECT_EQ(client.lookup_mx("gone.a.test").verdict, MxVerdict::nxdomain);
  EXPECT_EQ(server.udp_queries(), 1);
  clock.seconds += 1;
  EXPECT_EQ(client.lookup_mx("gone.a.test").verdict, MxVerdict::nxdomain);
  EXPECT_EQ(server.udp_queries(), 2);
}

TEST(DnsClient, TemporaryFailureIsNotCached) {
  FakeDnsServer failing([](const Asked& q) { return std::vector<Wire>{reply(q, 2, {})}; });
  DnsClient client(client_options(failing));
  EXPECT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::temporary);
  EXPECT_EQ(client.lookup_mx("a.test").verdict, MxVerdict::temporary);
  EXPECT_EQ(failing.udp_queries(), 2);
}

TEST(Resolver, CallbackRunsOnAResolverThreadWithTheResult) {
  FakeDnsServer server(zone);
  Resolver resolver(client_options(server));
  std::promise<std::pair<MxResult, std::thread::id>> done;
  resolver.lookup_mx("a.test", [&](MxResult r) { done.set_value({std::move(r), std::this_thread::get_id()}); });
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto [result, thread] = future.get();
  EXPECT_EQ(result.verdict, MxVerdict::ok);
  EXPECT_EQ(result.hosts.at(0).host, "mx1.a.test");
  EXPECT_NE(thread, std::this_thread::get_id());
}

TEST(Resolver, SlowLookupDoesNotHoldBackOthers) {
  FakeDnsServer server([](const Asked& q) {
    if (q.name == "slow.a.test") return std::vector<Wire>{};  // silence: the lookup waits for its timeout
    return zone(q);
  });
  ClientOptions options = client_options(server);
  options.exchange.timeout = 2s;
  Resolver resolver(std::move(options), 2);
  std::promise<MxResult> slow;
  std::promise<AddressResult> fast;
  resolver.lookup_mx("slow.a.test", [&](MxResult r) { slow.set_value(std::move(r)); });
  auto start = std::chrono::steady_clock::now();
  resolver.lookup_addresses("plain.a.test", [&](AddressResult r) { fast.set_value(std::move(r)); });
  auto fast_future = fast.get_future();
  ASSERT_EQ(fast_future.wait_for(1500ms), std::future_status::ready) << "answered while the slow lookup waits";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_EQ(fast_future.get().addresses, (std::vector<std::string>{"192.0.2.7"}));
  auto slow_future = slow.get_future();
  ASSERT_EQ(slow_future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(slow_future.get().verdict, MxVerdict::temporary);
}

TEST(Resolver, StoppingWaitsForLookupsInProgressAndDropsQueuedOnes) {
  FakeDnsServer silent([](const Asked&) { return std::vector<Wire>{}; });
  ClientOptions options = client_options(silent);
  options.exchange.timeout = 300ms;
  std::atomic<int> called{0};
  auto start = std::chrono::steady_clock::now();
  {
    Resolver resolver(std::move(options), 1);
    for (int i = 0; i < 5; ++i) resolver.lookup_mx("a.test", [&](MxResult) { ++called; });
    std::this_thread::sleep_for(50ms);  // the first lookup is waiting for the silent server
  }
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(called, 1) << "the lookup in progress finishes; the four queued ones are dropped";
  EXPECT_LT(took, 1500ms) << "not five timeouts in a row";
}

}  // namespace
}  // namespace roost::dns

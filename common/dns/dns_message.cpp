// Building queries and reading replies with ldns.
#include "common/dns/dns_message.h"

#include <arpa/inet.h>
// Before ldns: without it ldns/common.h defines bool, true and false as macros.
#include <stdbool.h>
#include <ldns/ldns.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace roost::dns {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;

// A dname rdf in canonical text: lower case, no trailing dot; the root as ".".
std::string dname_text(const ldns_rdf* rdf) {
  if (!rdf) return {};
  char* raw = ldns_rdf2str(rdf);
  if (!raw) return {};
  std::string text(raw);
  std::free(raw);
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  return text;
}

std::string address_text(const ldns_rdf* rdf, int family) {
  char buf[INET6_ADDRSTRLEN] = {};
  std::size_t want = family == AF_INET ? 4 : 16;
  if (!rdf || ldns_rdf_size(rdf) != want) return {};
  if (!inet_ntop(family, ldns_rdf_data(rdf), buf, sizeof buf)) return {};
  return buf;
}

std::string txt_text(const ldns_rr* rr) {
  std::string out;
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    if (ldns_rdf_size(rdf) == 0) continue;
    const std::uint8_t* data = ldns_rdf_data(rdf);
    std::size_t length = data[0];  // a character-string: a length byte, then the bytes
    if (length + 1 > ldns_rdf_size(rdf)) continue;
    out.append(reinterpret_cast<const char*>(data + 1), length);
  }
  return out;
}

// The record's data in Record form; false when the rdata is not what the type promises.
bool read_record(const ldns_rr* rr, RrType type, Record& out) {
  out.name = dname_text(ldns_rr_owner(rr));
  out.ttl = ldns_rr_ttl(rr);
  switch (type) {
    case RrType::a:
      out.data = address_text(ldns_rr_rdf(rr, 0), AF_INET);
      break;
    case RrType::aaaa:
      out.data = address_text(ldns_rr_rdf(rr, 0), AF_INET6);
      break;
    case RrType::mx:
      if (ldns_rr_rd_count(rr) < 2) return false;
      out.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
      out.data = dname_text(ldns_rr_rdf(rr, 1));
      break;
    case RrType::cname:
    case RrType::ptr:
      out.data = dname_text(ldns_rr_rdf(rr, 0));
      break;
    case RrType::txt:
      out.data = txt_text(rr);
      return true;  // an empty TXT string is a valid record
    case RrType::soa:
      return ldns_rr_rd_count(rr) >= 7;
  }
  return !out.data.empty();
}

}  // namespace

Result<std::vector<std::uint8_t>> build_query(const Question& question) {
  RdfPtr name(ldns_dname_new_frm_str(question.name.c_str()));
  if (!name) return fail(fmt::format("cannot encode the name '{}'", question.name));
  // ldns_pkt_query_new takes ownership of the name.
  PktPtr pkt(ldns_pkt_query_new(name.release(), static_cast<ldns_rr_type>(question.type), LDNS_RR_CLASS_IN, LDNS_RD));
  if (!pkt) return fail("cannot build a DNS query");
  ldns_pkt_set_id(pkt.get(), question.id);
  if (question.edns) ldns_pkt_set_edns_udp_size(pkt.get(), kEdnsUdpSize);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK || !wire) return fail("cannot encode a DNS query");
  std::vector<std::uint8_t> out(wire, wire + size);
  std::free(wire);
  return out;
}

Result<Reply> parse_reply(const std::vector<std::uint8_t>& wire, const Question& question) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK || !raw) return fail("malformed DNS message");
  PktPtr pkt(raw);
  if (ldns_pkt_id(pkt.get()) != question.id) return fail("reply with another ID");
  if (!ldns_pkt_qr(pkt.get()) || ldns_pkt_get_opcode(pkt.get()) != LDNS_PACKET_QUERY) return fail("not a reply");
  const ldns_rr_list* asked = ldns_pkt_question(pkt.get());
  if (!asked || ldns_rr_list_rr_count(asked) != 1) return fail("reply without our question");
  const ldns_rr* q = ldns_rr_list_rr(asked, 0);
  if (dname_text(ldns_rr_owner(q)) != question.name || ldns_rr_get_type(q) != static_cast<ldns_rr_type>(question.type) ||
      ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
    return fail("reply to another question");
  }

  Reply reply;
  reply.rcode = ldns_pkt_get_rcode(pkt.get());
  reply.truncated = ldns_pkt_tc(pkt.get());
  reply.final_name = question.name;
  if (reply.truncated) return reply;

  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  std::size_t count = answer ? ldns_rr_list_rr_count(answer) : 0;
  bool chain_cut = false;
  for (int hop = 0;; ++hop) {
    const ldns_rr* cname = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN || dname_text(ldns_rr_owner(rr)) != reply.final_name) continue;
      auto type = ldns_rr_get_type(rr);
      if (type == static_cast<ldns_rr_type>(question.type)) {
        Record record;
        if (read_record(rr, question.type, record)) reply.records.push_back(std::move(record));
      } else if (type == LDNS_RR_TYPE_CNAME && !cname) {
        cname = rr;
      }
    }
    if (!reply.records.empty() || !cname) break;
    Record target;
    if (hop == kMaxCnameChain) {
      chain_cut = true;
      break;
    }
    if (!read_record(cname, RrType::cname, target)) break;
    reply.chain_ttl = std::min(reply.chain_ttl, target.ttl);
    reply.final_name = target.data;
    ++reply.cnames_followed;
  }

  const ldns_rr_list* authority = ldns_pkt_authority(pkt.get());
  for (std::size_t i = 0; authority && i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    Record soa;
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && read_record(rr, RrType::soa, soa)) {
      reply.has_soa = true;
      reply.negative_ttl = std::min(soa.ttl, ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
    } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
      reply.referral = true;
    }
  }
  reply.referral = reply.referral && !reply.has_soa && reply.rcode == kRcodeNoError && reply.records.empty() &&
                   reply.cnames_followed == 0;
  reply.chain_incomplete = chain_cut || (reply.rcode == kRcodeNoError && reply.records.empty() &&
                                         reply.final_name != question.name && !reply.has_soa);
  return reply;
}

}  // namespace roost::dns

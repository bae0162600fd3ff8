// DNS messages on the wire, built and parsed with ldns: one question out, the records that answer it
// back, with the checks that tie a reply to its query (ID, QR bit, question; RFC 5452 9.1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace roost::dns {

enum class RrType : std::uint16_t { a = 1, cname = 5, soa = 6, ptr = 12, mx = 15, txt = 16, aaaa = 28 };

inline constexpr std::uint16_t kEdnsUdpSize = 1232;  // DNS flag day 2020: no IP fragmentation
inline constexpr int kMaxCnameChain = 8;             // CNAMEs followed for one lookup

// RCODEs of RFC 1035 4.1.1 that the resolver tells apart.
inline constexpr int kRcodeNoError = 0;
inline constexpr int kRcodeFormErr = 1;
inline constexpr int kRcodeServFail = 2;
inline constexpr int kRcodeNxDomain = 3;

struct Record {
  std::string name;              // owner, canonical (lower case, no trailing dot)
  std::uint32_t ttl = 0;
  std::uint16_t preference = 0;  // MX only
  // A, AAAA: the address as text. MX, PTR, CNAME: the host name, canonical ("." for the root, as in a
  // null MX). TXT: the character-strings joined without separator (RFC 7208 3.3, RFC 6376 3.6.2.2).
  std::string data;
};

struct Question {
  std::uint16_t id = 0;
  std::string name;  // canonical
  RrType type = RrType::a;
  bool edns = true;  // off only for a server that answered FORMERR to EDNS (RFC 6891 7)
};

// The query in wire form: RD set (we ask a recursive resolver), EDNS0 with kEdnsUdpSize unless
// question.edns is false.
Result<std::vector<std::uint8_t>> build_query(const Question& question);

struct Reply {
  int rcode = kRcodeNoError;
  bool truncated = false;
  // Records of the asked type owned by final_name, after following CNAMEs found in the answer.
  std::vector<Record> records;
  std::string final_name;          // the end of the CNAME chain; the question's name without one
  std::uint32_t chain_ttl = UINT32_MAX;  // smallest TTL of the CNAMEs followed
  int cnames_followed = 0;
  // The chain ends at a name for which the reply holds nothing and says nothing (no SOA): that name
  // has to be asked for itself (an authoritative server does not follow CNAMEs out of its zones).
  bool chain_incomplete = false;
  // RFC 2308 5: a negative answer may be cached for min(SOA TTL, SOA MINIMUM); without an SOA in the
  // authority section it should not be cached at all.
  bool has_soa = false;
  std::uint32_t negative_ttl = 0;
  // An empty answer that only points at other nameservers (NS records, no SOA): the server did not
  // recurse, so the reply says nothing about the name (RFC 1034 4.3.1).
  bool referral = false;
};

// Parses `wire` as the reply to `question`. An error means the message is not a reply to it (bad
// form, another ID, not a response, another question) and must be ignored, not believed.
Result<Reply> parse_reply(const std::vector<std::uint8_t>& wire, const Question& question);

}  // namespace roost::dns

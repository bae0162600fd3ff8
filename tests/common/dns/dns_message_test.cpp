// Tests for DNS messages: the query we send and what we believe of a reply.
#include "common/dns/dns_message.h"

// Before ldns: without it ldns/common.h defines bool, true and false as macros.
#include <stdbool.h>
#include <ldns/ldns.h>

#include <cstdlib>
#include <stdexcept>

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

using Wire = std::vector<std::uint8_t>;

struct Shape {
  std::uint16_t id = 4711;
  bool response = true;
  std::string question = "host.a.test. IN A";
  std::vector<std::string> answer;
  std::vector<std::string> authority;
};

Wire message(const Shape& shape) {
  ldns_pkt* pkt = ldns_pkt_new();
  ldns_pkt_set_id(pkt, shape.id);
  ldns_pkt_set_qr(pkt, shape.response);
  ldns_rr* q = nullptr;
  if (ldns_rr_new_question_frm_str(&q, shape.question.c_str(), nullptr, nullptr) != LDNS_STATUS_OK) {
    throw std::runtime_error("bad question " + shape.question);
  }
  ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
  auto push = [&](const std::vector<std::string>& rrs, ldns_pkt_section section) {
    for (const auto& text : rrs) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 300, nullptr, nullptr) != LDNS_STATUS_OK) {
        throw std::runtime_error("bad record " + text);
      }
      ldns_pkt_push_rr(pkt, section, rr);
    }
  };
  push(shape.answer, LDNS_SECTION_ANSWER);
  push(shape.authority, LDNS_SECTION_AUTHORITY);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_pkt2wire(&wire, pkt, &size);
  Wire out(wire, wire + size);
  std::free(wire);
  ldns_pkt_free(pkt);
  return out;
}

const Question kAsked{4711, "host.a.test", RrType::a};

TEST(DnsMessage, QueryCarriesIdQuestionRecursionDesiredAndEdns) {
  auto wire = build_query(Question{0xbeef, "mail.example.org", RrType::mx});
  ASSERT_TRUE(wire.ok()) << wire.error().message;
  ldns_pkt* pkt = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&pkt, wire->data(), wire->size()), LDNS_STATUS_OK);
  EXPECT_EQ(ldns_pkt_id(pkt), 0xbeef);
  EXPECT_TRUE(ldns_pkt_rd(pkt));
  EXPECT_FALSE(ldns_pkt_qr(pkt));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt), kEdnsUdpSize);
  ASSERT_EQ(ldns_pkt_qdcount(pkt), 1);
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  EXPECT_EQ(ldns_rr_get_type(q), LDNS_RR_TYPE_MX);
  char* owner = ldns_rdf2str(ldns_rr_owner(q));
  EXPECT_STREQ(owner, "mail.example.org.");
  std::free(owner);
  ldns_pkt_free(pkt);
}

TEST(DnsMessage, RecordsForOtherNamesAreNotBelieved) {
  Shape s;
  s.answer = {"other.test. 300 IN A 198.51.100.66", "host.a.test. 300 IN A 192.0.2.1",
              "host.a.test. 300 IN AAAA 2001:db8::1"};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_EQ(reply->records.size(), 1u);
  EXPECT_EQ(reply->records[0].data, "192.0.2.1");
}

TEST(DnsMessage, CnameChainInOneReplyIsFollowed) {
  Shape s;
  s.answer = {"host.a.test. 600 IN CNAME Step.B.test.", "step.b.test. 100 IN CNAME end.b.test.",
              "end.b.test. 300 IN A 192.0.2.9"};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->final_name, "end.b.test");
  EXPECT_EQ(reply->chain_ttl, 100u);
  EXPECT_EQ(reply->cnames_followed, 2);
  EXPECT_FALSE(reply->chain_incomplete);
  ASSERT_EQ(reply->records.size(), 1u);
  EXPECT_EQ(reply->records[0].data, "192.0.2.9");
}

TEST(DnsMessage, CnameWithoutTargetRecordsMustBeAskedAgain) {
  Shape s;
  s.answer = {"host.a.test. 600 IN CNAME elsewhere.b.test."};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->chain_incomplete);
  EXPECT_EQ(reply->final_name, "elsewhere.b.test");
}

TEST(DnsMessage, EmptyAnswerWithSoaIsCacheableNoData) {
  Shape s;
  s.authority = {"a.test. 900 IN SOA ns.a.test. admin.a.test. 1 3600 600 86400 60"};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->records.empty());
  EXPECT_FALSE(reply->chain_incomplete);
  EXPECT_TRUE(reply->has_soa);
  EXPECT_EQ(reply->negative_ttl, 60u) << "RFC 2308 5: min(SOA TTL, MINIMUM)";
}

TEST(DnsMessage, EmptyAnswerWithOnlyNsIsAReferralNotNoData) {
  Shape s;
  s.authority = {"a.test. 900 IN NS ns.a.test."};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->referral);
  Shape with_soa;
  with_soa.authority = {"a.test. 900 IN NS ns.a.test.", "a.test. 900 IN SOA ns.a.test. admin.a.test. 1 3600 600 86400 60"};
  EXPECT_FALSE(parse_reply(message(with_soa), kAsked)->referral);
  Shape with_answer;
  with_answer.answer = {"host.a.test. 300 IN A 192.0.2.1"};
  with_answer.authority = {"a.test. 900 IN NS ns.a.test."};
  EXPECT_FALSE(parse_reply(message(with_answer), kAsked)->referral);
}

TEST(DnsMessage, TxtCharacterStringsAreJoined) {
  Shape s;
  s.question = "host.a.test. IN TXT";
  s.answer = {"host.a.test. 300 IN TXT \"v=DKIM1; \" \"p=abc\""};
  auto reply = parse_reply(message(s), Question{4711, "host.a.test", RrType::txt});
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->records.size(), 1u);
  EXPECT_EQ(reply->records[0].data, "v=DKIM1; p=abc");
}

TEST(DnsMessage, MessagesThatAreNotOurReplyAreRejected) {
  Shape other_id;
  other_id.id = 4712;
  Shape query;
  query.response = false;
  Shape other_name;
  other_name.question = "host.b.test. IN A";
  Shape other_type;
  other_type.question = "host.a.test. IN AAAA";
  for (const Shape& s : {other_id, query, other_name, other_type}) {
    EXPECT_FALSE(parse_reply(message(s), kAsked).ok()) << s.question << " id " << s.id;
  }
  EXPECT_FALSE(parse_reply(Wire{0x12, 0x67, 0x81}, kAsked).ok()) << "a short message";
}

TEST(DnsMessage, QuestionNameMatchesWhateverItsCase) {
  Shape s;
  s.question = "HOST.A.Test. IN A";
  s.answer = {"HOST.a.TEST. 300 IN A 192.0.2.1"};
  auto reply = parse_reply(message(s), kAsked);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->records.size(), 1u);
}

}  // namespace
}  // namespace roost::dns

// Tests for common/sasl/sasl_server: PLAIN (RFC 4616) and LOGIN exchanges with and without initial
// responses, cancellation, the authzid rule, and every malformed response.
#include "common/sasl/sasl_server.h"

#include <gtest/gtest.h>

#include <string>

#include "common/mail/base64.h"

namespace roost::sasl {
namespace {

using namespace std::string_literals;
using mail::base64_encode;

SaslServer make(std::string_view mechanism) {
  auto s = SaslServer::create(mechanism);
  if (!s.ok()) std::abort();
  return std::move(s).value();
}

const Credentials& done(const Step& step) {
  const auto* d = std::get_if<Done>(&step);
  if (d == nullptr) {
    ADD_FAILURE() << "step is not Done (index " << step.index() << ")";
    static const Credentials kNone;
    return kNone;
  }
  return d->credentials;
}

std::string challenge(const Step& step) {
  const auto* c = std::get_if<Challenge>(&step);
  if (c == nullptr) {
    ADD_FAILURE() << "step is not Challenge (index " << step.index() << ")";
    return "<none>";
  }
  return c->data;
}

std::string malformed(const Step& step) {
  const auto* m = std::get_if<Malformed>(&step);
  if (m == nullptr) {
    ADD_FAILURE() << "step is not Malformed (index " << step.index() << ")";
    return {};
  }
  EXPECT_FALSE(m->reason.empty());
  return m->reason;
}

TEST(SaslServer, MechanismNamesAreCaseInsensitive) {
  for (const char* name : {"PLAIN", "plain", "Plain"}) {
    auto s = SaslServer::create(name);
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_EQ(s->mechanism(), Mechanism::plain);
  }
  for (const char* name : {"LOGIN", "login", "LoGiN"}) {
    auto s = SaslServer::create(name);
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_EQ(s->mechanism(), Mechanism::login);
  }
}

TEST(SaslServer, UnknownMechanismIsAnErrorValue) {
  for (const char* name : {"CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2", "", "PLAIN ", "PLAINX", "GSSAPI"}) {
    auto s = SaslServer::create(name);
    EXPECT_FALSE(s.ok()) << name;
    if (!s.ok()) {
      EXPECT_FALSE(s.error().message.empty());
    }
  }
}

TEST(SaslServer, PlainWithInitialResponseIsDoneAtOnce) {
  SaslServer s = make("PLAIN");
  Step step = s.start(base64_encode("\0alice\0secret"s));
  const Credentials& c = done(step);
  EXPECT_EQ(c.authzid, "");
  EXPECT_EQ(c.authcid, "alice");
  EXPECT_EQ(c.password.view(), "secret");
  EXPECT_TRUE(s.finished());
}

TEST(SaslServer, PlainWithoutInitialResponseSendsEmptyChallenge) {
  SaslServer s = make("PLAIN");
  EXPECT_EQ(challenge(s.start(std::nullopt)), "");
  EXPECT_FALSE(s.finished());
  Step step = s.receive(base64_encode("\0alice\0secret"s));
  EXPECT_EQ(done(step).authcid, "alice");
  EXPECT_EQ(done(step).password.view(), "secret");
  EXPECT_TRUE(s.finished());
}

TEST(SaslServer, PlainEqualsSignIsAnEmptyInitialResponseAndMalformed) {
  // RFC 4954 4: "=" is a zero-length initial response; PLAIN needs a user and password.
  SaslServer s = make("PLAIN");
  malformed(s.start("="));
  EXPECT_TRUE(s.finished());
}

TEST(SaslServer, PlainEmptyLineAfterChallengeIsMalformed) {
  SaslServer s = make("PLAIN");
  challenge(s.start(std::nullopt));
  malformed(s.receive(""));
}

TEST(SaslServer, EmptyInitialResponseWithoutEqualsSignIsMalformed) {
  SaslServer s = make("PLAIN");
  malformed(s.start(""));
}

TEST(SaslServer, PlainAuthzidEqualToAuthcidIsAllowed) {
  SaslServer s = make("PLAIN");
  Step step = s.start(base64_encode("alice\0alice\0secret"s));
  const Credentials& c = done(step);
  EXPECT_EQ(c.authzid, "alice");
  EXPECT_EQ(c.authcid, "alice");
}

TEST(SaslServer, PlainDifferentAuthzidIsReportedDistinctly) {
  SaslServer s = make("PLAIN");
  Step step = s.start(base64_encode("bob\0alice\0secret"s));
  const auto* f = std::get_if<ForeignAuthzid>(&step);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->authzid, "bob");
  EXPECT_EQ(f->authcid, "alice");
  EXPECT_TRUE(s.finished());
}

TEST(SaslServer, PlainAuthzidComparisonIsExact) {
  // Case differs: the identities are not the same string, so this is a proxy request.
  SaslServer s = make("PLAIN");
  Step step = s.start(base64_encode("Alice\0alice\0secret"s));
  EXPECT_TRUE(std::holds_alternative<ForeignAuthzid>(step));
}

TEST(SaslServer, PlainPasswordMayHoldAnyNonNulBytes) {
  SaslServer s = make("PLAIN");
  std::string password = "p\xe4ss w\x01rd=:*";
  Step step = s.start(base64_encode("\0alice\0"s + password));
  const Credentials& c = done(step);
  EXPECT_EQ(c.password.view(), password);
}

TEST(SaslServer, PlainMalformedMessagesAreRefused) {
  const std::string kMalformed[] = {
      "alice secret",              // no NUL
      "\0alice"s,                  // one NUL
      "\0\0secret"s,               // empty authcid
      "\0alice\0"s,                // empty password
      "\0alice\0sec\0ret"s,        // NUL inside the password
      "a\0b\0c\0d"s,               // three NULs
      ""s,                         // empty
      "\0"s,
      "\0\0"s,
      "\0\xff\xfe\0secret"s,       // authcid not UTF-8
      "\xc3\0alice\0secret"s,      // authzid not UTF-8
      "\0"s + std::string(256, 'u') + "\0secret"s,            // authcid over 255
      std::string(256, 'z') + "\0alice\0secret"s,             // authzid over 255
      "\0alice\0"s + std::string(1025, 'p'),                 // password over 1024
  };
  for (const auto& message : kMalformed) {
    SaslServer s = make("PLAIN");
    Step step = s.start(base64_encode(message));
    EXPECT_TRUE(std::holds_alternative<Malformed>(step)) << base64_encode(message);
    EXPECT_TRUE(s.finished());
  }
}

TEST(SaslServer, PlainBoundsAreInclusive) {
  SaslServer s = make("PLAIN");
  std::string user(255, 'u');
  std::string password(1024, 'p');
  Step step = s.start(base64_encode(user + "\0"s + user + "\0"s + password));
  EXPECT_EQ(done(step).authcid, user);
  EXPECT_EQ(done(step).password.size(), 1024u);
}

TEST(SaslServer, BadBase64IsMalformed) {
  for (const char* text : {"!!!", "AGFsaWNl AHNlY3JldA==", "AGFsaWNlAHNlY3JldA", "AGFsaWNlAHNlY3JldA=\r",
                           "AGFsaWNlAHNlY3JldA===", "=AGFsaWNlAHNlY3JldA="}) {
    SaslServer s = make("PLAIN");
    malformed(s.start(text));
    SaslServer t = make("PLAIN");
    challenge(t.start(std::nullopt));
    malformed(t.receive(text));
  }
}

TEST(SaslServer, OverLongResponseIsRefusedBeforeDecoding) {
  SaslServer s = make("PLAIN");
  challenge(s.start(std::nullopt));
  EXPECT_EQ(malformed(s.receive(std::string(100000, 'A'))), "the response is too long");
}

TEST(SaslServer, StarCancelsTheExchange) {
  SaslServer s = make("PLAIN");
  challenge(s.start(std::nullopt));
  EXPECT_TRUE(std::holds_alternative<Cancelled>(s.receive("*")));
  EXPECT_TRUE(s.finished());

  SaslServer l = make("LOGIN");
  challenge(l.start(std::nullopt));
  challenge(l.receive(base64_encode("alice")));
  EXPECT_TRUE(std::holds_alternative<Cancelled>(l.receive("*")));
}

TEST(SaslServer, StarAsInitialResponseIsMalformedNotCancel) {
  SaslServer s = make("PLAIN");
  malformed(s.start("*"));
}

TEST(SaslServer, LoginTwoStepAsksUsernameThenPassword) {
  SaslServer s = make("LOGIN");
  EXPECT_EQ(challenge(s.start(std::nullopt)), "Username:");
  EXPECT_EQ(challenge(s.receive(base64_encode("alice"))), "Password:");
  Step step = s.receive(base64_encode("secret"));
  const Credentials& c = done(step);
  EXPECT_EQ(c.authzid, "");
  EXPECT_EQ(c.authcid, "alice");
  EXPECT_EQ(c.password.view(), "secret");
  EXPECT_TRUE(s.finished());
}

TEST(SaslServer, LoginInitialResponseIsTheUserName) {
  SaslServer s = make("LOGIN");
  EXPECT_EQ(challenge(s.start(base64_encode("alice"))), "Password:");
  EXPECT_EQ(done(s.receive(base64_encode("secret"))).authcid, "alice");
}

TEST(SaslServer, LoginEmptyUserOrPasswordIsMalformed) {
  SaslServer a = make("LOGIN");
  malformed(a.start("="));
  SaslServer b = make("LOGIN");
  challenge(b.start(std::nullopt));
  malformed(b.receive(""));
  SaslServer c = make("LOGIN");
  challenge(c.start(std::nullopt));
  challenge(c.receive(base64_encode("alice")));
  malformed(c.receive(""));
}

TEST(SaslServer, LoginFieldsWithNulOrOverBoundsAreMalformed) {
  SaslServer a = make("LOGIN");
  challenge(a.start(std::nullopt));
  malformed(a.receive(base64_encode("ali\0ce"s)));
  SaslServer b = make("LOGIN");
  challenge(b.start(std::nullopt));
  malformed(b.receive(base64_encode(std::string(256, 'u'))));
  SaslServer c = make("LOGIN");
  challenge(c.start(std::nullopt));
  challenge(c.receive(base64_encode("alice")));
  malformed(c.receive(base64_encode("sec\0ret"s)));
  SaslServer d = make("LOGIN");
  challenge(d.start(std::nullopt));
  challenge(d.receive(base64_encode("alice")));
  malformed(d.receive(base64_encode(std::string(1025, 'p'))));
}

TEST(SaslServer, LinesAfterTheEndAreMalformed) {
  SaslServer s = make("PLAIN");
  done(s.start(base64_encode("\0alice\0secret"s)));
  malformed(s.receive(base64_encode("\0alice\0secret"s)));
  malformed(s.start(std::nullopt));
}

TEST(SaslServer, ReceiveBeforeStartIsMalformed) {
  SaslServer s = make("LOGIN");
  malformed(s.receive(base64_encode("alice")));
}

TEST(SaslServer, MalformedReasonsNeverContainThePassword) {
  const std::string password = "hunter2-very-secret";
  const std::string kMessages[] = {
      "\0alice\0"s + password + "\0"s,
      "\0\0"s + password,
      "\0alice\0"s + password + std::string(1100, 'x'),
  };
  for (const auto& message : kMessages) {
    SaslServer s = make("PLAIN");
    Step step = s.start(base64_encode(message));
    std::string reason = malformed(step);
    EXPECT_EQ(reason.find(password), std::string::npos);
    EXPECT_EQ(reason.find(base64_encode(message)), std::string::npos);
  }
}

TEST(SaslSecretString, HoldsValueAndEmptiesOnClear) {
  SecretString s("secret");
  EXPECT_EQ(s.view(), "secret");
  EXPECT_EQ(s.size(), 6u);
  s.clear();
  EXPECT_TRUE(s.empty());
}

TEST(SaslSecretString, MovedFromValueIsEmpty) {
  SecretString a("a long password that is not in the small buffer");
  SecretString b(std::move(a));
  EXPECT_EQ(b.view(), "a long password that is not in the small buffer");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the wipe is the contract
  SecretString c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.view(), "a long password that is not in the small buffer");
  SecretString d(c);
  EXPECT_EQ(d.view(), c.view());
}

}  // namespace
}  // namespace roost::sasl

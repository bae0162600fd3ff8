// imap::Session: greeting, capabilities, state rules, errors, STARTTLS, LOGIN / AUTHENTICATE and
// throttling, LOGOUT, ID, ENABLE, shutdown and timeouts.
#include "imapd/imap_session.h"

#include <gtest/gtest.h>

#include "common/mail/base64.h"
#include "tests/imapd/session_fixture.h"

namespace roost::imap::test {
namespace {

using ImapSession = SessionTest;

TEST_F(ImapSession, GreetingCarriesCapabilities) {
  auto s = open();
  EXPECT_EQ(greeting_.rfind("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", 0), 0u) << greeting_;
  EXPECT_TRUE(has(greeting_, "AUTH=PLAIN"));
  EXPECT_TRUE(has(greeting_, "IDLE"));
  EXPECT_TRUE(has(greeting_, "APPENDLIMIT=52428800"));
  EXPECT_FALSE(has(greeting_, "COMPRESS"));
  EXPECT_TRUE(has(greeting_, "mail.example.org"));
}

TEST_F(ImapSession, LoginDisabledBeforeTls) {
  SessionConfig config = test_config();
  config.plaintext_login = false;
  config.tls_available = true;
  auto s = open(config);
  EXPECT_TRUE(has(greeting_, "STARTTLS"));
  EXPECT_TRUE(has(greeting_, "LOGINDISABLED"));
  EXPECT_FALSE(has(greeting_, "AUTH="));
  std::string out = run(*s, "a1 LOGIN alice@example.org secret\r\n");
  EXPECT_EQ(out, "a1 NO [PRIVACYREQUIRED] Use STARTTLS before logging in\r\n");
  out = run(*s, "a2 AUTHENTICATE PLAIN\r\n");
  EXPECT_TRUE(has(out, "a2 NO [PRIVACYREQUIRED]")) << out;
  EXPECT_EQ(s->user(), "");
}

TEST_F(ImapSession, StartTlsDiscardsPipelinedPlaintextAndStartsOver) {
  SessionConfig config = test_config();
  config.plaintext_login = false;
  config.tls_available = true;
  auto s = open(config);
  std::string out = run(*s, "t1 STARTTLS\r\nt2 LOGIN alice@example.org secret\r\n");
  EXPECT_EQ(out, "t1 OK Begin TLS negotiation now\r\n");
  ASSERT_EQ(count_requests<StartTls>(), 1);
  EXPECT_FALSE(s->tls_active());
  out = run(*s, "t3 NOOP\r\n");  // still plaintext: dropped
  EXPECT_EQ(out, "");
  s->tls_started();
  EXPECT_TRUE(s->tls_active());
  out = run(*s, "t4 CAPABILITY\r\n");
  EXPECT_FALSE(has(out, "STARTTLS"));
  EXPECT_FALSE(has(out, "LOGINDISABLED"));
  EXPECT_TRUE(has(out, "AUTH=PLAIN"));
  out = run(*s, "t5 STARTTLS\r\n");
  EXPECT_EQ(out, "t5 BAD TLS is already active\r\n");
  out = run(*s, "t6 LOGIN alice@example.org secret\r\n");
  EXPECT_TRUE(has(out, "t6 OK [CAPABILITY ")) << out;
}

TEST_F(ImapSession, StartTlsNotOfferedWithoutCertificate) {
  auto s = open();
  EXPECT_FALSE(has(greeting_, "STARTTLS"));
  EXPECT_EQ(run(*s, "a STARTTLS\r\n"), "a BAD STARTTLS is not available\r\n");
}

TEST_F(ImapSession, LoginSucceedsAndCapabilitiesChange) {
  auto s = open();
  std::string out = run(*s, "a1 LOGIN alice@example.org secret\r\n");
  EXPECT_EQ(out.rfind("a1 OK [CAPABILITY IMAP4rev1 ", 0), 0u) << out;
  EXPECT_FALSE(has(out, "AUTH="));
  EXPECT_EQ(s->user(), "alice@example.org");
  EXPECT_EQ(env_.successes, 1);
  EXPECT_EQ(run(*s, "a2 LOGIN alice@example.org secret\r\n"), "a2 BAD Already authenticated\r\n");
}

TEST_F(ImapSession, WrongPasswordIsDelayedAndCounted) {
  auto s = open();
  std::string out = run(*s, "a1 LOGIN alice@example.org wrong\r\n");
  EXPECT_EQ(out, "a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
  EXPECT_EQ(env_.failures, 1);
  ASSERT_EQ(count_requests<DelayOutput>(), 1);
  EXPECT_EQ(std::get<DelayOutput>(requests_.front()).delay, std::chrono::milliseconds(250));
  EXPECT_EQ(s->user(), "");
}

TEST_F(ImapSession, TooManyFailedLoginsEndTheSession) {
  auto s = open();
  std::string out = run(*s, "a1 LOGIN alice@example.org x\r\na2 LOGIN alice@example.org y\r\n"
                            "a3 LOGIN alice@example.org z\r\na4 NOOP\r\n");
  EXPECT_TRUE(has(out, "a3 NO [AUTHENTICATIONFAILED]")) << out;
  EXPECT_TRUE(has(out, "* BYE Too many failed logins\r\n")) << out;
  EXPECT_FALSE(has(out, "a4"));
  EXPECT_TRUE(s->closed());
  EXPECT_EQ(count_requests<Close>(), 1);
}

TEST_F(ImapSession, LockedOutLoginIsUnavailable) {
  env_.locked_out = true;
  auto s = open();
  EXPECT_EQ(run(*s, "a1 LOGIN alice@example.org secret\r\n"),
            "a1 NO [UNAVAILABLE] Too many failed logins, try again later\r\n");
  EXPECT_EQ(s->user(), "");
}

TEST_F(ImapSession, AuthenticatePlainWithInitialResponse) {
  auto s = open();
  std::string ir = mail::base64_encode(std::string("\0alice@example.org\0secret", 25));
  std::string out = run(*s, "a1 AUTHENTICATE PLAIN " + ir + "\r\n");
  EXPECT_TRUE(has(out, "a1 OK [CAPABILITY ")) << out;
  EXPECT_EQ(s->user(), "alice@example.org");
}

TEST_F(ImapSession, AuthenticateLoginWithContinuations) {
  auto s = open();
  std::string out = run(*s, "a1 AUTHENTICATE LOGIN\r\n");
  EXPECT_EQ(out.rfind("+ ", 0), 0u) << out;
  out = run(*s, mail::base64_encode("alice@example.org") + "\r\n");
  EXPECT_EQ(out.rfind("+ ", 0), 0u) << out;
  out = run(*s, mail::base64_encode("secret") + "\r\n");
  EXPECT_TRUE(has(out, "a1 OK [CAPABILITY ")) << out;
}

TEST_F(ImapSession, AuthenticateCancelledWithStar) {
  auto s = open();
  run(*s, "a1 AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(run(*s, "*\r\n"), "a1 BAD Authentication cancelled\r\n");
  EXPECT_TRUE(has(run(*s, "a2 NOOP\r\n"), "a2 OK"));
}

TEST_F(ImapSession, AuthenticateUnknownMechanism) {
  auto s = open();
  EXPECT_EQ(run(*s, "a1 AUTHENTICATE CRAM-MD5\r\n"), "a1 NO [CANNOT] Unsupported authentication mechanism\r\n");
}

TEST_F(ImapSession, DisabledAccountIsNotAuthorized) {
  ASSERT_TRUE(wv([id = account_](store::WriteCtx& w) { return store::set_enabled(w, id, false); }).ok());
  auto s = open();
  EXPECT_EQ(run(*s, "a1 LOGIN alice@example.org secret\r\n"), "a1 NO [AUTHORIZATIONFAILED] Account disabled\r\n");
}

TEST_F(ImapSession, CommandsNeedTheirState) {
  auto s = open();
  EXPECT_EQ(run(*s, "a1 SELECT INBOX\r\n"), "a1 BAD Not authenticated\r\n");
  EXPECT_EQ(run(*s, "a2 FETCH 1 FLAGS\r\n"), "a2 BAD Not authenticated\r\n");
  run(*s, "l LOGIN alice@example.org secret\r\n");
  EXPECT_EQ(run(*s, "a3 FETCH 1 FLAGS\r\n"), "a3 BAD No mailbox selected\r\n");
  EXPECT_EQ(run(*s, "a4 EXPUNGE\r\n"), "a4 BAD No mailbox selected\r\n");
}

TEST_F(ImapSession, BadCommandKeepsTheConnection) {
  auto s = open();
  std::string out = run(*s, "a1 FROB\r\na2 NOOP\r\n");
  EXPECT_TRUE(has(out, "a1 BAD")) << out;
  EXPECT_TRUE(has(out, "a2 OK NOOP completed")) << out;
  EXPECT_FALSE(s->closed());
}

TEST_F(ImapSession, TooManyErrorsInARowEndWithBye) {
  SessionConfig config = test_config();
  config.limits.max_errors = 3;
  auto s = open(config);
  std::string out = run(*s, "a1 FROB\r\na2 NOOP\r\na3 FROB\r\na4 FROB\r\na5 FROB\r\na6 NOOP\r\n");
  EXPECT_TRUE(has(out, "a2 OK")) << out;  // a good command resets the count
  EXPECT_TRUE(has(out, "a5 BAD")) << out;
  EXPECT_TRUE(has(out, "* BYE Too many errors\r\n")) << out;
  EXPECT_FALSE(has(out, "a6"));
  EXPECT_TRUE(s->closed());
}

TEST_F(ImapSession, LogoutSaysByeAndCloses) {
  auto s = open();
  EXPECT_EQ(run(*s, "a1 LOGOUT\r\n"), "* BYE Logging out\r\na1 OK Logout completed\r\n");
  EXPECT_TRUE(s->closed());
  EXPECT_EQ(count_requests<Close>(), 1);
}

TEST_F(ImapSession, IdNamesTheServer) {
  auto s = open();
  EXPECT_EQ(run(*s, "a1 ID (\"name\" \"mutt\")\r\n"), "* ID (\"name\" \"Roost\")\r\na1 OK ID completed\r\n");
  EXPECT_EQ(run(*s, "a2 ID NIL\r\n"), "* ID (\"name\" \"Roost\")\r\na2 OK ID completed\r\n");
}

TEST_F(ImapSession, EnableListsWhatItEnabled) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 ENABLE CONDSTORE X-UNKNOWN\r\n"), "* ENABLED CONDSTORE\r\na1 OK Enabled\r\n");
  EXPECT_EQ(run(*s, "a2 ENABLE CONDSTORE QRESYNC\r\n"), "* ENABLED QRESYNC\r\na2 OK Enabled\r\n");
  EXPECT_EQ(run(*s, "a3 ENABLE IMAP4rev2\r\n"), "* ENABLED IMAP4rev2\r\na3 OK Enabled\r\n");
  EXPECT_EQ(run(*s, "a4 ENABLE IMAP4rev2\r\n"), "* ENABLED\r\na4 OK Enabled\r\n");
}

TEST_F(ImapSession, CompressIsRefused) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 COMPRESS DEFLATE\r\n"), "a1 NO [CANNOT] Compression is not offered\r\n");
}

TEST_F(ImapSession, StopSaysByeAndCloses) {
  auto s = logged_in();
  s->stop();
  EXPECT_EQ(drain(*s), "* BYE Server shutting down\r\n");
  EXPECT_TRUE(s->closed());
  EXPECT_EQ(count_requests<Close>(), 1);
}

TEST_F(ImapSession, TimeoutSaysAutologout) {
  auto s = logged_in();
  s->timed_out();
  EXPECT_EQ(drain(*s), "* BYE Autologout; idle for too long\r\n");
  EXPECT_TRUE(s->closed());
}

TEST_F(ImapSession, InputFullAboveTheLimit) {
  SessionConfig config = test_config();
  config.limits.max_pending_input = 16;
  auto s = open(config);
  s->receive("a1 NOOP\r\na2 NOOP\r\na3 NOOP\r\n");
  EXPECT_TRUE(s->input_full());
  std::string out = drain(*s);
  EXPECT_FALSE(s->input_full());
  EXPECT_TRUE(has(out, "a3 OK")) << out;
}

TEST_F(ImapSession, ScriptGivesTheSameAnswerWholeAndBytewise) {
  const std::string script =
      "a1 LOGIN {17+}\r\nalice@example.org \"secret\"\r\na2 SELECT INBOX\r\na3 NOOP\r\na4 FROB\r\na5 LOGOUT\r\n";
  auto whole = open();
  std::string a = run(*whole, script);
  auto bytewise = open();
  std::string b = run_bytewise(*bytewise, script);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(has(a, "a2 OK [READ-WRITE]")) << a;
  EXPECT_TRUE(has(a, "a5 OK")) << a;
}

TEST_F(ImapSession, SaslAndIdleScriptGivesTheSameAnswerWholeAndBytewise) {
  const std::string script = "a1 AUTHENTICATE PLAIN\r\n" +
                             mail::base64_encode(std::string("\0alice@example.org\0secret", 25)) +
                             "\r\na2 SELECT INBOX\r\na3 IDLE\r\nDONE\r\na4 LOGOUT\r\n";
  auto whole = open();
  std::string a = run(*whole, script);
  auto bytewise = open();
  std::string b = run_bytewise(*bytewise, script);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(has(a, "+ idling\r\na3 OK IDLE terminated\r\n")) << a;
  EXPECT_TRUE(has(a, "a4 OK")) << a;
}

TEST_F(ImapSession, AuthenticateMalformedResponseIsBad) {
  auto s = open();
  run(*s, "a1 AUTHENTICATE PLAIN\r\n");
  std::string out = run(*s, "!!!not-base64\r\n");
  EXPECT_EQ(out.rfind("a1 BAD ", 0), 0u) << out;
  EXPECT_EQ(s->user(), "");
}

TEST_F(ImapSession, OverlongSaslLineEndsTheExchange) {
  auto s = open();
  run(*s, "a1 AUTHENTICATE PLAIN\r\n");
  std::string out = run(*s, std::string(9000, 'A') + "\r\na2 NOOP\r\n");
  EXPECT_TRUE(has(out, "* BAD Line too long\r\na1 BAD Authentication aborted\r\n")) << out;
  EXPECT_TRUE(has(out, "a2 OK NOOP completed")) << out;
}

TEST_F(ImapSession, SynchronisingLiteralGetsAContinuation) {
  auto s = open();
  EXPECT_EQ(run(*s, "a1 LOGIN {17}\r\n"), "+ Ready for literal data\r\n");
  std::string out = run(*s, "alice@example.org secret\r\n");
  EXPECT_TRUE(has(out, "a1 OK [CAPABILITY ")) << out;
}

TEST_F(ImapSession, NamespaceIsPersonalOnly) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a NAMESPACE\r\n"), "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\na OK NAMESPACE completed\r\n");
}

}  // namespace
}  // namespace roost::imap::test

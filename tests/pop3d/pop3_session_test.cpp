// The POP3 session without I/O: every command in every state, STLS, AUTH, the maildrop rules.
#include "pop3d/pop3_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/mail/base64.h"

namespace roost::pop3 {
namespace {

Maildrop sample_maildrop() {
  Maildrop m;
  m.account_id = 7;
  m.account = "alice@example.org";
  m.mailbox_id = 3;
  m.uidvalidity = 0x65000000;
  m.messages = {{1, 100, 11}, {5, 200, 12}, {9, 300, 13}};
  return m;
}

SessionConfig tls_config() {
  SessionConfig c;
  c.hostname = "mail.example.org";
  c.tls_available = true;
  c.implicit_tls = true;
  return c;
}

SessionConfig plain_config() {
  SessionConfig c = tls_config();
  c.implicit_tls = false;
  return c;
}

// Feeds a script of CRLF lines and collects the output and the requests.
class Harness {
 public:
  explicit Harness(SessionConfig config) : session(std::move(config)) { drain(); }

  // Sends each CRLF-terminated line of `script`; returns the output produced meanwhile.
  std::string send(std::string_view script) {
    out.clear();
    while (!script.empty()) {
      auto end = script.find("\r\n");
      std::string_view line = script.substr(0, end);
      session.receive_line(line);
      drain();
      if (end == std::string_view::npos) break;
      script.remove_prefix(end + 2);
    }
    return out;
  }

  void drain() {
    out += session.take_output();
    while (auto r = session.next_request()) requests.push_back(std::move(*r));
  }

  template <typename T>
  T* last() {
    return requests.empty() ? nullptr : std::get_if<T>(&requests.back());
  }

  template <typename T>
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto& r : requests) n += std::holds_alternative<T>(r) ? 1 : 0;
    return n;
  }

  std::string complete(AuthResult result) {
    out.clear();
    session.complete(std::move(result));
    drain();
    return out;
  }

  std::string login() {
    send("USER alice@example.org\r\nPASS secret\r\n");
    EXPECT_NE(last<Authenticate>(), nullptr);
    return complete(AuthResult{AuthVerdict::ok, sample_maildrop()});
  }

  // RETR/TOP: answers the Fetch with `bytes` in one chunk.
  std::string fetch(std::string_view command, std::string_view bytes) {
    send(command);
    out.clear();
    session.complete(FetchResult{FetchVerdict::ok});
    session.message_data(bytes);
    session.message_end();
    drain();
    return out;
  }

  Session session;
  std::string out;
  std::vector<Request> requests;
};

TEST(Pop3Session, GreetingIsPositive) {
  Harness h(tls_config());
  EXPECT_EQ(h.out, "+OK mail.example.org POP3 server ready\r\n");
  EXPECT_EQ(h.session.state(), State::authorization);
}

TEST(Pop3Session, CapaBeforeTlsOffersStlsButNoLogin) {
  Harness h(plain_config());
  std::string capa = h.send("CAPA\r\n");
  EXPECT_EQ(capa.rfind("+OK", 0), 0u);
  EXPECT_NE(capa.find("\r\nSTLS\r\n"), std::string::npos);
  EXPECT_EQ(capa.find("\r\nUSER\r\n"), std::string::npos);
  EXPECT_EQ(capa.find("SASL"), std::string::npos);
  for (const char* c : {"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION Roost"}) {
    EXPECT_NE(capa.find(std::string("\r\n") + c + "\r\n"), std::string::npos) << c;
  }
  EXPECT_EQ(capa.find("EXPIRE"), std::string::npos);
  EXPECT_EQ(capa.find("LOGIN-DELAY"), std::string::npos);
  EXPECT_TRUE(capa.ends_with("\r\n.\r\n"));
}

TEST(Pop3Session, CapaOverTlsOffersUserAndSaslButNotStls) {
  Harness h(tls_config());
  std::string capa = h.send("CAPA\r\n");
  EXPECT_NE(capa.find("\r\nUSER\r\n"), std::string::npos);
  EXPECT_NE(capa.find("\r\nSASL PLAIN LOGIN\r\n"), std::string::npos);
  EXPECT_EQ(capa.find("STLS"), std::string::npos);
}

TEST(Pop3Session, CapaInTransactionStateListsNoLoginCapabilities) {
  Harness h(tls_config());
  h.login();
  std::string capa = h.send("CAPA\r\n");
  EXPECT_EQ(capa.find("USER"), std::string::npos);
  EXPECT_NE(capa.find("UIDL"), std::string::npos);
}

TEST(Pop3Session, UserIsRefusedBeforeTlsWithAuthCode) {
  Harness h(plain_config());
  EXPECT_EQ(h.send("USER alice@example.org\r\n").rfind("-ERR [AUTH] ", 0), 0u);
  EXPECT_EQ(h.send("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").rfind("-ERR [AUTH] ", 0), 0u);
  EXPECT_EQ(h.count<Authenticate>(), 0u);
}

TEST(Pop3Session, UserIsAllowedWithoutTlsWhenConfigured) {
  SessionConfig c = plain_config();
  c.plaintext_login = true;
  Harness h(c);
  EXPECT_EQ(h.send("USER alice@example.org\r\n"), "+OK Send the password\r\n");
}

TEST(Pop3Session, StlsStartsTlsDiscardsPipelinedCommandsAndThenAllowsLogin) {
  Harness h(plain_config());
  EXPECT_EQ(h.send("STLS\r\nCAPA\r\n"), "+OK Begin TLS negotiation\r\n");
  ASSERT_NE(h.last<StartTls>(), nullptr);
  EXPECT_TRUE(h.session.busy());
  h.out.clear();
  h.session.tls_started();
  h.drain();
  EXPECT_EQ(h.out, "");  // RFC 2595 4: the CAPA sent in plaintext after STLS is discarded
  EXPECT_TRUE(h.session.tls_active());
  EXPECT_EQ(h.send("USER alice@example.org\r\n"), "+OK Send the password\r\n");
}

TEST(Pop3Session, StlsIsRefusedWhenTlsIsActiveUnavailableOrAfterLogin) {
  Harness tls(tls_config());
  EXPECT_EQ(tls.send("STLS\r\n").rfind("-ERR", 0), 0u);
  SessionConfig c = plain_config();
  c.tls_available = false;
  Harness none(c);
  EXPECT_EQ(none.send("STLS\r\n").rfind("-ERR", 0), 0u);
  Harness after(tls_config());
  after.login();
  EXPECT_EQ(after.send("STLS\r\n").rfind("-ERR", 0), 0u);
  EXPECT_EQ(after.count<StartTls>(), 0u);
}

TEST(Pop3Session, UserPassAuthenticatesAndReportsTheMaildrop) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("USER alice@example.org\r\n"), "+OK Send the password\r\n");
  EXPECT_EQ(h.send("PASS two words\r\n"), "");
  auto* auth = h.last<Authenticate>();
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->user, "alice@example.org");
  EXPECT_EQ(auth->password.view(), "two words");
  EXPECT_EQ(h.complete(AuthResult{AuthVerdict::ok, sample_maildrop()}), "+OK Logged in, 3 messages (600 octets)\r\n");
  EXPECT_EQ(h.session.state(), State::transaction);
  EXPECT_EQ(h.session.user(), "alice@example.org");
}

TEST(Pop3Session, PassWithoutUserIsRefused) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("PASS secret\r\n").rfind("-ERR", 0), 0u);
  // PASS must follow USER directly.
  h.send("USER a@b\r\nNOOP\r\n");
  EXPECT_EQ(h.send("PASS secret\r\n").rfind("-ERR", 0), 0u);
  EXPECT_EQ(h.count<Authenticate>(), 0u);
}

TEST(Pop3Session, ApopIsRefusedClearly) {
  Harness h(tls_config());
  std::string reply = h.send("APOP alice@example.org c4c9334bac560ecc979e58001b3e22fb\r\n");
  EXPECT_EQ(reply.rfind("-ERR APOP is not supported", 0), 0u);
  EXPECT_EQ(h.count<Authenticate>(), 0u);
}

TEST(Pop3Session, AuthPlainWithInitialResponse) {
  Harness h(tls_config());
  std::string ir = mail::base64_encode(std::string("\0alice@example.org\0secret", 25));
  EXPECT_EQ(h.send("AUTH PLAIN " + ir + "\r\n"), "");
  auto* auth = h.last<Authenticate>();
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->user, "alice@example.org");
  EXPECT_EQ(auth->password.view(), "secret");
}

TEST(Pop3Session, AuthPlainWithChallenge) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("AUTH PLAIN\r\n"), "+ \r\n");
  std::string resp = mail::base64_encode(std::string("\0alice@example.org\0secret", 25));
  h.send(resp + "\r\n");
  ASSERT_NE(h.last<Authenticate>(), nullptr);
}

TEST(Pop3Session, AuthLoginAsksForUserAndPassword) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("AUTH LOGIN\r\n"), "+ " + mail::base64_encode("Username:") + "\r\n");
  EXPECT_EQ(h.send(mail::base64_encode("alice@example.org") + "\r\n"), "+ " + mail::base64_encode("Password:") + "\r\n");
  h.send(mail::base64_encode("secret") + "\r\n");
  auto* auth = h.last<Authenticate>();
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->password.view(), "secret");
}

TEST(Pop3Session, AuthCancelledAndMalformedAndUnknownMechanism) {
  Harness h(tls_config());
  h.send("AUTH PLAIN\r\n");
  EXPECT_EQ(h.send("*\r\n"), "-ERR Authentication cancelled\r\n");
  h.send("AUTH PLAIN\r\n");
  EXPECT_EQ(h.send("!!!\r\n").rfind("-ERR [AUTH]", 0), 0u);
  SessionConfig c = tls_config();
  Harness k(c);
  EXPECT_EQ(k.send("AUTH CRAM-MD5\r\n").rfind("-ERR", 0), 0u);
  EXPECT_EQ(h.count<Authenticate>() + k.count<Authenticate>(), 0u);
}

TEST(Pop3Session, AuthWithoutArgumentsListsMechanisms) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("AUTH\r\n"), "+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n");
}

TEST(Pop3Session, FailedLoginAnswersWithAuthCodeAndThirdFailureCloses) {
  Harness h(tls_config());
  for (int i = 0; i < 2; ++i) {
    h.send("USER alice@example.org\r\nPASS wrong\r\n");
    EXPECT_EQ(h.complete(AuthResult{AuthVerdict::bad_credentials, {}}), "-ERR [AUTH] Authentication failed\r\n");
    EXPECT_EQ(h.session.state(), State::authorization);
  }
  h.send("USER alice@example.org\r\nPASS wrong\r\n");
  std::string last = h.complete(AuthResult{AuthVerdict::bad_credentials, {}});
  EXPECT_NE(last.find("Too many failed logins"), std::string::npos);
  EXPECT_EQ(h.session.state(), State::closed);
  EXPECT_NE(h.last<Close>(), nullptr);
}

TEST(Pop3Session, LockedMaildropAnswersInUse) {
  Harness h(tls_config());
  h.send("USER alice@example.org\r\nPASS secret\r\n");
  EXPECT_EQ(h.complete(AuthResult{AuthVerdict::in_use, {}}).rfind("-ERR [IN-USE] ", 0), 0u);
  EXPECT_EQ(h.session.state(), State::authorization);
}

TEST(Pop3Session, ThrottledAndTemporaryFailuresAnswerSysTemp) {
  Harness h(tls_config());
  h.send("USER alice@example.org\r\nPASS secret\r\n");
  EXPECT_EQ(h.complete(AuthResult{AuthVerdict::throttled, {}}).rfind("-ERR [SYS/TEMP] ", 0), 0u);
  h.send("USER alice@example.org\r\nPASS secret\r\n");
  EXPECT_EQ(h.complete(AuthResult{AuthVerdict::temporary_failure, {}}).rfind("-ERR [SYS/TEMP] ", 0), 0u);
}

TEST(Pop3Session, TransactionCommandsAreRefusedBeforeLogin) {
  Harness h(tls_config());
  for (const char* cmd : {"STAT", "LIST", "UIDL", "RETR 1", "TOP 1 1", "DELE 1", "RSET", "NOOP"}) {
    EXPECT_EQ(h.send(std::string(cmd) + "\r\n").rfind("-ERR", 0), 0u) << cmd;
  }
  EXPECT_TRUE(h.requests.empty());
}

TEST(Pop3Session, LoginCommandsAreRefusedAfterLogin) {
  Harness h(tls_config());
  h.login();
  for (const char* cmd : {"USER x", "PASS y", "AUTH PLAIN", "APOP a b"}) {
    EXPECT_EQ(h.send(std::string(cmd) + "\r\n").rfind("-ERR", 0), 0u) << cmd;
  }
}

TEST(Pop3Session, StatListAndUidl) {
  Harness h(tls_config());
  h.login();
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 3 600\r\n");
  EXPECT_EQ(h.send("LIST\r\n"), "+OK 3 messages (600 octets)\r\n1 100\r\n2 200\r\n3 300\r\n.\r\n");
  EXPECT_EQ(h.send("LIST 2\r\n"), "+OK 2 200\r\n");
  EXPECT_EQ(h.send("LIST 4\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(h.send("LIST 0\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(h.send("LIST x\r\n"), "-ERR Invalid message number\r\n");
  EXPECT_EQ(h.send("UIDL\r\n"),
            "+OK Unique-ID listing follows\r\n1 6500000000000001\r\n2 6500000000000005\r\n3 6500000000000009\r\n.\r\n");
  EXPECT_EQ(h.send("UIDL 3\r\n"), "+OK 3 6500000000000009\r\n");
}

TEST(Pop3Session, UniqueIdsAreDistinctAcrossUidvalidityAndUid) {
  EXPECT_EQ(unique_id(1, 2), "0000000100000002");
  EXPECT_NE(unique_id(1, 2), unique_id(2, 1));
  EXPECT_EQ(unique_id(0xffffffffu, 0xffffffffu).size(), 16u);
}

TEST(Pop3Session, RetrRequestsTheMessageAndStuffsIt) {
  Harness h(tls_config());
  h.login();
  h.send("RETR 2\r\n");
  auto* fetch = h.last<Fetch>();
  ASSERT_NE(fetch, nullptr);
  EXPECT_EQ(fetch->number, 2u);
  EXPECT_EQ(fetch->message.uid, 5u);
  EXPECT_EQ(fetch->message.blob_id, 12);
  EXPECT_FALSE(fetch->top_lines);
  h.out.clear();
  h.session.complete(FetchResult{FetchVerdict::ok});
  h.session.message_data("Subject: a\r\n\r\n.dot\r\n");
  h.session.message_data("end");
  h.session.message_end();
  h.drain();
  EXPECT_EQ(h.out, "+OK 200 octets\r\nSubject: a\r\n\r\n..dot\r\nend\r\n.\r\n");
  EXPECT_EQ(h.session.retrieved(), 1u);
}

TEST(Pop3Session, TopRequestsHeaderAndLines) {
  Harness h(tls_config());
  h.login();
  std::string out = h.fetch("TOP 1 1\r\n", "A: b\r\n\r\none\r\ntwo\r\n");
  EXPECT_EQ(out, "+OK Top of message follows\r\nA: b\r\n\r\none\r\n.\r\n");
  EXPECT_EQ(h.session.retrieved(), 0u);  // TOP does not count as retrieved
  EXPECT_EQ(h.send("TOP 1\r\n").rfind("-ERR", 0), 0u);
  EXPECT_EQ(h.send("TOP 1 x\r\n").rfind("-ERR", 0), 0u);
}

TEST(Pop3Session, RetrOfAMessageExpungedElsewhereIsAnErrorAndTheSessionGoesOn) {
  Harness h(tls_config());
  h.login();
  h.send("RETR 1\r\n");
  h.out.clear();
  h.session.complete(FetchResult{FetchVerdict::expunged});
  h.drain();
  EXPECT_EQ(h.out.rfind("-ERR ", 0), 0u);
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 3 600\r\n");
}

TEST(Pop3Session, ReadFailureMidMessageClosesWithoutTerminator) {
  Harness h(tls_config());
  h.login();
  h.send("RETR 1\r\n");
  h.out.clear();
  h.session.complete(FetchResult{FetchVerdict::ok});
  h.session.message_data("partial");
  h.session.message_end(true);
  h.drain();
  EXPECT_EQ(h.out, "+OK 100 octets\r\npartial");
  EXPECT_NE(h.last<Close>(), nullptr);
}

TEST(Pop3Session, PipelinedCommandsWaitForTheMessage) {
  Harness h(tls_config());
  h.login();
  EXPECT_EQ(h.send("RETR 1\r\nSTAT\r\nDELE 1\r\n"), "");
  EXPECT_TRUE(h.session.busy());
  h.session.complete(FetchResult{FetchVerdict::ok});
  h.session.message_data("x\r\n");
  h.session.message_end();
  h.out.clear();
  h.drain();
  EXPECT_EQ(h.out, "+OK 100 octets\r\nx\r\n.\r\n+OK 3 600\r\n+OK Message 1 deleted\r\n");
}

TEST(Pop3Session, DeleMarksAndRsetUnmarks) {
  Harness h(tls_config());
  h.login();
  EXPECT_EQ(h.send("DELE 2\r\n"), "+OK Message 2 deleted\r\n");
  EXPECT_EQ(h.send("DELE 2\r\n"), "-ERR Message is deleted\r\n");
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 2 400\r\n");
  EXPECT_EQ(h.send("LIST\r\n"), "+OK 2 messages (400 octets)\r\n1 100\r\n3 300\r\n.\r\n");
  EXPECT_EQ(h.send("UIDL 2\r\n"), "-ERR Message is deleted\r\n");
  EXPECT_EQ(h.send("RETR 2\r\n"), "-ERR Message is deleted\r\n");
  EXPECT_EQ(h.send("RSET\r\n"), "+OK 3 messages (600 octets)\r\n");
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 3 600\r\n");
}

TEST(Pop3Session, QuitInTransactionCommitsTheMarkedMessagesInOneRequest) {
  Harness h(tls_config());
  h.login();
  h.send("DELE 1\r\nDELE 3\r\n");
  EXPECT_EQ(h.send("QUIT\r\n"), "");
  auto* commit = h.last<Commit>();
  ASSERT_NE(commit, nullptr);
  EXPECT_EQ(commit->uids, (std::vector<std::uint32_t>{1, 9}));
  EXPECT_EQ(h.session.state(), State::update);
  h.out.clear();
  h.session.complete(CommitResult{true, 2});
  h.drain();
  EXPECT_EQ(h.out, "+OK Bye, 2 messages deleted\r\n");
  EXPECT_NE(h.last<Close>(), nullptr);
  EXPECT_EQ(h.session.deleted(), 2u);
}

TEST(Pop3Session, QuitWithFailedCommitSaysSoAndCloses) {
  Harness h(tls_config());
  h.login();
  h.send("DELE 1\r\nQUIT\r\n");
  h.out.clear();
  h.session.complete(CommitResult{false, 0});
  h.drain();
  EXPECT_EQ(h.out.rfind("-ERR [SYS/TEMP] Some deleted messages were not removed", 0), 0u);
  EXPECT_NE(h.last<Close>(), nullptr);
}

TEST(Pop3Session, QuitInAuthorizationClosesWithoutCommit) {
  Harness h(tls_config());
  EXPECT_EQ(h.send("QUIT\r\n"), "+OK Bye\r\n");
  EXPECT_NE(h.last<Close>(), nullptr);
  EXPECT_EQ(h.count<Commit>(), 0u);
  EXPECT_EQ(h.send("CAPA\r\n"), "");  // nothing after the close
}

TEST(Pop3Session, NoopInTransaction) {
  Harness h(tls_config());
  h.login();
  EXPECT_EQ(h.send("NOOP\r\n"), "+OK\r\n");
}

TEST(Pop3Session, TimeoutClosesWithoutUpdate) {
  Harness h(tls_config());
  h.login();
  h.send("DELE 1\r\n");
  h.out.clear();
  h.session.timed_out();
  h.drain();
  EXPECT_EQ(h.out.rfind("-ERR ", 0), 0u);
  EXPECT_NE(h.last<Close>(), nullptr);
  EXPECT_EQ(h.count<Commit>(), 0u);  // RFC 1939 3: autologout does not enter UPDATE
}

TEST(Pop3Session, TooManyErrorsClose) {
  SessionConfig c = tls_config();
  c.limits.max_errors = 3;
  Harness h(c);
  h.send("BOGUS\r\nBOGUS\r\n");
  EXPECT_EQ(h.session.state(), State::authorization);
  std::string out = h.send("BOGUS\r\n");
  EXPECT_NE(out.find("Too many errors"), std::string::npos);
  EXPECT_NE(h.last<Close>(), nullptr);
}

TEST(Pop3Session, LineTooLongIsAnswered) {
  Harness h(tls_config());
  h.session.line_too_long();
  h.out.clear();
  h.drain();
  EXPECT_EQ(h.out, "-ERR Line too long\r\n");
}

TEST(Pop3Session, LineTooLongWhileBusyIsAnsweredInOrder) {
  Harness h(tls_config());
  h.login();
  h.send("RETR 1\r\n");
  h.session.line_too_long();
  h.session.receive_line("NOOP");
  h.session.complete(FetchResult{FetchVerdict::ok});
  h.session.message_end();
  h.out.clear();
  h.drain();
  EXPECT_EQ(h.out, "+OK 100 octets\r\n.\r\n-ERR Line too long\r\n+OK\r\n");
}

TEST(Pop3Session, TooManyLinesWhileBusyCloses) {
  SessionConfig c = tls_config();
  c.limits.max_pending_lines = 4;
  Harness h(c);
  h.login();
  h.send("RETR 1\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n");
  EXPECT_EQ(h.count<Close>(), 0u);
  h.send("NOOP\r\n");
  EXPECT_NE(h.last<Close>(), nullptr);
}

TEST(Pop3Session, StopWhileIdleClosesAndWhileBusyWaitsForTheAnswer) {
  Harness idle(tls_config());
  idle.session.stop();
  idle.drain();
  EXPECT_NE(idle.last<Close>(), nullptr);

  Harness busy(tls_config());
  busy.login();
  busy.send("RETR 1\r\n");
  busy.session.stop();
  busy.drain();
  EXPECT_EQ(busy.count<Close>(), 0u);
  busy.session.complete(FetchResult{FetchVerdict::ok});
  busy.session.message_data("x\r\n");
  busy.session.message_end();
  busy.out.clear();
  busy.drain();
  EXPECT_EQ(busy.out, "+OK 100 octets\r\nx\r\n.\r\n-ERR [SYS/TEMP] Server shutting down\r\n");
  EXPECT_NE(busy.last<Close>(), nullptr);
}

TEST(Pop3Session, MessageNumbersStayStableForTheSession) {
  Harness h(tls_config());
  h.login();
  h.send("DELE 1\r\n");
  // Message 2 is still number 2 after message 1 was marked (RFC 1939 5).
  EXPECT_EQ(h.send("LIST 2\r\n"), "+OK 2 200\r\n");
}

}  // namespace
}  // namespace roost::pop3

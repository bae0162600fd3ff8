// SMTP session rules that look past the reply codes: the EHLO keywords per listener, the delivered
// message (Received, Message-ID, Date, dot-unstuffing), the envelope, size overruns, store errors,
// timeouts, the STARTTLS reset and input back-pressure.
#include "smtpd/smtp_session.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/smtpd/session_driver.h"

namespace roost::smtp {
namespace {

using testing::expect_replies;
using testing::Fake;
using testing::mx_config;
using testing::run_both;
using testing::submission_config;
using testing::test_environment;
using testing::test_tls;
using testing::Transcript;

const std::string kEhlo = "EHLO client.example.net\r\n";
const std::string kMail = "MAIL FROM:<sender@remote.example>\r\n";
const std::string kRcpt = "RCPT TO:<bob@example.org>\r\n";
const std::string kAuthPlain = "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n";

std::string ehlo_reply(const SessionConfig& config, std::optional<TlsInfo> tls) {
  Transcript t = run_both(config, {kEhlo}, Fake{}, tls);
  return t.output;
}

TEST(SmtpSession, GreetingHasNoEnhancedCode) {
  Transcript t = run_both(mx_config(), {});
  EXPECT_EQ(t.output, "220 mx.example.org ESMTP Roost\r\n");
}

TEST(SmtpSession, EhloOnMxAdvertisesExtensionsAndStartTlsButNoAuth) {
  EXPECT_EQ(ehlo_reply(mx_config(), std::nullopt),
            "220 mx.example.org ESMTP Roost\r\n"
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
            "250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250 STARTTLS\r\n");
}

TEST(SmtpSession, EhloOnMxAfterTlsOffersNeitherStartTlsNorAuth) {
  std::string out = ehlo_reply(mx_config(), test_tls());
  EXPECT_EQ(out.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(out.find("AUTH"), std::string::npos);
  EXPECT_NE(out.find("250 CHUNKING\r\n"), std::string::npos);
}

TEST(SmtpSession, EhloOnSubmissionOffersAuthOnlyAfterTls) {
  std::string before = ehlo_reply(submission_config(), std::nullopt);
  EXPECT_NE(before.find("250 STARTTLS\r\n"), std::string::npos);
  EXPECT_EQ(before.find("AUTH"), std::string::npos);
  std::string after = ehlo_reply(submission_config(), test_tls());
  EXPECT_EQ(after.find("STARTTLS"), std::string::npos);
  EXPECT_NE(after.find("250 AUTH PLAIN LOGIN\r\n"), std::string::npos);
}

TEST(SmtpSession, EhloWithoutCertificateOmitsStartTls) {
  SessionConfig c = mx_config();
  c.tls_available = false;
  EXPECT_EQ(ehlo_reply(c, std::nullopt).find("STARTTLS"), std::string::npos);
  Transcript t = run_both(c, {kEhlo + "STARTTLS\r\n"});
  expect_replies(t, {"220", "250", "454 4.7.0"});
}

TEST(SmtpSession, StartTlsForgetsHeloAndAuthenticationRequiresTlsAfterwards) {
  Transcript t = run_both(submission_config(), {kEhlo + "STARTTLS\r\n" + kAuthPlain, kAuthPlain + kEhlo + kAuthPlain});
  // The AUTH behind STARTTLS was plaintext and is dropped; after the handshake EHLO is needed again.
  expect_replies(t, {"220", "250", "220 2.0.0", "503 5.5.1", "250", "235 2.7.0"});
  EXPECT_EQ(t.log, (std::vector<std::string>{"starttls", "auth alice"}));
}

TEST(SmtpSession, PlaintextBehindStartTlsIsNeverActedOn) {
  Transcript t = run_both(mx_config(), {kEhlo + "STARTTLS\r\n" + kMail + kRcpt + "DATA\r\nx\r\n.\r\n", "QUIT\r\n"});
  expect_replies(t, {"220", "250", "220 2.0.0", "221 2.0.0"});
  EXPECT_EQ(t.log, (std::vector<std::string>{"starttls", "close"}));
}

TEST(SmtpSession, DeliveredMessageIsDotUnstuffedWithReceivedPrepended) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\n..one\r\n.\r\n"});
  ASSERT_EQ(t.delivered.size(), 1u);
  EXPECT_EQ(t.delivered[0].message,
            "Received: from client.example.net (client.example.net [192.0.2.7])\r\n"
            "\tby mx.example.org (Roost) with ESMTP id ABCDEF0000000001\r\n"
            "\tfor <bob@example.org>; Mon, 23 Nov 2026 14:22:07 +0100\r\n"
            "Subject: x\r\n\r\n.one\r\n");
  EXPECT_NE(t.replies.back().find("Ok: queued as Q1"), std::string::npos);
  const Envelope& e = t.delivered[0].envelope;
  EXPECT_EQ(e.sender.to_string(), "sender@remote.example");
  ASSERT_EQ(e.recipients.size(), 1u);
  EXPECT_EQ(e.recipients[0].address.to_string(), "bob@example.org");
  EXPECT_EQ(e.recipients[0].local_accounts, std::vector<std::string>{"bob@example.org"});
  EXPECT_EQ(e.listener, ListenerKind::mx);
  EXPECT_EQ(e.helo, "client.example.net");
  EXPECT_EQ(e.id, "ABCDEF0000000001");
}

TEST(SmtpSession, MxDoesNotAddMessageIdOrDate) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "RCPT TO:<alice@example.org>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n"});
  ASSERT_EQ(t.delivered.size(), 1u);
  const std::string& m = t.delivered[0].message;
  EXPECT_EQ(m.find("Message-ID:"), std::string::npos);
  EXPECT_EQ(m.find("\r\nDate:"), std::string::npos);
  EXPECT_EQ(m.find("for <"), std::string::npos) << "no for clause with several recipients";
}

TEST(SmtpSession, SubmissionAddsMessageIdDateAndTlsToReceived) {
  Transcript t = run_both(submission_config(),
                          {kEhlo + kAuthPlain + "MAIL FROM:<alice@example.org>\r\n" + kRcpt +
                           "DATA\r\nFrom: Alice <alice@example.org>\r\nSubject: x\r\n\r\nhi\r\n.\r\n"},
                          Fake{}, test_tls());
  ASSERT_EQ(t.delivered.size(), 1u);
  EXPECT_EQ(t.delivered[0].message,
            "Received: from client.example.net (client.example.net [192.0.2.7])\r\n"
            "\tby mx.example.org (Roost) with ESMTPSA id ABCDEF0000000001\r\n"
            "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
            "\tfor <bob@example.org>; Mon, 23 Nov 2026 14:22:07 +0100\r\n"
            "Date: Mon, 23 Nov 2026 14:22:07 +0100\r\n"
            "Message-ID: <abcdef0000000002.1795440127@mx.example.org>\r\n"
            "From: Alice <alice@example.org>\r\nSubject: x\r\n\r\nhi\r\n");
  EXPECT_EQ(t.delivered[0].envelope.account, "alice@example.org");
  EXPECT_EQ(t.log, (std::vector<std::string>{"auth alice", "sender alice@example.org", "rcpt bob@example.org", "deliver"}));
}

TEST(SmtpSession, SubmissionKeepsExistingMessageIdAndDateAndMayNameUser) {
  SessionConfig c = submission_config();
  c.received_shows_user = true;
  Transcript t = run_both(c,
                          {kEhlo + kAuthPlain + "MAIL FROM:<alice@example.org>\r\n" + kRcpt +
                           "DATA\r\nFrom: alice.smith@example.org\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\n"
                           "Message-ID: <x@y>\r\n\r\nhi\r\n.\r\n"},
                          Fake{}, test_tls());
  ASSERT_EQ(t.delivered.size(), 1u);
  const std::string& m = t.delivered[0].message;
  EXPECT_NE(m.find("\t(authenticated user alice@example.org)\r\n"), std::string::npos);
  EXPECT_EQ(m.find("Message-ID: <abcdef"), std::string::npos);
  EXPECT_EQ(m.find("Date: Mon"), std::string::npos);
  EXPECT_EQ(t.log.back(), "deliver");
  EXPECT_NE(std::find(t.log.begin(), t.log.end(), "from alice.smith@example.org"), t.log.end());
}

TEST(SmtpSession, SmuggledTransactionIsNeitherDeliveredNorExecuted) {
  for (std::string probe : {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r", "\r.\r\n"}) {
    Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nSubject: one\r\n\r\nfirst" + probe +
                                          "MAIL FROM:<evil@evil.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                                          "second\r\n.\r\nNOOP\r\n"});
    EXPECT_TRUE(t.delivered.empty());
    expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "250 2.0.0"});
    EXPECT_EQ(t.log, std::vector<std::string>{"rcpt bob@example.org"}) << "the smuggled RCPT must not be resolved";
  }
}

TEST(SmtpSession, SizeOverrunDuringDataIsAnsweredAtTheEnd) {
  SessionConfig c = mx_config();
  c.limits.max_message_size = 100;
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "DATA\r\n" + std::string(300, 'x') + "\r\n.\r\nNOOP\r\n"});
  expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5", "354", "552 5.3.4", "250 2.0.0"});
  EXPECT_TRUE(t.delivered.empty());
}

TEST(SmtpSession, SizeOverrunDuringBdatFailsTheTransactionAndStaysInStep) {
  SessionConfig c = mx_config();
  c.limits.max_message_size = 100;
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "BDAT 80\r\n" + std::string(80, 'a') + "BDAT 80\r\n" +
                              std::string(80, 'b') + "BDAT 10 LAST\r\n" + std::string(10, 'c') + "NOOP\r\n"});
  expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "552 5.3.4", "503 5.5.1", "250 2.0.0"});
  EXPECT_TRUE(t.delivered.empty());
}

// One log line per transaction: the session summarises each message it refuses by itself.
void expect_refusal(const Transcript& t, int code, const std::string& enhanced, const std::string& reason) {
  ASSERT_EQ(t.finished.size(), 1u) << t.output;
  const TransactionSummary& s = t.finished.front();
  EXPECT_EQ(s.code, code);
  EXPECT_EQ(s.enhanced, enhanced);
  EXPECT_EQ(s.reason, reason);
  EXPECT_EQ(s.sender.to_string(), "sender@remote.example");
  ASSERT_EQ(s.recipients.size(), 1u);
  EXPECT_EQ(s.recipients.front().to_string(), "bob@example.org");
}

TEST(SmtpSession, SmuggledMessageLeavesOneRefusedSummary) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nSubject: one\r\n\r\nfirst\n.\n"
                                        "MAIL FROM:<evil@evil.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                                        "second\r\n.\r\nNOOP\r\n"});
  expect_refusal(t, 554, "5.6.0", "bare_line_ending");
}

TEST(SmtpSession, OversizeMessageLeavesOneRefusedSummaryWithTheBytesReceived) {
  SessionConfig c = mx_config();
  c.limits.max_message_size = 100;
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "DATA\r\n" + std::string(300, 'x') + "\r\n.\r\nNOOP\r\n"});
  expect_refusal(t, 552, "5.3.4", "too_big");
  EXPECT_GT(t.finished.front().size, 100u);
}

TEST(SmtpSession, OversizeBdatLeavesOneRefusedSummary) {
  SessionConfig c = mx_config();
  c.limits.max_message_size = 100;
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "BDAT 80\r\n" + std::string(80, 'a') + "BDAT 80\r\n" +
                              std::string(80, 'b') + "BDAT 10 LAST\r\n" + std::string(10, 'c') + "NOOP\r\n"});
  expect_refusal(t, 552, "5.3.4", "too_big");
}

TEST(SmtpSession, MailLoopLeavesOneRefusedSummary) {
  SessionConfig c = mx_config();
  c.limits.max_received_fields = 3;
  std::string received;
  for (int i = 0; i < 3; ++i) received += "Received: from a by b; Mon, 23 Nov 2026 14:22:07 +0100\r\n";
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "DATA\r\n" + received + "Subject: x\r\n\r\nbody\r\n.\r\n"});
  expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.4.6"});
  expect_refusal(t, 554, "5.4.6", "mail_loop");
}

TEST(SmtpSession, OpenOrDeliveredTransactionsLeaveNoSummary) {
  // Still open: the message has not ended.
  Transcript open = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\nbody\r\n"});
  EXPECT_TRUE(open.finished.empty());
  // Delivered: the glue logs it with the store's result.
  Transcript delivered = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n"});
  EXPECT_EQ(delivered.delivered.size(), 1u);
  EXPECT_TRUE(delivered.finished.empty());
}

TEST(SmtpSession, AbandonedTransactionsLeaveOneSummaryEach) {
  // RSET, a new EHLO and QUIT each end an open transaction; the glue logs them as aborted.
  Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "RSET\r\n" + kMail + kEhlo + kMail + kRcpt +
                                        "QUIT\r\n"});
  ASSERT_EQ(t.finished.size(), 3u) << t.output;
  EXPECT_EQ(t.finished[0].reason, "reset");
  EXPECT_EQ(t.finished[0].recipients.size(), 1u);
  EXPECT_EQ(t.finished[1].reason, "reset");
  EXPECT_TRUE(t.finished[1].recipients.empty());
  EXPECT_EQ(t.finished[2].reason, "closed");
  for (const auto& s : t.finished) EXPECT_FALSE(s.refused());
  // A RSET with no transaction open summarises nothing.
  EXPECT_TRUE(run_both(mx_config(), {kEhlo + "RSET\r\nRSET\r\n"}).finished.empty());
}

TEST(SmtpSession, LostConnectionEndsTheOpenTransaction) {
  Session session(mx_config(), PeerInfo{"192.0.2.7", "client.example.net"}, test_environment());
  session.receive(kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\npart of the body\r\n");
  while (auto request = session.next_request()) {
    Fake fake;
    session.complete(request->id, fake.answer(*request));
  }
  EXPECT_TRUE(session.take_finished_transactions().empty());
  session.connection_lost();
  auto finished = session.take_finished_transactions();
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].reason, "connection_lost");
  EXPECT_EQ(finished[0].sender.to_string(), "sender@remote.example");
  EXPECT_TRUE(session.closed());
  session.connection_lost();  // once only
  EXPECT_TRUE(session.take_finished_transactions().empty());
}

TEST(SmtpSession, PipelinedRefusalsLeaveOneSummaryEach) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\na\nb\r\n.\r\n" + kMail + kRcpt +
                                        "DATA\r\nc\rd\r\n.\r\n"});
  ASSERT_EQ(t.finished.size(), 2u) << t.output;
  EXPECT_EQ(t.finished[0].code, 554);
  EXPECT_EQ(t.finished[1].code, 554);
}

TEST(SmtpSession, HugeBdatChunkIsCountedNotAllocated) {
  SessionConfig c = mx_config();
  c.limits.max_message_size = 100;
  Transcript t = run_both(c, {kEhlo + kMail + kRcpt + "BDAT 18446744073709551615\r\n" + std::string(1000, 'a')});
  expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5"});
}

TEST(SmtpSession, StoreErrorsMapToTheirReplies) {
  struct Row {
    store::StoreError error;
    std::string reply;
  };
  for (const Row& row : {Row{store::StoreError::busy, "451 4.3.0"}, Row{store::StoreError::io, "452 4.3.1"},
                         Row{store::StoreError::over_quota, "452 4.2.2"}, Row{store::StoreError::corrupt, "451 4.3.0"},
                         Row{store::StoreError::account_disabled, "450 4.2.1"}}) {
    Fake fake;
    fake.deliver_error = row.error;
    Transcript t = run_both(mx_config(), {kEhlo + kMail + kRcpt + "DATA\r\nx\r\n.\r\nNOOP\r\n"}, fake);
    expect_replies(t, {"220", "250", "250 2.1.0", "250 2.1.5", "354", row.reply, "250 2.0.0"});
  }
}

TEST(SmtpSession, RemoteVerdictForUnauthenticatedClientIsStillRelayDenied) {
  Fake fake;
  fake.remote_even_unauthenticated = true;
  Transcript t = run_both(mx_config(), {kEhlo + kMail + "RCPT TO:<victim@elsewhere.example>\r\n"}, fake);
  expect_replies(t, {"220", "250", "250 2.1.0", "554 5.7.1"});
}

TEST(SmtpSession, SourceRouteIsDroppedBeforeResolving) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + "RCPT TO:<@a.example,@b.example:bob@example.org>\r\n"});
  EXPECT_EQ(t.log, std::vector<std::string>{"rcpt bob@example.org"});
}

TEST(SmtpSession, RelayTricksAreRefusedWithoutAskingTheResolver) {
  Transcript t = run_both(mx_config(), {kEhlo + kMail + "RCPT TO:<a%b.example@example.org>\r\nRCPT TO:<\"a@b.example\"@example.org>\r\n"});
  expect_replies(t, {"220", "250", "250 2.1.0", "554 5.7.1", "554 5.7.1"});
  EXPECT_TRUE(t.log.empty());
}

TEST(SmtpSession, AuthTemporaryFailureIs454) {
  Fake fake;
  fake.auth_temporary_failure = true;
  Transcript t = run_both(submission_config(), {kEhlo + kAuthPlain}, fake, test_tls());
  expect_replies(t, {"220", "250", "454 4.7.0"});
}

TEST(SmtpSession, Utf8TransactionIsRecordedAsUtf8Smtp) {
  Transcript t = run_both(mx_config(), {kEhlo + "MAIL FROM:<jörg@remote.example> SMTPUTF8\r\nRCPT TO:<jörg@example.org>\r\n"
                                        "DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n"});
  ASSERT_EQ(t.delivered.size(), 1u);
  EXPECT_TRUE(t.delivered[0].envelope.smtputf8);
  EXPECT_NE(t.delivered[0].message.find("with UTF8SMTP id"), std::string::npos);
}

TEST(SmtpSession, HeloSessionIsRecordedAsSmtp) {
  Transcript t = run_both(mx_config(), {"HELO client\r\n" + kMail + kRcpt + "DATA\r\nx\r\n.\r\n"});
  ASSERT_EQ(t.delivered.size(), 1u);
  EXPECT_NE(t.delivered[0].message.find("with SMTP id"), std::string::npos);
}

TEST(SmtpSession, TimeoutAndShutdownAnswer421AndClose) {
  Session a(mx_config(), PeerInfo{"192.0.2.7", ""}, test_environment());
  a.timeout();
  EXPECT_TRUE(a.closed());
  EXPECT_NE(a.take_output().find("421 4.4.2 "), std::string::npos);
  auto close = a.next_request();
  ASSERT_TRUE(close.has_value());
  EXPECT_TRUE(std::holds_alternative<Close>(close->body));
  a.receive("NOOP\r\n");
  EXPECT_EQ(a.take_output(), "");

  Session b(mx_config(), PeerInfo{"192.0.2.7", ""}, test_environment());
  b.receive(kEhlo + kMail + kRcpt);
  auto rcpt = b.next_request();
  ASSERT_TRUE(rcpt.has_value());
  b.shutdown();
  EXPECT_NE(b.take_output().find("421 4.3.2 "), std::string::npos);
  // A late answer to the request outstanding before the shutdown is ignored.
  b.complete(rcpt->id, RecipientResult{RecipientVerdict::local, {}});
  EXPECT_EQ(b.take_output(), "");
}

TEST(SmtpSession, TooManyErrorsIgnoresTheRestAndRequestsClose) {
  Session s(mx_config(), PeerInfo{"192.0.2.7", ""}, test_environment());
  std::string junk;
  for (int i = 0; i < 20; ++i) junk += "XYZZY\r\n";
  s.receive(junk);
  EXPECT_TRUE(s.closed());
  auto close = s.next_request();
  ASSERT_TRUE(close.has_value());
  EXPECT_TRUE(std::holds_alternative<Close>(close->body));
}

TEST(SmtpSession, InputIsHeldWhileARequestIsOutstanding) {
  SessionConfig c = mx_config();
  c.limits.input_high_watermark = 64;
  Session s(c, PeerInfo{"192.0.2.7", ""}, test_environment());
  s.receive(kEhlo + kMail + kRcpt);
  auto rcpt = s.next_request();
  ASSERT_TRUE(rcpt.has_value());
  EXPECT_TRUE(s.wants_input());
  s.receive(std::string(100, 'x'));
  EXPECT_FALSE(s.wants_input());
  EXPECT_FALSE(s.next_request().has_value()) << "handed out once";
  s.complete(rcpt->id, RecipientResult{RecipientVerdict::local, {"bob@example.org"}});
  EXPECT_TRUE(s.wants_input());
  std::string out = s.take_output();
  EXPECT_NE(out.find("250 2.1.5 Ok\r\n"), std::string::npos);
}

TEST(SmtpSession, ImplicitTlsSessionStartsWithTls) {
  SessionConfig c = submission_config();
  c.listener = ListenerKind::submissions;
  Session s(c, PeerInfo{"192.0.2.7", ""}, test_environment(), test_tls());
  EXPECT_TRUE(s.tls_active());
  s.receive(kEhlo + "STARTTLS\r\n");
  EXPECT_NE(s.take_output().find("503 5.5.1 TLS already active"), std::string::npos);
}

TEST(SmtpSession, RepliesDoNotWaitForTheRestOfAPipeline) {
  Session s(mx_config(), PeerInfo{"192.0.2.7", ""}, test_environment());
  s.take_output();
  s.receive("EHLO client\r\nNOOP\r\nNO");
  std::string out = s.take_output();
  EXPECT_NE(out.find("250 STARTTLS\r\n"), std::string::npos);
  EXPECT_NE(out.find("250 2.0.0 Ok\r\n"), std::string::npos);
  s.receive("OP\r\n");
  EXPECT_EQ(s.take_output(), "250 2.0.0 Ok\r\n");
}

TEST(SmtpSession, TimeoutDuringTlsHandshakeCloses) {
  Session s(mx_config(), PeerInfo{"192.0.2.7", ""}, test_environment());
  s.receive(kEhlo + "STARTTLS\r\n");
  auto start = s.next_request();
  ASSERT_TRUE(start.has_value());
  EXPECT_TRUE(std::holds_alternative<StartTls>(start->body));
  EXPECT_FALSE(s.wants_input());
  s.timeout();
  EXPECT_TRUE(s.closed());
  s.tls_started(test_tls());  // a late handshake result changes nothing
  EXPECT_TRUE(s.closed());
}

TEST(SmtpSession, FailedAuthenticationsCountTowardTheErrorLimit) {
  SessionConfig c = submission_config();
  c.limits.max_errors = 3;
  Transcript t = run_both(c, {kEhlo + "AUTH PLAIN AGFsaWNlAHdyb25n\r\n"
                              "AUTH PLAIN AGFsaWNlAHdyb25n\r\nAUTH PLAIN AGFsaWNlAHdyb25n\r\n" + kAuthPlain},
                          Fake{}, test_tls());
  expect_replies(t, {"220", "250", "535 5.7.8", "535 5.7.8", "535 5.7.8", "421 4.7.0"});
  EXPECT_TRUE(t.closed);
}

}  // namespace
}  // namespace roost::smtp

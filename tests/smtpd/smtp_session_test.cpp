// SMTP session rules as byte scripts: each script runs whole and one byte at a time, and the two
// transcripts must be identical. A fake outside answers the session's requests.
#include "smtpd/smtp_session.h"

#include <ostream>

#include <gtest/gtest.h>

#include "tests/smtpd/session_driver.h"

namespace roost::smtp {
namespace {

using testing::expect_replies;
using testing::Fake;
using testing::mx_config;
using testing::run_both;
using testing::submission_config;
using testing::test_tls;
using testing::Transcript;

const std::string kEhlo = "EHLO client.example.net\r\n";
const std::string kMail = "MAIL FROM:<sender@remote.example>\r\n";
const std::string kRcpt = "RCPT TO:<bob@example.org>\r\n";
const std::string kMessage = "From: sender@remote.example\r\nSubject: hi\r\n\r\nHello Bob.\r\n";
const std::string kAuthPlain = "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n";
const std::string kSubmitMail = "MAIL FROM:<alice@example.org>\r\n";

enum class Setup { mx, mx_tls, mx_auth, submission, submission_tls, submissions };

struct Case {
  std::string name;
  Setup setup;
  std::vector<std::string> steps;
  std::vector<std::string> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

SessionConfig config_for(Setup s) {
  SessionConfig c = (s == Setup::mx || s == Setup::mx_tls || s == Setup::mx_auth) ? mx_config() : submission_config();
  if (s == Setup::submissions) c.listener = ListenerKind::submissions;
  if (s == Setup::mx_auth) c.auth_on_mx = true;
  return c;
}

std::optional<TlsInfo> tls_for(Setup s) {
  if (s == Setup::mx_tls || s == Setup::mx_auth || s == Setup::submission_tls || s == Setup::submissions) return test_tls();
  return std::nullopt;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A smuggling attempt: the probe inside the data, then a second transaction that must stay content.
std::string smuggle(const std::string& probe) {
  return "Subject: one\r\n\r\nfirst" + probe + "MAIL FROM:<evil@evil.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n" +
         "Subject: smuggled\r\n\r\nsecond\r\n.\r\n";
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // ---- Sequence, syntax, basic commands ----
      {"MailBeforeHeloIsRejected", Setup::mx, {kMail}, {"220", "503 5.5.1"}},
      {"RcptBeforeMailIsRejected", Setup::mx, {kEhlo + kRcpt}, {"220", "250", "503 5.5.1"}},
      {"DataBeforeMailIsRejected", Setup::mx, {kEhlo + "DATA\r\n"}, {"220", "250", "503 5.5.1"}},
      {"DataWithoutValidRecipientIs554", Setup::mx, {kEhlo + kMail + "RCPT TO:<nobody@example.org>\r\nDATA\r\n"},
       {"220", "250", "250 2.1.0", "550 5.1.1", "554 5.5.1"}},
      {"NestedMailIsRejected", Setup::mx, {kEhlo + kMail + kMail}, {"220", "250", "250 2.1.0", "503 5.5.1"}},
      {"UnknownCommandIs500", Setup::mx, {"FOO bar\r\n"}, {"220", "500 5.5.2"}},
      {"EmptyLineIs500", Setup::mx, {"\r\n"}, {"220", "500 5.5.2"}},
      {"BareCrInCommandIs500", Setup::mx, {"NOOP\rRSET\r\n"}, {"220", "500 5.5.2"}},
      {"CommandsAreCaseInsensitive", Setup::mx, {"ehlo x\r\nmail from:<a@b.example>\r\nrset\r\n"}, {"220", "250", "250 2.1.0", "250 2.0.0"}},
      {"HeloAnswersWithHostname", Setup::mx, {"HELO client\r\n"}, {"220", "250 mx.example.org"}},
      {"EhloWithoutDomainIs501", Setup::mx, {"EHLO\r\n"}, {"220", "501 5.5.4"}},
      {"MailWithoutFromIs501", Setup::mx, {kEhlo + "MAIL TO:<a@b.example>\r\n"}, {"220", "250", "501 5.5.4"}},
      {"MailWithoutBracketsIs501", Setup::mx, {kEhlo + "MAIL FROM:a@b.example\r\n"}, {"220", "250", "501 5.1.7"}},
      {"RcptBadSyntaxIs501", Setup::mx, {kEhlo + kMail + "RCPT TO:<a@@b>\r\n"}, {"220", "250", "250 2.1.0", "501 5.1.3"}},
      {"UnknownMailParameterIs555", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> FOO=BAR\r\n"}, {"220", "250", "555 5.5.4"}},
      {"UnknownRcptParameterIs555", Setup::mx, {kEhlo + kMail + "RCPT TO:<bob@example.org> NOTIFY=NEVER\r\n"},
       {"220", "250", "250 2.1.0", "555 5.5.4"}},
      {"BinaryMimeIs555", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n"}, {"220", "250", "555 5.5.4"}},
      {"EightBitMimeAccepted", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> BODY=8BITMIME\r\n"}, {"220", "250", "250 2.1.0"}},
      {"DuplicateParameterIs501", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SIZE=1 SIZE=2\r\n"}, {"220", "250", "501 5.5.4"}},
      {"SizeOverLimitAtMailIs552", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SIZE=52428801\r\n"}, {"220", "250", "552 5.3.4"}},
      {"SizeAtLimitAccepted", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SIZE=52428800\r\n"}, {"220", "250", "250 2.1.0"}},
      {"SizeNotANumberIs501", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SIZE=12x\r\n"}, {"220", "250", "501 5.5.4"}},
      {"SizeOverflowIs501", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SIZE=99999999999999999999999\r\n"}, {"220", "250", "501 5.5.4"}},
      {"RsetEndsTransaction", Setup::mx, {kEhlo + kMail + "RSET\r\n" + kRcpt}, {"220", "250", "250 2.1.0", "250 2.0.0", "503 5.5.1"}},
      {"RsetWithArgumentIs501", Setup::mx, {"RSET now\r\n"}, {"220", "501 5.5.4"}},
      {"EhloResetsTransaction", Setup::mx, {kEhlo + kMail + kEhlo + kRcpt}, {"220", "250", "250 2.1.0", "250", "503 5.5.1"}},
      {"NoopAndHelp", Setup::mx, {"NOOP\r\nNOOP whatever\r\nHELP\r\n"}, {"220", "250 2.0.0", "250 2.0.0", "214 2.0.0"}},
      {"VrfyDisclosesNothing", Setup::mx, {"VRFY bob\r\nVRFY nobody\r\nVRFY\r\n"}, {"220", "252 2.5.0", "252 2.5.0", "501 5.5.4"}},
      {"ExpnIsNotSupported", Setup::mx, {"EXPN staff\r\n"}, {"220", "502 5.5.1"}},
      {"QuitCloses", Setup::mx, {"QUIT\r\nNOOP\r\n"}, {"220", "221 2.0.0"}},
      {"DataWithArgumentIs501", Setup::mx, {kEhlo + kMail + kRcpt + "DATA now\r\n"}, {"220", "250", "250 2.1.0", "250 2.1.5", "501 5.5.4"}},

      // ---- Transactions ----
      {"PipelinedTransactionInOnePacket", Setup::mx,
       {kEhlo + kMail + kRcpt + "RCPT TO:<alice@example.org>\r\nDATA\r\n" + kMessage + ".\r\nQUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0"}},
      {"TwoTransactionsInOneSession", Setup::mx,
       {kEhlo + kMail + kRcpt + "DATA\r\n" + kMessage + ".\r\n" + kMail + kRcpt + "DATA\r\n" + kMessage + ".\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"}},
      {"EmptyMessageIsAccepted", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n.\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"}},
      {"NullSenderAcceptedOnMx", Setup::mx, {kEhlo + "MAIL FROM:<>\r\n" + kRcpt}, {"220", "250", "250 2.1.0", "250 2.1.5"}},
      {"PostmasterWithoutDomainAccepted", Setup::mx, {kEhlo + kMail + "RCPT TO:<Postmaster>\r\n"}, {"220", "250", "250 2.1.0", "250 2.1.5"}},
      {"UnknownRecipientIs550", Setup::mx, {kEhlo + kMail + "RCPT TO:<nobody@example.org>\r\n"}, {"220", "250", "250 2.1.0", "550 5.1.1"}},
      {"DisabledRecipientIs450", Setup::mx, {kEhlo + kMail + "RCPT TO:<disabled@example.org>\r\n"}, {"220", "250", "250 2.1.0", "450 4.2.1"}},
      {"FullMailboxIs452", Setup::mx, {kEhlo + kMail + "RCPT TO:<full@example.org>\r\n"}, {"220", "250", "250 2.1.0", "452 4.2.2"}},
      {"OverQuotaIs552", Setup::mx, {kEhlo + kMail + "RCPT TO:<over@example.org>\r\n"}, {"220", "250", "250 2.1.0", "552 5.2.2"}},
      {"ResolverFailureIs451", Setup::mx, {kEhlo + kMail + "RCPT TO:<tempfail@example.org>\r\n"}, {"220", "250", "250 2.1.0", "451 4.3.0"}},

      // ---- No open relay ----
      {"RelayToRemoteDomainDenied", Setup::mx, {kEhlo + kMail + "RCPT TO:<victim@elsewhere.example>\r\n"}, {"220", "250", "250 2.1.0", "554 5.7.1"}},
      {"RelayThroughSourceRouteDenied", Setup::mx, {kEhlo + kMail + "RCPT TO:<@example.org:victim@elsewhere.example>\r\n"},
       {"220", "250", "250 2.1.0", "554 5.7.1"}},
      {"SourceRouteToLocalUserIgnoresRoute", Setup::mx, {kEhlo + kMail + "RCPT TO:<@elsewhere.example:bob@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5"}},
      {"RelayThroughQuotedAtDenied", Setup::mx, {kEhlo + kMail + "RCPT TO:<\"victim@elsewhere.example\"@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "554 5.7.1"}},
      {"RelayThroughPercentHackDenied", Setup::mx, {kEhlo + kMail + "RCPT TO:<victim%elsewhere.example@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "554 5.7.1"}},
      {"RelayThroughBangPathDenied", Setup::mx, {kEhlo + kMail + "RCPT TO:<elsewhere.example!victim@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "554 5.7.1"}},

      // ---- Limits ----
      {"TooManyRecipientsIs452", Setup::mx, {kEhlo + kMail + repeat(kRcpt, 101)},
       [] {
         std::vector<std::string> e{"220", "250", "250 2.1.0"};
         for (int i = 0; i < 100; ++i) e.emplace_back("250 2.1.5");
         e.emplace_back("452 4.5.3");
         return e;
       }()},
      {"OverLongLineIs500AndSkipped", Setup::mx, {"NOOP " + std::string(5000, 'x') + "\r\nNOOP\r\n"}, {"220", "500 5.5.2", "250 2.0.0"}},
      {"TooManyErrorsCloseWith421", Setup::mx, {repeat("FOO\r\n", 19) + "RCPT TO:<a@b.example>\r\nNOOP\r\n"},
       [] {
         std::vector<std::string> e{"220"};
         for (int i = 0; i < 19; ++i) e.emplace_back("500 5.5.2");
         e.emplace_back("503 5.5.1");
         e.emplace_back("421 4.7.0");
         return e;
       }()},

      // ---- DATA content ----
      {"DotStuffedDataAccepted", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\n..leading dot\r\n...\r\n.\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"}},
      {"SmugglingProbeLfDotLf", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + smuggle("\n.\n") + "QUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"SmugglingProbeCrLfDotLf", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + smuggle("\r\n.\n") + "QUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"SmugglingProbeLfDotCrLf", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + smuggle("\n.\r\n") + "QUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"SmugglingProbeCrDotCr", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + smuggle("\r.\r") + "QUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"SmugglingProbeCrDotCrLf", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + smuggle("\r.\r\n") + "QUIT\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"SmugglingProbeOnSubmission", Setup::submission_tls,
       {kEhlo + kAuthPlain + kSubmitMail + kRcpt + "DATA\r\n" + smuggle("\n.\r\n") + "QUIT\r\n"},
       {"220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221"}},
      {"BareLfInBodyIs554", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\nSubject: x\r\n\r\nline\nline\r\n.\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0"}},
      {"MailLoopIs554", Setup::mx, {kEhlo + kMail + kRcpt + "DATA\r\n" + repeat("Received: from a by b; x\r\n", 100) + "\r\nx\r\n.\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.4.6"}},

      // ---- BDAT (RFC 3030) ----
      {"BdatChunksThenLast", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT 14\r\nSubject: x\r\n\r\nBDAT 7 LAST\r\nHello\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0 14 octets", "250 2.0.0 Ok: queued"}},
      {"BdatZeroLast", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT 5\r\nab\r\nc" + "BDAT 0 LAST\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0 5 octets", "250 2.0.0 Ok: queued"}},
      {"BdatCrLfAcrossChunksIsCrLf", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT 3\r\nab\rBDAT 1 LAST\r\n\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "250 2.0.0 Ok: queued"}},
      {"DataAfterBdatIs503", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT 3\r\nab\nDATA\r\nRSET\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "503 5.5.1", "250 2.0.0"}},
      {"RcptAfterBdatIs503", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT 2\r\nabRCPT TO:<alice@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "503 5.5.1"}},
      {"BdatWithoutMailSkipsChunk", Setup::mx, {kEhlo + "BDAT 6\r\nNOOP\r\nQUIT\r\n"}, {"220", "250", "503 5.5.1", "221"}},
      {"BdatWithoutRecipientSkipsChunk", Setup::mx, {kEhlo + kMail + "BDAT 6 LAST\r\nNOOP\r\nNOOP\r\n"},
       {"220", "250", "250 2.1.0", "554 5.5.1", "250 2.0.0"}},
      {"BdatBadSizeIs501", Setup::mx, {kEhlo + kMail + kRcpt + "BDAT ten\r\nBDAT 1 FIRST\r\nBDAT 99999999999999999999999\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "501 5.5.4", "501 5.5.4", "501 5.5.4"}},
      {"DataThenBdatTransactions", Setup::mx,
       {kEhlo + kMail + kRcpt + "DATA\r\n" + kMessage + ".\r\n" + kMail + kRcpt + "BDAT 10 LAST\r\nSubject:\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "250 2.1.0", "250 2.1.5", "250 2.0.0 Ok: queued"}},
      {"BdatBeforeTlsOnSubmissionSkipsChunk", Setup::submission, {kEhlo + "BDAT 6\r\nNOOP\r\nNOOP\r\n"},
       {"220", "250", "530 5.7.0", "250 2.0.0"}},

      // ---- STARTTLS (RFC 3207) ----
      {"StartTlsDiscardsPipelinedPlaintext", Setup::mx,
       {kEhlo + "STARTTLS\r\n" + kMail + kRcpt, kMail + kEhlo + kMail},
       {"220", "250", "220 2.0.0", "503 5.5.1", "250", "250 2.1.0"}},
      {"StartTlsTwiceIs503", Setup::mx, {kEhlo + "STARTTLS\r\n", kEhlo + "STARTTLS\r\n"}, {"220", "250", "220 2.0.0", "250", "503 5.5.1"}},
      {"StartTlsWithArgumentIs501", Setup::mx, {kEhlo + "STARTTLS now\r\n"}, {"220", "250", "501 5.5.4"}},
      {"StartTlsBeforeEhloIs503", Setup::mx, {"STARTTLS\r\n"}, {"220", "503 5.5.1"}},
      {"StartTlsInTransactionIs503", Setup::mx, {kEhlo + kMail + "STARTTLS\r\n"}, {"220", "250", "250 2.1.0", "503 5.5.1"}},

      // ---- AUTH (RFC 4954) ----
      {"AuthBeforeTlsOnSubmissionIs538", Setup::submission, {kEhlo + kAuthPlain}, {"220", "250", "538 5.7.11"}},
      {"MailBeforeTlsOnSubmissionIs530", Setup::submission, {kEhlo + kSubmitMail}, {"220", "250", "530 5.7.0"}},
      {"MailBeforeAuthOnSubmissionIs530", Setup::submission_tls, {kEhlo + kSubmitMail}, {"220", "250", "530 5.7.0"}},
      {"AuthPlainWithInitialResponse", Setup::submission_tls, {kEhlo + kAuthPlain}, {"220", "250", "235 2.7.0"}},
      {"AuthPlainWithoutInitialResponse", Setup::submission_tls, {kEhlo + "AUTH PLAIN\r\n", "AGFsaWNlAHNlY3JldA==\r\n"},
       {"220", "250", "334 ", "235 2.7.0"}},
      {"AuthLoginWithoutInitialResponse", Setup::submission_tls, {kEhlo + "AUTH LOGIN\r\n", "YWxpY2U=\r\n", "c2VjcmV0\r\n"},
       {"220", "250", "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0"}},
      {"AuthLoginWithInitialResponse", Setup::submissions, {kEhlo + "AUTH LOGIN YWxpY2U=\r\n", "c2VjcmV0\r\n"},
       {"220", "250", "334 UGFzc3dvcmQ6", "235 2.7.0"}},
      {"AuthBadPasswordIs535", Setup::submission_tls, {kEhlo + "AUTH PLAIN AGFsaWNlAHdyb25n\r\n"}, {"220", "250", "535 5.7.8"}},
      {"AuthCancelledIs501", Setup::submission_tls, {kEhlo + "AUTH LOGIN\r\n", "*\r\n"}, {"220", "250", "334", "501 5.7.0"}},
      {"AuthBadBase64Is501", Setup::submission_tls, {kEhlo + "AUTH PLAIN !!!!\r\n"}, {"220", "250", "501 5.5.2"}},
      {"AuthUnknownMechanismIs504", Setup::submission_tls, {kEhlo + "AUTH CRAM-MD5\r\n"}, {"220", "250", "504 5.5.4"}},
      {"AuthForeignAuthzidIs535", Setup::submission_tls, {kEhlo + "AUTH PLAIN Ym9iAGFsaWNlAHNlY3JldA==\r\n"}, {"220", "250", "535 5.7.8"}},
      {"AuthTwiceIs503", Setup::submission_tls, {kEhlo + kAuthPlain + kAuthPlain}, {"220", "250", "235 2.7.0", "503 5.5.1"}},
      {"AuthBeforeEhloIs503", Setup::submission_tls, {kAuthPlain}, {"220", "503 5.5.1"}},
      {"AuthInTransactionIs503", Setup::mx_auth, {kEhlo + kMail + kAuthPlain}, {"220", "250", "250 2.1.0", "503 5.5.1"}},
      {"AuthOnMxIsNotEnabled", Setup::mx_tls, {kEhlo + kAuthPlain}, {"220", "250", "503 5.5.1"}},
      {"AuthOnMxWhenConfigured", Setup::mx_auth, {kEhlo + kAuthPlain}, {"220", "250", "235 2.7.0"}},
      {"AuthLineTooLongIs500", Setup::submission_tls, {kEhlo + "AUTH LOGIN\r\n", std::string(5000, 'A') + "\r\nNOOP\r\n"},
       {"220", "250", "334", "500 5.5.2", "250 2.0.0"}},

      // ---- Submission ----
      {"SubmissionSenderNotOwnedIs553", Setup::submission_tls, {kEhlo + kAuthPlain + "MAIL FROM:<bob@example.org>\r\n"},
       {"220", "250", "235 2.7.0", "553 5.7.1"}},
      {"SubmissionNullSenderIs553", Setup::submission_tls, {kEhlo + kAuthPlain + "MAIL FROM:<>\r\n"}, {"220", "250", "235 2.7.0", "553 5.7.1"}},
      {"SubmissionRelaysForAuthenticatedUser", Setup::submission_tls,
       {kEhlo + kAuthPlain + kSubmitMail + "RCPT TO:<friend@elsewhere.example>\r\nDATA\r\nFrom: <alice@example.org>\r\n\r\nhi\r\n.\r\n"},
       {"220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"}},
      {"SubmissionFromHeaderNotOwnedIs550", Setup::submission_tls,
       {kEhlo + kAuthPlain + kSubmitMail + kRcpt + "DATA\r\nFrom: Bob <bob@example.org>\r\n\r\nhi\r\n.\r\n"},
       {"220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "550 5.7.1"}},
      {"SubmissionFromHeaderAliasOwned", Setup::submission_tls,
       {kEhlo + kAuthPlain + kSubmitMail + kRcpt + "DATA\r\nFrom: \"Smith, Alice\" <alice.smith@example.org>\r\n\r\nhi\r\n.\r\n"},
       {"220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"}},
      {"SubmissionWithoutFromIs550", Setup::submission_tls,
       {kEhlo + kAuthPlain + kSubmitMail + kRcpt + "DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n"},
       {"220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "550 5.6.0"}},

      // ---- SMTPUTF8 (RFC 6531) ----
      {"Utf8SenderWithoutSmtputf8Is553", Setup::mx, {kEhlo + "MAIL FROM:<jörg@remote.example>\r\n"}, {"220", "250", "553 5.6.7"}},
      {"Utf8SenderWithSmtputf8Accepted", Setup::mx, {kEhlo + "MAIL FROM:<jörg@remote.example> SMTPUTF8\r\nRCPT TO:<jörg@example.org>\r\n"},
       {"220", "250", "250 2.1.0", "250 2.1.5"}},
      {"Utf8RecipientWithoutSmtputf8Is553", Setup::mx, {kEhlo + kMail + "RCPT TO:<jörg@example.org>\r\n"}, {"220", "250", "250 2.1.0", "553 5.6.7"}},
      {"Smtputf8WithValueIs555", Setup::mx, {kEhlo + "MAIL FROM:<a@b.example> SMTPUTF8=yes\r\n"}, {"220", "250", "555 5.5.4"}},
  };
  return all;
}

class SessionScript : public ::testing::TestWithParam<Case> {};

TEST_P(SessionScript, RepliesInOrder) {
  const Case& c = GetParam();
  Transcript t = run_both(config_for(c.setup), c.steps, Fake{}, tls_for(c.setup));
  expect_replies(t, c.expected);
}

INSTANTIATE_TEST_SUITE_P(SmtpSession, SessionScript, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace roost::smtp

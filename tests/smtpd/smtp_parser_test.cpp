// The SMTP parser pieces: line framing (whole and byte by byte), verbs, MAIL/RCPT/BDAT/AUTH
// arguments, and overflow-safe numbers.
#include "smtpd/smtp_parser.h"

#include <gtest/gtest.h>

namespace roost::smtp {
namespace {

struct Framed {
  std::vector<std::string> items;  // lines, or "<too long>"
  bool operator==(const Framed&) const = default;
};

Framed frame(LineReader reader, const std::string& input, bool bytewise) {
  Framed out;
  std::string buffer;
  auto drain = [&] {
    while (true) {
      LineReader::Step step = reader.next(buffer);
      std::string line(step.line);
      buffer.erase(0, step.consumed);
      if (step.kind == LineReader::Kind::need_more) break;
      out.items.push_back(step.kind == LineReader::Kind::too_long ? "<too long>" : line + (step.bare_lf ? "<LF>" : ""));
    }
  };
  if (bytewise) {
    for (char c : input) {
      buffer += c;
      drain();
    }
  } else {
    buffer = input;
    drain();
  }
  return out;
}

TEST(SmtpLineReader, SplitsLinesTheSameWholeAndByteByByte) {
  const std::string input = "NOOP\r\nRSET\nQUIT\r\npartial";
  Framed whole = frame(LineReader(100), input, false);
  EXPECT_EQ(whole.items, (std::vector<std::string>{"NOOP", "RSET<LF>", "QUIT"}));
  EXPECT_EQ(frame(LineReader(100), input, true), whole);
}

TEST(SmtpLineReader, OverLongLineIsReportedOnceAndSkippedToTheNextLf) {
  const std::string input = std::string(50, 'a') + "\r\nNOOP\r\n" + std::string(30, 'b') + "\nX\r\n";
  Framed whole = frame(LineReader(20), input, false);
  EXPECT_EQ(whole.items, (std::vector<std::string>{"<too long>", "NOOP", "<too long>", "X"}));
  EXPECT_EQ(frame(LineReader(20), input, true), whole);
}

TEST(SmtpLineReader, LimitCountsTheLineEnding) {
  // 18 characters + CRLF = 20 octets: allowed; 19 + CRLF = 21: too long.
  EXPECT_EQ(frame(LineReader(20), std::string(18, 'a') + "\r\n", true).items, std::vector<std::string>{std::string(18, 'a')});
  EXPECT_EQ(frame(LineReader(20), std::string(19, 'a') + "\r\n", true).items, std::vector<std::string>{"<too long>"});
  EXPECT_EQ(frame(LineReader(20), std::string(19, 'a') + "\r\n", false).items, std::vector<std::string>{"<too long>"});
}

TEST(SmtpParser, VerbsAreCaseInsensitiveAndUnknownIs500) {
  auto c = parse_command("mail FROM:<a@b>");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, Verb::mail);
  EXPECT_EQ(c->args, "FROM:<a@b>");
  auto q = parse_command("QUIT");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->verb, Verb::quit);
  EXPECT_TRUE(q->args.empty());
  auto bad = parse_command("MAILX FROM:<a@b>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().render(), "500 5.5.2 Syntax error: command unrecognized\r\n");
  EXPECT_FALSE(parse_command(std::string("NOOP\0x", 6)).ok());
  EXPECT_FALSE(parse_command("NOOP\rx").ok());
}

TEST(SmtpParser, MailFromParameters) {
  auto m = parse_mail_from("FROM:<a@b.example> SIZE=1000 BODY=8bitmime SMTPUTF8 AUTH=<>");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->sender.to_string(), "a@b.example");
  EXPECT_EQ(m->size, 1000u);
  EXPECT_EQ(m->body, BodyType::eight_bit_mime);
  EXPECT_TRUE(m->smtputf8);
  auto null = parse_mail_from("FROM:<>");
  ASSERT_TRUE(null.ok());
  EXPECT_TRUE(null->sender.null_path);
  auto spaced = parse_mail_from("FROM: <a@b.example>");
  EXPECT_TRUE(spaced.ok()) << "a space before the path is tolerated";
}

TEST(SmtpParser, MailFromErrorsCarryTheirReply) {
  struct Row {
    std::string args;
    int code;
    std::string enhanced;
  };
  for (const Row& row : {Row{"TO:<a@b.example>", 501, "5.5.4"}, Row{"FROM:a@b.example", 501, "5.1.7"},
                         Row{"FROM:<a@b.example> X-FOO", 555, "5.5.4"}, Row{"FROM:<a@b.example> BODY=BINARYMIME", 555, "5.5.4"},
                         Row{"FROM:<a@b.example> SIZE=", 501, "5.5.4"}, Row{"FROM:<a@b.example> SIZE=-1", 501, "5.5.4"},
                         Row{"FROM:<a@b.example> SMTPUTF8=1", 555, "5.5.4"}, Row{"FROM:<ü@b.example>", 553, "5.6.7"},
                         Row{"FROM:<a@b.example> SIZE=1 SIZE=1", 501, "5.5.4"}}) {
    auto m = parse_mail_from(row.args);
    ASSERT_FALSE(m.ok()) << row.args;
    EXPECT_EQ(m.error().code, row.code) << row.args;
    EXPECT_EQ(m.error().enhanced, row.enhanced) << row.args;
  }
}

TEST(SmtpParser, RcptTo) {
  auto r = parse_rcpt_to("TO:<Bob@Example.ORG>", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lookup_key(), "bob@example.org");
  auto routed = parse_rcpt_to("TO:<@relay.example:bob@example.org>", false);
  ASSERT_TRUE(routed.ok());
  EXPECT_TRUE(routed->source_route);
  EXPECT_EQ(routed->to_string(), "bob@example.org");
  EXPECT_TRUE(parse_rcpt_to("TO:<Postmaster>", false)->postmaster);
  EXPECT_EQ(parse_rcpt_to("TO:<bob@example.org> NOTIFY=NEVER", false).error().code, 555);
  EXPECT_EQ(parse_rcpt_to("TO:<jörg@example.org>", false).error().code, 553);
  EXPECT_TRUE(parse_rcpt_to("TO:<jörg@example.org>", true).ok());
  EXPECT_EQ(parse_rcpt_to("FROM:<bob@example.org>", false).error().code, 501);
}

TEST(SmtpParser, BdatArguments) {
  auto a = parse_bdat("1000 LAST");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size, 1000u);
  EXPECT_TRUE(a->last);
  auto b = parse_bdat("0");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->last);
  EXPECT_TRUE(parse_bdat("18446744073709551615").ok());
  for (std::string bad : {"", "x", "-1", "18446744073709551616", "10 FIRST", "10  LAST", " 10"}) {
    EXPECT_FALSE(parse_bdat(bad).ok()) << bad;
  }
}

TEST(SmtpParser, AuthArguments) {
  auto a = parse_auth("PLAIN AGFsaWNlAHNlY3JldA==");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mechanism, "PLAIN");
  EXPECT_EQ(a->initial_response, "AGFsaWNlAHNlY3JldA==");
  auto b = parse_auth("LOGIN");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->initial_response.has_value());
  EXPECT_FALSE(parse_auth("").ok());
  EXPECT_FALSE(parse_auth("PLAIN a b").ok());
}

TEST(SmtpParser, DecimalIsOverflowSafe) {
  EXPECT_EQ(parse_decimal("0"), 0u);
  EXPECT_EQ(parse_decimal("18446744073709551615"), 18446744073709551615u);
  EXPECT_FALSE(parse_decimal("18446744073709551616").has_value());
  EXPECT_FALSE(parse_decimal("").has_value());
  EXPECT_FALSE(parse_decimal("+1").has_value());
}

}  // namespace
}  // namespace roost::smtp

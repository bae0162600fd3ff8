// The command grammar: every command parsed from bytes (framed whole and byte by byte, with the same
// result), the typed fields it yields, and BAD with the tag for bad syntax.
#include "imapd/imap_command.h"

#include <functional>

#include <gtest/gtest.h>

#include "tests/imapd/framer_driver.h"

namespace roost::imap {
namespace {

// Frames `wire` (one command, CRLF-terminated), both ways, and parses it; both ways must agree.
Result<Command, Reply> parse_wire(const std::string& wire) {
  auto whole = test::run_framer(wire, false);
  auto bytewise = test::run_framer(wire, true);
  EXPECT_EQ(whole.events, bytewise.events) << wire;
  if (whole.commands.size() != 1) {
    ADD_FAILURE() << "not one command: " << wire;
    return fail(bad("*", "framing"));
  }
  auto a = parse_command(whole.commands[0]);
  auto b = parse_command(bytewise.commands[0]);
  EXPECT_EQ(a.ok(), b.ok()) << wire;
  if (a.ok() && b.ok()) {
    EXPECT_EQ(a->tag, b->tag);
    EXPECT_TRUE(a->body == b->body) << wire;
  } else if (!a.ok() && !b.ok()) {
    EXPECT_EQ(a.error(), b.error());
  }
  return a;
}

template <typename T>
T parse_as(const std::string& wire) {
  auto r = parse_wire(wire);
  if (!r.ok()) {
    ADD_FAILURE() << wire << " -> " << r.error().render();
    return T{};
  }
  const T* body = std::get_if<T>(&r->body);
  if (!body) {
    ADD_FAILURE() << wire << ": parsed as another command";
    return T{};
  }
  return *body;
}

std::string bad_reply(const std::string& wire) {
  auto r = parse_wire(wire);
  if (r.ok()) return "parsed";
  return r.error().render();
}

// One valid form of every command; each must parse, and with trailing junk must be BAD with its tag.
TEST(ImapCommand, EveryCommandParsesAndRefusesTrailingJunk) {
  const char* const commands[] = {
      "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE PLAIN =", "LOGIN a b", "ENABLE CONDSTORE",
      "SELECT INBOX", "EXAMINE INBOX (CONDSTORE)", "CREATE a", "DELETE a", "RENAME a b", "SUBSCRIBE a",
      "UNSUBSCRIBE a", "LIST \"\" *", "LSUB \"\" *", "NAMESPACE", "STATUS a (MESSAGES)",
      "APPEND a {1+}\r\nx", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "UID EXPUNGE 1:2",
      "SEARCH ALL", "UID SEARCH ALL", "FETCH 1 FLAGS", "UID FETCH 1 FLAGS", "STORE 1 FLAGS ()",
      "UID STORE 1 FLAGS ()", "COPY 1 a", "UID COPY 1 a", "MOVE 1 a", "UID MOVE 1 a", "ID NIL",
      "GETQUOTA \"\"", "GETQUOTAROOT INBOX", "COMPRESS DEFLATE",
  };
  for (const char* command : commands) {
    std::string wire = std::string("t7 ") + command;
    auto r = parse_wire(wire + "\r\n");
    EXPECT_TRUE(r.ok()) << wire << " -> " << (r.ok() ? "" : r.error().render());
    if (r.ok()) {
      EXPECT_EQ(r->tag, "t7");
    }
    std::string junk = bad_reply(wire + " )junk\r\n");
    EXPECT_EQ(junk.substr(0, 7), "t7 BAD ") << wire;
  }
}

TEST(ImapCommand, CommandsWithoutArgumentsAreCaseInsensitive) {
  auto r = parse_wire("a1 capability\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tag, "a1");
  EXPECT_TRUE(std::holds_alternative<Capability>(r->body));
  for (const char* wire : {"a NOOP\r\n", "a LOGOUT\r\n", "a STARTTLS\r\n", "a NAMESPACE\r\n", "a IDLE\r\n",
                           "a CHECK\r\n", "a CLOSE\r\n", "a UNSELECT\r\n", "a EXPUNGE\r\n"}) {
    EXPECT_TRUE(parse_wire(wire).ok()) << wire;
  }
  EXPECT_EQ(bad_reply("a NOOP extra\r\n"), "a BAD NOOP: Unexpected text at the end of the command\r\n");
}

TEST(ImapCommand, BadSyntaxIsBadWithTheTag) {
  EXPECT_EQ(bad_reply("a1 FROB\r\n"), "a1 BAD Unknown command\r\n");
  EXPECT_EQ(bad_reply("a1\r\n"), "a1 BAD Missing command\r\n");
  EXPECT_EQ(bad_reply("a1  NOOP\r\n"), "a1 BAD Missing command\r\n");
  EXPECT_EQ(bad_reply("\r\n"), "* BAD Missing or invalid tag\r\n");
  EXPECT_EQ(bad_reply("* OK garbage\r\n"), "* BAD Missing or invalid tag\r\n");
  EXPECT_EQ(bad_reply("+ x\r\n"), "* BAD Missing or invalid tag\r\n");
  EXPECT_EQ(bad_reply("a LOGIN \"unterminated\r\n"), "a BAD LOGIN: Unterminated quoted string\r\n");
  EXPECT_EQ(bad_reply("a UID NOOP\r\n"), "a BAD UID: Unknown UID command\r\n");
  EXPECT_EQ(bad_reply(std::string("a LOGIN {2+}\r\na\0 x\r\n", 20)), "a BAD LOGIN: NUL in a literal\r\n");
}

TEST(ImapCommand, LoginTakesAtomsQuotedStringsWithEscapesAndLiterals) {
  auto l = parse_as<Login>("a LOGIN fred \"pa\\\"ss\\\\word\"\r\n");
  EXPECT_EQ(l.user, "fred");
  EXPECT_EQ(l.password, "pa\"ss\\word");
  l = parse_as<Login>("a LOGIN {4}\r\nfr d {3+}\r\n\"\r\n\r\n");
  EXPECT_EQ(l.user, "fr d");
  EXPECT_EQ(l.password, "\"\r\n");
  EXPECT_EQ(bad_reply("a LOGIN \"a\\b\" x\r\n"), "a BAD LOGIN: Bad escape in a quoted string\r\n");
  EXPECT_EQ(bad_reply("a LOGIN fred\r\n"), "a BAD LOGIN: Expected a space\r\n");
}

TEST(ImapCommand, AuthenticateWithSaslIr) {
  auto a = parse_as<Authenticate>("a AUTHENTICATE plain AGZyZWQAc2VjcmV0\r\n");
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_EQ(a.initial_response, "AGZyZWQAc2VjcmV0");
  EXPECT_EQ(parse_as<Authenticate>("a AUTHENTICATE PLAIN =\r\n").initial_response, "=");
  EXPECT_FALSE(parse_as<Authenticate>("a AUTHENTICATE LOGIN\r\n").initial_response);
  EXPECT_NE(bad_reply("a AUTHENTICATE PLAIN abc\r\n"), "parsed");
}

TEST(ImapCommand, EnableIdCompress) {
  EXPECT_EQ(parse_as<Enable>("a ENABLE qresync UTF8=ACCEPT\r\n").capabilities,
            (std::vector<std::string>{"QRESYNC", "UTF8=ACCEPT"}));
  EXPECT_NE(bad_reply("a ENABLE\r\n"), "parsed");
  auto id = parse_as<Id>("a ID (\"name\" \"sodr\" \"version\" NIL)\r\n");
  ASSERT_EQ(id.params.size(), 2u);
  EXPECT_EQ(id.params[0].second, "sodr");
  EXPECT_FALSE(id.params[1].second);
  EXPECT_TRUE(parse_as<Id>("a ID NIL\r\n").params.empty());
  EXPECT_EQ(parse_as<Compress>("a COMPRESS deflate\r\n").mechanism, "DEFLATE");
}

TEST(ImapCommand, SelectWithCondstoreAndQresync) {
  auto s = parse_as<Select>("a EXAMINE \"Sent Items\" (CONDSTORE)\r\n");
  EXPECT_TRUE(s.read_only);
  EXPECT_TRUE(s.condstore);
  EXPECT_EQ(s.mailbox, "Sent Items");
  s = parse_as<Select>("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:3,5 4,8:9)))\r\n");
  ASSERT_TRUE(s.qresync);
  EXPECT_EQ(s.qresync->uidvalidity, 67890007u);
  EXPECT_EQ(s.qresync->modseq, 20050715194045000u);
  ASSERT_TRUE(s.qresync->known_uids);
  EXPECT_EQ(s.qresync->known_uids->to_string(), "41,43:211,214:541");
  ASSERT_TRUE(s.qresync->seq_match);
  EXPECT_EQ(s.qresync->seq_match->second.to_string(), "4,8:9");
  s = parse_as<Select>("a SELECT INBOX (QRESYNC (1 2))\r\n");
  ASSERT_TRUE(s.qresync);
  EXPECT_FALSE(s.qresync->known_uids);
  EXPECT_NE(bad_reply("a SELECT INBOX (QRESYNC (1 2 1:*))\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SELECT INBOX (FOO)\r\n"), "parsed");
  EXPECT_EQ(parse_as<Select>("a SELECT {5+}\r\nIN)OX\r\n").mailbox, "IN)OX");
}

TEST(ImapCommand, MailboxManagement) {
  auto c = parse_as<Create>("a CREATE Drafts (USE (\\Drafts))\r\n");
  EXPECT_EQ(c.special_use, (std::vector<std::string>{"\\Drafts"}));
  EXPECT_EQ(parse_as<Delete>("a DELETE foo\r\n").mailbox, "foo");
  auto r = parse_as<Rename>("a RENAME old \"new one\"\r\n");
  EXPECT_EQ(r.to, "new one");
  EXPECT_FALSE(parse_as<Subscribe>("a UNSUBSCRIBE x\r\n").subscribe);
  EXPECT_EQ(parse_as<GetQuota>("a GETQUOTA \"\"\r\n").root, "");
  EXPECT_EQ(parse_as<GetQuotaRoot>("a GETQUOTAROOT INBOX\r\n").mailbox, "INBOX");
  EXPECT_EQ(parse_as<Create>("a CREATE &AMk-t&AOk-\r\n").mailbox, "&AMk-t&AOk-");
  EXPECT_EQ(parse_as<Create>("a CREATE \"\xc3\x89t\xc3\xa9\"\r\n").mailbox, "\xc3\x89t\xc3\xa9");
}

TEST(ImapCommand, ListExtendedAndStatus) {
  auto l = parse_as<List>("a LIST \"\" %\r\n");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"%"}));
  l = parse_as<List>(
      "a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX* \"Other\") RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES SIZE))\r\n");
  EXPECT_TRUE(l.subscribed);
  EXPECT_TRUE(l.recursive_match);
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"INBOX*", "Other"}));
  EXPECT_TRUE(l.return_children);
  EXPECT_TRUE(l.return_special_use);
  ASSERT_TRUE(l.return_status);
  EXPECT_EQ(*l.return_status, (std::vector<StatusItem>{StatusItem::messages, StatusItem::size}));
  EXPECT_NE(bad_reply("a LIST (RECURSIVEMATCH) \"\" *\r\n"), "parsed");
  EXPECT_NE(bad_reply("a LIST (FOO) \"\" *\r\n"), "parsed");
  EXPECT_TRUE(parse_as<List>("a LSUB \"\" *\r\n").lsub);
  auto s = parse_as<Status>("a STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ SIZE DELETED)\r\n");
  EXPECT_EQ(s.items.size(), 5u);
  EXPECT_NE(bad_reply("a STATUS x ()\r\n"), "parsed");
  EXPECT_NE(bad_reply("a STATUS x (FOO)\r\n"), "parsed");
}

TEST(ImapCommand, AppendWithFlagsDateLiteralAndLiteral8) {
  auto a = parse_as<Append>("A003 APPEND saved-messages (\\Seen $Junk) \" 7-Feb-1994 21:52:25 -0800\" {5}\r\nHello\r\n");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
  ASSERT_TRUE(a.messages[0].internal_date);
  EXPECT_EQ(a.messages[0].internal_date->zone_minutes, -480);
  EXPECT_EQ(a.messages[0].data, "Hello");
  EXPECT_FALSE(a.messages[0].binary);
  a = parse_as<Append>(std::string("a APPEND INBOX ~{3+}\r\na\0b\r\n", 27));
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_TRUE(a.messages[0].binary);
  EXPECT_EQ(a.messages[0].data, std::string("a\0b", 3));
  a = parse_as<Append>("a APPEND INBOX {1+}\r\nx (\\Draft) {1+}\r\ny\r\n");  // MULTIAPPEND
  EXPECT_EQ(a.messages.size(), 2u);
  EXPECT_NE(bad_reply("a APPEND INBOX \"not a literal\"\r\n"), "parsed");
  EXPECT_NE(bad_reply("a APPEND INBOX \"31-Feb-1994 21:52:25 -0800\" {1+}\r\nx\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SELECT ~{1+}\r\nx\r\n"), "parsed");  // literal8 only in APPEND
}

TEST(ImapCommand, FetchItemsSectionsAndPartials) {
  auto f = parse_as<Fetch>("a FETCH 1:* ALL\r\n");
  EXPECT_EQ(f.items.size(), 4u);
  EXPECT_EQ(parse_as<Fetch>("a FETCH 1 FAST\r\n").items.size(), 3u);
  EXPECT_EQ(parse_as<Fetch>("a FETCH 1 full\r\n").items.size(), 5u);
  f = parse_as<Fetch>(
      "a UID FETCH 3,5:7 (FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)] BODY[1.2.MIME] BODY[]<0.1024> "
      "BINARY.PEEK[1]<10.20> BINARY.SIZE[2] BODYSTRUCTURE BODY RFC822.SIZE MODSEQ UID BODY[TEXT] BODY[3.HEADER])"
      " (CHANGEDSINCE 12345 VANISHED)\r\n");
  EXPECT_TRUE(f.uid);
  ASSERT_EQ(f.items.size(), 13u);
  using K = FetchItem::Kind;
  EXPECT_TRUE(f.items[1].peek);
  EXPECT_EQ(f.items[1].section.text, BodySection::Text::header_fields);
  EXPECT_EQ(f.items[1].section.fields, (std::vector<std::string>{"FROM", "SUBJECT"}));
  EXPECT_EQ(f.items[2].section.part, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(f.items[2].section.text, BodySection::Text::mime);
  ASSERT_TRUE(f.items[3].partial);
  EXPECT_EQ(f.items[3].partial->length, 1024u);
  EXPECT_EQ(f.items[4].kind, K::binary);
  EXPECT_TRUE(f.items[4].peek);
  EXPECT_EQ(f.items[5].kind, K::binary_size);
  EXPECT_EQ(f.items[7].kind, K::body_structure_basic);
  EXPECT_EQ(f.items[12].section.part, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(f.items[12].section.text, BodySection::Text::header);
  EXPECT_EQ(f.changed_since, 12345u);
  EXPECT_TRUE(f.vanished);
  EXPECT_NE(bad_reply("a FETCH 1 (FLAGS) (VANISHED CHANGEDSINCE 1)\r\n"), "parsed");  // RFC 7162 3.2.6
  EXPECT_NE(bad_reply("a FETCH 1 BODY[MIME]\r\n"), "parsed");
  EXPECT_NE(bad_reply("a FETCH 1 BODY[1]<0.0>\r\n"), "parsed");
  EXPECT_NE(bad_reply("a FETCH 1 BODY.PEEK\r\n"), "parsed");
  EXPECT_NE(bad_reply("a FETCH 1 (FLAGS ALL)\r\n"), "parsed");
  EXPECT_NE(bad_reply("a FETCH 0 FLAGS\r\n"), "parsed");
  EXPECT_EQ(parse_as<Fetch>("a FETCH $ FLAGS\r\n").set.saved, true);
}

TEST(ImapCommand, StoreCopyMoveExpunge) {
  auto s = parse_as<Store>("a STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(s.mode, Store::Mode::add);
  EXPECT_TRUE(s.silent);
  EXPECT_EQ(s.flags, (std::vector<std::string>{"\\Deleted"}));
  s = parse_as<Store>("a UID STORE 1:* (UNCHANGEDSINCE 320162338) -FLAGS \\seen $Work\r\n");
  EXPECT_TRUE(s.uid);
  EXPECT_EQ(s.unchanged_since, 320162338u);
  EXPECT_EQ(s.flags, (std::vector<std::string>{"\\Seen", "$Work"}));
  EXPECT_NE(bad_reply("a STORE 1 FLAGZ (\\Seen)\r\n"), "parsed");
  auto c = parse_as<Copy>("a UID MOVE *:4 Trash\r\n");
  EXPECT_TRUE(c.move);
  EXPECT_TRUE(c.uid);
  EXPECT_EQ(c.set.to_string(), "*:4");
  EXPECT_FALSE(parse_as<Copy>("a COPY 1 x\r\n").move);
  auto e = parse_as<Expunge>("a UID EXPUNGE 3000:3002\r\n");
  ASSERT_TRUE(e.uids);
  EXPECT_EQ(e.uids->to_string(), "3000:3002");
  EXPECT_FALSE(parse_as<Expunge>("a EXPUNGE\r\n").uids);
}

TEST(ImapCommand, SearchKeysFormATree) {
  using K = SearchKey::Kind;
  auto s = parse_as<Search>("a SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
  ASSERT_EQ(s.key.children.size(), 3u);
  EXPECT_EQ(s.key.children[1].kind, K::since);
  EXPECT_EQ(s.key.children[1].date, (mail::CivilDate{1994, 2, 1}));
  EXPECT_EQ(s.key.children[2].kind, K::negate);
  EXPECT_EQ(s.key.children[2].children[0].text, "Smith");
  s = parse_as<Search>(
      "a UID SEARCH RETURN (MIN COUNT SAVE) CHARSET utf-8 OR (UNSEEN LARGER 100) HEADER X-Spam yes "
      "1:5 UID 3:* MODSEQ \"/flags/\\\\draft\" all 620162338 KEYWORD $Junk TEXT {3+}\r\nabc\r\n");
  EXPECT_TRUE(s.uid);
  EXPECT_EQ(s.charset, "UTF-8");
  ASSERT_TRUE(s.return_options);
  EXPECT_EQ(*s.return_options, (std::vector<SearchReturn>{SearchReturn::min, SearchReturn::count, SearchReturn::save}));
  ASSERT_EQ(s.key.children.size(), 6u);
  const SearchKey& any = s.key.children[0];
  EXPECT_EQ(any.kind, K::any_of);
  EXPECT_EQ(any.children[0].kind, K::all_of);
  EXPECT_EQ(any.children[0].children[1].number, 100u);
  EXPECT_EQ(any.children[1].field, "X-SPAM");
  EXPECT_EQ(s.key.children[1].kind, K::sequence_set);
  EXPECT_EQ(s.key.children[1].set.to_string(), "1:5");
  EXPECT_NE(bad_reply("a SEARCH 1:5,$\r\n"), "parsed");  // RFC 5182 2.1: "$" stands alone
  EXPECT_EQ(s.key.children[3].field, "/flags/\\draft");
  EXPECT_EQ(s.key.children[3].number, 620162338u);
  EXPECT_EQ(s.key.children[5].text, "abc");
  EXPECT_TRUE(parse_as<Search>("a SEARCH RETURN () ALL\r\n").return_options->empty());
  EXPECT_EQ(parse_as<Search>("a SEARCH $\r\n").key.children[0].set.saved, true);
  EXPECT_NE(bad_reply("a SEARCH\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SEARCH OR SEEN\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SEARCH BEFORE 31-Foo-2020\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SEARCH RETURN (BOGUS) ALL\r\n"), "parsed");
  EXPECT_NE(bad_reply("a SEARCH (SEEN\r\n"), "parsed");
}

TEST(ImapCommand, NestingIsBounded) {
  std::string deep_ok = "a SEARCH ";
  for (int i = 0; i < 10; ++i) deep_ok += "(";
  deep_ok += "SEEN";
  for (int i = 0; i < 10; ++i) deep_ok += ")";
  EXPECT_TRUE(parse_wire(deep_ok + "\r\n").ok());
  std::string too_deep = "a SEARCH ";
  for (int i = 0; i < 40; ++i) too_deep += "(";
  too_deep += "SEEN";
  for (int i = 0; i < 40; ++i) too_deep += ")";
  EXPECT_EQ(bad_reply(too_deep + "\r\n"), "a BAD SEARCH: Nesting too deep\r\n");
  std::string nots = "a SEARCH ";
  for (int i = 0; i < 40; ++i) nots += "NOT ";
  EXPECT_EQ(bad_reply(nots + "SEEN\r\n"), "a BAD SEARCH: Nesting too deep\r\n");
  // A deep nesting that would exhaust the stack without the bound.
  RawCommand raw{"a", "a SEARCH " + std::string(50000, '(')};
  auto r = parse_command(raw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().render(), "a BAD SEARCH: Nesting too deep\r\n");
}

TEST(ImapCommand, ConnectionStaysInStepAfterBadCommands) {
  auto run = test::run_framer("a FROB\r\nb LOGIN {3}\r\nx\"y z\r\nc NOOP\r\n", true);
  ASSERT_EQ(run.commands.size(), 3u);
  EXPECT_FALSE(parse_command(run.commands[0]).ok());
  EXPECT_EQ(std::get<Login>(parse_command(run.commands[1])->body).user, "x\"y");
  EXPECT_TRUE(std::holds_alternative<Noop>(parse_command(run.commands[2])->body));
}

}  // namespace
}  // namespace roost::imap

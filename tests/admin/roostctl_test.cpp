// roostctl end to end: the real binary in a temporary directory, every domain, user, alias and mailbox
// command, the error paths with their exit codes (0 ok, 1 refused with a sentence, 2 usage) and where
// passwords may not go. See also roostctl_init_test.cpp and roostctl_terminal_test.cpp.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kPassword = "correct horse battery staple 7";

class Roostctl : public ::testing::Test {
 protected:
  // A domain and a user, the starting point of most tests.
  void add_alice() {
    ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
    Outcome r = roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  Installation roost_;
};

// --- usage

TEST_F(Roostctl, UsageErrorsExitWithTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"user"},
           {"user", "frobnicate"},
           {"user", "add"},
           {"user", "quota", "alice@example.org"},
           {"domain", "add", "a.example", "b.example"},
           {"domain", "list", "--no-such-option"},
           {"user", "add", "alice@example.org", "--password-stdin", "--generate-password"},
       }) {
    Outcome r = roost_.run(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_NE(r.err, "") << joined;
  }
}

TEST_F(Roostctl, HelpOnEveryCommandExitsZero) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"},
           {"init", "--help"},
           {"domain", "--help"},
           {"domain", "add", "--help"},
           {"domain", "list", "--help"},
           {"domain", "remove", "--help"},
           {"user", "--help"},
           {"user", "add", "--help"},
           {"user", "list", "--help"},
           {"user", "passwd", "--help"},
           {"user", "quota", "--help"},
           {"user", "enable", "--help"},
           {"user", "disable", "--help"},
           {"user", "remove", "--help"},
           {"alias", "--help"},
           {"alias", "add", "--help"},
           {"alias", "list", "--help"},
           {"alias", "remove", "--help"},
           {"mailbox", "--help"},
           {"mailbox", "list", "--help"},
       }) {
    Outcome r = roost_.run(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 0) << joined << r.err;
    EXPECT_THAT(r.out, HasSubstr("Usage")) << joined;
  }
  EXPECT_THAT(roost_.run({"user", "add", "--help"}).out,
              AllOf(HasSubstr("--password-stdin"), HasSubstr("--quota"), HasSubstr("--config")));
}

TEST_F(Roostctl, APasswordIsNeverTakenFromTheCommandLine) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  for (const auto& option : {"--password", "-p", "--pass"}) {
    Outcome r = roost_.run({"user", "add", "alice@example.org", option, kPassword});
    EXPECT_EQ(r.exit_code, 2) << option;
  }
  Outcome extra = roost_.run({"user", "add", "alice@example.org", kPassword});
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

// --- domains

TEST_F(Roostctl, DomainAddListRemove) {
  Outcome add = roost_.run({"domain", "add", "Example.ORG"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("Added domain example.org"));
  ASSERT_EQ(roost_.run({"domain", "add", "example.net"}).exit_code, 0);
  Outcome list = roost_.run({"domain", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, AllOf(HasSubstr("DOMAIN"), HasSubstr("ACCOUNTS"), HasSubstr("example.org"),
                              HasSubstr("example.net")));
  Outcome remove = roost_.run({"domain", "remove", "example.net"});
  EXPECT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_THAT(roost_.run({"domain", "list"}).out, AllOf(HasSubstr("example.org"), Not(HasSubstr("example.net"))));
}

TEST_F(Roostctl, DomainListWhenEmptySaysWhatToDo) {
  Outcome r = roost_.run({"domain", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("roostctl domain add"));
}

TEST_F(Roostctl, DomainAddStoresInternationalNamesAsALabels) {
  Outcome r = roost_.run({"domain", "add", "Bücher.example"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(roost_.run({"domain", "list"}).out, HasSubstr("xn--bcher-kva.example"));
  EXPECT_EQ(roost_.run({"domain", "add", "xn--bcher-kva.example"}).exit_code, 1);
}

TEST_F(Roostctl, DomainAddTwiceIsRefused) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  Outcome r = roost_.run({"domain", "add", "EXAMPLE.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("roostctl: "), HasSubstr("exists already")));
}

TEST_F(Roostctl, DomainAddRefusesWhatIsNotADomain) {
  for (const char* bad : {"exa mple.org", "bad-.example", "nodots", "a..b", "x@y.example"}) {
    Outcome r = roost_.run({"domain", "add", bad});
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_THAT(r.err, HasSubstr("not a domain")) << bad;
  }
  EXPECT_THAT(roost_.run({"domain", "list"}).out, HasSubstr("No domains"));
}

TEST_F(Roostctl, DomainRemoveUnknownIsRefused) {
  Outcome r = roost_.run({"domain", "remove", "example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("no domain example.org"), HasSubstr("domain list")));
}

TEST_F(Roostctl, DomainRemoveWithAccountsNeedsForce) {
  add_alice();
  Outcome r = roost_.run({"domain", "remove", "example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("1 account"), HasSubstr("--force")));
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("alice@example.org"));
  Outcome forced = roost_.run({"domain", "remove", "example.org", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

// --- users

TEST_F(Roostctl, UserAddWithPasswordFromStdin) {
  add_alice();
  EXPECT_TRUE(roost_.password_matches("alice@example.org", kPassword));
  EXPECT_FALSE(roost_.password_matches("alice@example.org", "something else"));
  EXPECT_THAT(roost_.stored_hash("alice@example.org"), StartsWith("$argon2id$v=19$m=64,t=1,p=1$"));
}

TEST_F(Roostctl, UserAddWithoutTerminalGeneratesAPasswordThatWorks) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  Outcome r = roost_.run({"user", "add", "bob@example.org", "--quota", "1G"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Generated password for bob@example.org .*: (\\S+)\n")))
      << r.out;
  std::string password = m[1];
  EXPECT_GE(password.size(), 20u);
  EXPECT_EQ(password.find_first_of("0O1lI"), std::string::npos) << password;
  EXPECT_TRUE(roost_.password_matches("bob@example.org", password));
  EXPECT_THAT(r.err, Not(HasSubstr(password)));
  EXPECT_EQ(r.out.find(password), r.out.rfind(password)) << "printed more than once";
  EXPECT_THAT(roost_.data_bytes(), Not(HasSubstr(password)));
  // Each generated password is new.
  Outcome again = roost_.run({"user", "add", "carol@example.org", "--generate-password"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, AllOf(HasSubstr("Generated password for carol@example.org"), Not(HasSubstr(password))));
}

TEST_F(Roostctl, UserAddUnknownDomainSaysToAddIt) {
  Outcome r = roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, std::string(kPassword) + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("roostctl: "), HasSubstr("roostctl domain add example.org")));
}

TEST_F(Roostctl, UserAddDuplicateIsRefusedWhateverTheCase) {
  add_alice();
  Outcome r = roost_.run({"user", "add", "ALICE@Example.org", "--password-stdin"}, "another password\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("exists already"), HasSubstr("user passwd")));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", kPassword));
}

TEST_F(Roostctl, UserAddRefusesBadAddresses) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  for (const char* bad : {"alice", "alice@", "@example.org", "al ice@example.org", "alice@@example.org",
                          "\"a b\"@example.org", "alice@[127.0.0.1]"}) {
    Outcome r = roost_.run({"user", "add", bad, "--password-stdin"}, std::string(kPassword) + "\n");
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_THAT(r.err, StartsWith("roostctl: ")) << bad;
  }
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

TEST_F(Roostctl, UserAddRefusesABadQuota) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  for (const char* bad : {"lots", "1X", "-5M", "1.5G"}) {
    Outcome r = roost_.run({"user", "add", "alice@example.org", "--quota", bad, "--password-stdin"},
                       std::string(kPassword) + "\n");
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_THAT(r.err, AllOf(HasSubstr("not a quota"), HasSubstr("500M"))) << bad;
  }
}

TEST_F(Roostctl, UserAddRefusesShortOrMissingPasswords) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  Outcome short_one = roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, "abc\n");
  EXPECT_EQ(short_one.exit_code, 1);
  EXPECT_THAT(short_one.err, HasSubstr("too short"));
  Outcome empty = roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, "");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("standard input is empty"));
  Outcome too_long =
      roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, std::string(5000, 'x') + "\n");
  EXPECT_EQ(too_long.exit_code, 1);
  EXPECT_THAT(too_long.err, HasSubstr("longer than"));
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

TEST_F(Roostctl, UserAddAcceptsALastLineWithoutNewlineAndStripsCR) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  ASSERT_EQ(roost_.run({"user", "add", "a@example.org", "--password-stdin"}, "no newline here").exit_code, 0);
  EXPECT_TRUE(roost_.password_matches("a@example.org", "no newline here"));
  ASSERT_EQ(roost_.run({"user", "add", "b@example.org", "--password-stdin"}, "windows line\r\nignored\n").exit_code,
            0);
  EXPECT_TRUE(roost_.password_matches("b@example.org", "windows line"));
}

TEST_F(Roostctl, UserListShowsQuotaAndState) {
  add_alice();
  ASSERT_EQ(roost_.run({"domain", "add", "example.net"}).exit_code, 0);
  ASSERT_EQ(roost_.run({"user", "add", "bob@example.net", "--quota", "500M"}).exit_code, 0);
  Outcome r = roost_.run({"user", "list"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("USER"), HasSubstr("QUOTA"), HasSubstr("ENABLED")));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("alice@example.org +0 +none +yes"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("bob@example.net +0 +500M +yes"));
  Outcome one = roost_.run({"user", "list", "example.net"});
  EXPECT_THAT(one.out, AllOf(HasSubstr("bob@example.net"), Not(HasSubstr("alice"))));
  Outcome unknown = roost_.run({"user", "list", "example.com"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no domain example.com"));
}

TEST_F(Roostctl, UserPasswdFromStdinReplacesThePassword) {
  add_alice();
  Outcome r = roost_.run({"user", "passwd", "Alice@EXAMPLE.org", "--password-stdin"}, "a brand new secret\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Changed the password of alice@example.org"));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", "a brand new secret"));
  EXPECT_FALSE(roost_.password_matches("alice@example.org", kPassword));
}

TEST_F(Roostctl, UserPasswdWithoutTerminalOrStdinIsRefused) {
  add_alice();
  Outcome r = roost_.run({"user", "passwd", "alice@example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("not a terminal"), HasSubstr("--password-stdin")));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", kPassword));
}

TEST_F(Roostctl, UserPasswdCanGenerate) {
  add_alice();
  Outcome r = roost_.run({"user", "passwd", "alice@example.org", "--generate-password"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Generated password for alice@example.org .*: (\\S+)\n")));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", m[1]));
}

TEST_F(Roostctl, UserCommandsOnAnUnknownUserAreRefused) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"user", "passwd", "nobody@example.org", "--password-stdin"},
           {"user", "quota", "nobody@example.org", "1G"},
           {"user", "disable", "nobody@example.org"},
           {"user", "enable", "nobody@example.org"},
           {"user", "remove", "nobody@example.org"},
           {"mailbox", "list", "nobody@example.org"},
       }) {
    Outcome r = roost_.run(args, std::string(kPassword) + "\n");
    EXPECT_EQ(r.exit_code, 1) << args[1];
    EXPECT_THAT(r.err, AllOf(HasSubstr("no user nobody@example.org"), HasSubstr("user list"))) << args[1];
  }
}

TEST_F(Roostctl, UserQuotaSetsAndClearsTheLimit) {
  add_alice();
  Outcome set = roost_.run({"user", "quota", "alice@example.org", "500M"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr("500M"));
  EXPECT_THAT(roost_.run({"user", "list"}).out, ::testing::ContainsRegex("alice@example.org +0 +500M"));
  ASSERT_EQ(roost_.run({"user", "quota", "alice@example.org", "2g"}).exit_code, 0);
  EXPECT_THAT(roost_.run({"user", "list"}).out, ::testing::ContainsRegex("alice@example.org +0 +2G"));
  ASSERT_EQ(roost_.run({"user", "quota", "alice@example.org", "none"}).exit_code, 0);
  EXPECT_THAT(roost_.run({"user", "list"}).out, ::testing::ContainsRegex("alice@example.org +0 +none"));
  Outcome bad = roost_.run({"user", "quota", "alice@example.org", "plenty"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("not a quota"));
}

TEST_F(Roostctl, UserDisableAndEnable) {
  add_alice();
  Outcome off = roost_.run({"user", "disable", "alice@example.org"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_THAT(roost_.run({"user", "list"}).out, ::testing::ContainsRegex("alice@example.org .* no\n"));
  ASSERT_EQ(roost_.run({"user", "enable", "alice@example.org"}).exit_code, 0);
  EXPECT_THAT(roost_.run({"user", "list"}).out, ::testing::ContainsRegex("alice@example.org .* yes\n"));
}

TEST_F(Roostctl, UserRemove) {
  add_alice();
  Outcome r = roost_.run({"user", "remove", "alice@example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Removed user alice@example.org"));
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
  EXPECT_EQ(roost_.run({"user", "remove", "alice@example.org"}).exit_code, 1);
}

// --- aliases

TEST_F(Roostctl, AliasAddListRemoveWithCatchAll) {
  add_alice();
  Outcome add = roost_.run({"alias", "add", "postmaster@example.org", "alice@example.org", "ops@elsewhere.example"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  Outcome catch_all = roost_.run({"alias", "add", "@example.org", "alice@example.org"});
  ASSERT_EQ(catch_all.exit_code, 0) << catch_all.err;
  EXPECT_THAT(catch_all.out, HasSubstr("any unknown address of example.org"));
  Outcome list = roost_.run({"alias", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, ::testing::ContainsRegex("postmaster@example.org +alice@example.org"));
  EXPECT_THAT(list.out, ::testing::ContainsRegex("postmaster@example.org +ops@elsewhere.example"));
  EXPECT_THAT(list.out, ::testing::ContainsRegex("@example.org \\(catch-all\\) +alice@example.org"));
  EXPECT_THAT(roost_.run({"domain", "list"}).out, ::testing::ContainsRegex("example.org +1 +3"));

  Outcome one = roost_.run({"alias", "remove", "postmaster@example.org", "ops@elsewhere.example"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  list = roost_.run({"alias", "list", "example.org"});
  EXPECT_THAT(list.out, AllOf(HasSubstr("postmaster@example.org"), Not(HasSubstr("ops@elsewhere.example"))));
  ASSERT_EQ(roost_.run({"alias", "remove", "postmaster@example.org"}).exit_code, 0);
  ASSERT_EQ(roost_.run({"alias", "remove", "@example.org"}).exit_code, 0);
  EXPECT_THAT(roost_.run({"alias", "list"}).out, HasSubstr("No aliases"));
}

TEST_F(Roostctl, AliasAddDuplicateIsRefusedAndAddsNothing) {
  add_alice();
  ASSERT_EQ(roost_.run({"alias", "add", "info@example.org", "alice@example.org"}).exit_code, 0);
  Outcome r = roost_.run({"alias", "add", "info@example.org", "bob@elsewhere.example", "alice@example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("already forwards to alice@example.org"), HasSubstr("nothing was added")));
  EXPECT_THAT(roost_.run({"alias", "list"}).out, Not(HasSubstr("bob@elsewhere.example")));
}

TEST_F(Roostctl, AliasErrors) {
  add_alice();
  Outcome unknown_domain = roost_.run({"alias", "add", "info@example.com", "alice@example.org"});
  EXPECT_EQ(unknown_domain.exit_code, 1);
  EXPECT_THAT(unknown_domain.err, HasSubstr("roostctl domain add example.com"));
  Outcome bad_target = roost_.run({"alias", "add", "info@example.org", "not an address"});
  EXPECT_EQ(bad_target.exit_code, 1);
  EXPECT_THAT(bad_target.err, HasSubstr("not a mail address"));
  Outcome bad_source = roost_.run({"alias", "add", "info", "alice@example.org"});
  EXPECT_EQ(bad_source.exit_code, 1);
  Outcome missing = roost_.run({"alias", "remove", "info@example.org"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no alias info@example.org"));
  ASSERT_EQ(roost_.run({"alias", "add", "info@example.org", "alice@example.org"}).exit_code, 0);
  Outcome wrong_target = roost_.run({"alias", "remove", "info@example.org", "bob@example.org"});
  EXPECT_EQ(wrong_target.exit_code, 1);
  EXPECT_THAT(wrong_target.err, HasSubstr("does not forward to bob@example.org"));
}

// --- mailboxes

TEST_F(Roostctl, MailboxListShowsTheStandardMailboxes) {
  add_alice();
  Outcome r = roost_.run({"mailbox", "list", "alice@example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("MAILBOX"), HasSubstr("SPECIAL-USE"), HasSubstr("MESSAGES"),
                           HasSubstr("SUBSCRIBED")));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\nINBOX +- +0 +0 +0 +yes\n"));
  for (const char* special : {"\\\\Drafts", "\\\\Sent", "\\\\Junk", "\\\\Trash", "\\\\Archive"}) {
    EXPECT_THAT(r.out, ::testing::ContainsRegex(std::string(" +") + special + " +0 ")) << special;
  }
  Outcome bad = roost_.run({"mailbox", "list", "alice"});
  EXPECT_EQ(bad.exit_code, 1);
}

// --- secrets

TEST_F(Roostctl, APasswordFromStdinAppearsNowhere) {
  const std::string secret = "Zq8-unusual-secret-value-42";
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  std::vector<Outcome> runs;
  runs.push_back(roost_.run({"user", "add", "alice@example.org", "--password-stdin", "-v"}, secret + "\n"));
  runs.push_back(roost_.run({"user", "passwd", "alice@example.org", "--password-stdin", "-v"}, secret + "x\n"));
  // A refused password does not come back in the error either.
  runs.push_back(roost_.run({"user", "add", "bob@example.org", "--password-stdin", "-v"}, "Zq8-s\n"));
  runs.push_back(roost_.run({"user", "add", "alice@example.org", "--password-stdin", "-v"}, secret + "\n"));
  for (const auto& r : runs) {
    EXPECT_THAT(r.out, Not(HasSubstr("Zq8"))) << r.out;
    EXPECT_THAT(r.err, Not(HasSubstr("Zq8"))) << r.err;
  }
  EXPECT_EQ(runs[0].exit_code, 0);
  EXPECT_EQ(runs[1].exit_code, 0);
  EXPECT_THAT(roost_.data_bytes(), Not(HasSubstr("Zq8")));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", secret + "x"));
}

}  // namespace
}  // namespace roost::admin::test

// roostctl dkim and roostctl dns end to end: the real binary in a temporary installation, the key
// files it writes (mode 0600, never overwritten, the active selector), the records it prints, and the
// refusals with their exit codes.
#include <sys/stat.h>

#include <ctime>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/dkim/dns_record.h"
#include "common/dkim/key_store.h"
#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RoostctlDkim : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0); }

  std::filesystem::path key_dir() const { return roost_.data_dir() / "dkim" / "example.org"; }

  static mode_t mode_of(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }

  // The p= value printed on the "Value:" line of keygen / show.
  static std::string printed_value(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex("Value: (v=DKIM1; [^\n]*)\n"))) return {};
    return m[1];
  }

  Installation roost_;
};

TEST_F(RoostctlDkim, KeygenStoresAPrivateKeyWithMode0600AndPrintsItsRecord) {
  Outcome r = roost_.run({"dkim", "keygen", "example.org", "--selector", "s1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(key_dir() / "s1.pem"), 0600u);
  EXPECT_EQ(mode_of(key_dir()), 0700u);
  EXPECT_EQ(mode_of(roost_.data_dir() / "dkim"), 0700u);
  EXPECT_EQ(read_file(key_dir() / "active"), "s1\n");
  EXPECT_THAT(r.out, HasSubstr("Name:  s1._domainkey.example.org\n"));

  // The printed record is the public half of the stored key.
  auto key = dkim::load_key(roost_.data_dir().string(), "example.org", "s1");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->key.algorithm(), dkim::Algorithm::rsa_sha256);
  EXPECT_EQ(printed_value(r.out), dkim::key_record_value(key->key));
  EXPECT_THAT(r.out, HasSubstr("v=DKIM1; k=rsa; p=MII"));
  // Nothing of the private key reaches the terminal.
  std::string pem = read_file(key_dir() / "s1.pem");
  std::string secret_line = pem.substr(pem.find('\n') + 1, 64);
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret_line)));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("PRIVATE KEY")));
}

TEST_F(RoostctlDkim, RsaRecordIsSplitInto255ByteStringsForZoneFiles) {
  Outcome r = roost_.run({"dkim", "keygen", "example.org", "--selector", "s1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("s1\\._domainkey\\.example\\.org\\. IN TXT \\( (.*) \\)\n")))
      << r.out;
  std::string strings = m[1];
  std::string joined;
  std::regex quoted("\"([^\"]*)\"");
  std::size_t count = 0;
  for (auto it = std::sregex_iterator(strings.begin(), strings.end(), quoted); it != std::sregex_iterator(); ++it) {
    EXPECT_LE((*it)[1].length(), 255);
    joined += (*it)[1];
    ++count;
  }
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(joined, printed_value(r.out));
}

TEST_F(RoostctlDkim, Ed25519KeyPublishesThe32ByteKey) {
  Outcome r = roost_.run({"dkim", "keygen", "example.org", "--selector", "ed", "--algorithm", "ed25519"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  std::string value = printed_value(r.out);
  ASSERT_TRUE(std::regex_match(value, m, std::regex("v=DKIM1; k=ed25519; p=([A-Za-z0-9+/]{43}=)"))) << value;
  EXPECT_EQ(mode_of(key_dir() / "ed.pem"), 0600u);
  EXPECT_EQ(dkim::load_active_key(roost_.data_dir().string(), "example.org")->key.algorithm(),
            dkim::Algorithm::ed25519_sha256);
}

TEST_F(RoostctlDkim, DefaultSelectorNamesTheYearAndMonth) {
  std::time_t before = std::time(nullptr);
  Outcome r = roost_.run({"dkim", "keygen", "example.org", "--algorithm", "ed25519"});
  std::time_t after = std::time(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string active = read_file(key_dir() / "active");
  EXPECT_TRUE(active == dkim::default_selector(before) + "\n" || active == dkim::default_selector(after) + "\n")
      << active;
  EXPECT_TRUE(std::regex_match(active, std::regex("roost20[0-9]{2}(0[1-9]|1[0-2])\n"))) << active;
}

TEST_F(RoostctlDkim, ExistingSelectorIsNotOverwritten) {
  ASSERT_EQ(roost_.run({"dkim", "keygen", "example.org", "--selector", "s1", "-a", "ed25519"}).exit_code, 0);
  std::string before = read_file(key_dir() / "s1.pem");
  Outcome r = roost_.run({"dkim", "keygen", "example.org", "--selector", "s1", "-a", "ed25519"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("already has a key with selector s1"));
  EXPECT_EQ(read_file(key_dir() / "s1.pem"), before);
}

TEST_F(RoostctlDkim, UnknownDomainAndBadArgumentsAreRefused) {
  Outcome unknown = roost_.run({"dkim", "keygen", "other.example"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("roostctl domain add other.example"));
  EXPECT_FALSE(std::filesystem::exists(roost_.data_dir() / "dkim" / "other.example"));

  Outcome bad_selector = roost_.run({"dkim", "keygen", "example.org", "--selector", "../../etc"});
  EXPECT_EQ(bad_selector.exit_code, 1);
  EXPECT_THAT(bad_selector.err, HasSubstr("not a valid selector"));
  EXPECT_EQ(roost_.run({"dkim", "keygen", "example.org", "--algorithm", "dsa"}).exit_code, 2);
  EXPECT_EQ(roost_.run({"dkim", "keygen"}).exit_code, 2);
  EXPECT_EQ(roost_.run({"dkim", "show", "example.org"}).exit_code, 1);
  EXPECT_EQ(roost_.run({"dns", "other.example"}).exit_code, 1);
}

TEST_F(RoostctlDkim, ListShowAndActivateFollowTheActiveKey) {
  ASSERT_EQ(roost_.run({"dkim", "keygen", "example.org", "-s", "old", "-a", "ed25519"}).exit_code, 0);
  Outcome inactive = roost_.run({"dkim", "keygen", "example.org", "-s", "new", "-a", "ed25519", "--inactive"});
  ASSERT_EQ(inactive.exit_code, 0) << inactive.err;
  EXPECT_THAT(inactive.out, HasSubstr("roostctl dkim activate example.org new"));
  EXPECT_EQ(read_file(key_dir() / "active"), "old\n");

  Outcome list = roost_.run({"dkim", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("example.org +new +ed25519-sha256 +no\n")));
  EXPECT_TRUE(std::regex_search(list.out, std::regex("example.org +old +ed25519-sha256 +yes\n")));

  ASSERT_EQ(roost_.run({"dkim", "activate", "example.org", "new"}).exit_code, 0);
  EXPECT_EQ(read_file(key_dir() / "active"), "new\n");
  Outcome show = roost_.run({"dkim", "show", "example.org"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("Name:  new._domainkey.example.org\n"));
  EXPECT_EQ(printed_value(show.out),
            dkim::key_record_value(dkim::load_key(roost_.data_dir().string(), "example.org", "new")->key));
  EXPECT_EQ(roost_.run({"dkim", "activate", "example.org", "missing"}).exit_code, 1);
  EXPECT_THAT(roost_.run({"dkim", "list", "other.example"}).err, HasSubstr("no domain other.example"));
}

TEST_F(RoostctlDkim, DnsPrintsEveryRecordToPublish) {
  ASSERT_TRUE(edit_file(roost_.config(), "# mx = [\"0.0.0.0:25\", \"[::]:25\"]", "mx = [\"127.0.0.2:2525\", \"[::1]:2525\"]"))
      << read_file(roost_.config());
  ASSERT_EQ(roost_.run({"dkim", "keygen", "example.org", "-s", "s1", "-a", "ed25519"}).exit_code, 0);
  Outcome r = roost_.run({"dns", "Example.ORG"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto key = dkim::load_key(roost_.data_dir().string(), "example.org", "s1");
  EXPECT_THAT(r.out, HasSubstr("\nexample.org. 3600 IN MX 10 mail.test.\n"));
  EXPECT_THAT(r.out, HasSubstr("\nexample.org. 3600 IN TXT \"v=spf1 mx -all\"\n"));
  EXPECT_THAT(r.out, HasSubstr("\ns1._domainkey.example.org. 3600 IN TXT \"" + dkim::key_record_value(key->key) + "\"\n"));
  EXPECT_THAT(r.out, HasSubstr(
                         "\n_dmarc.example.org. 3600 IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"\n"));
  EXPECT_THAT(r.out, HasSubstr("\n2.0.0.127.in-addr.arpa. 3600 IN PTR mail.test.\n"));
  std::string ip6_loopback = "1.";  // RFC 3596 2.5: ::1 as 32 nibbles, lowest first
  for (int i = 0; i < 31; ++i) ip6_loopback += "0.";
  EXPECT_THAT(r.out, HasSubstr("\n" + ip6_loopback + "ip6.arpa. 3600 IN PTR mail.test.\n"));
  // Each kind of record comes after a comment line that explains it.
  std::istringstream lines(r.out);
  std::string line, previous, previous_type;
  std::size_t records = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with(";")) {
      previous_type.clear();
    } else {
      std::smatch m;
      ASSERT_TRUE(std::regex_search(line, m, std::regex(" 3600 IN ([A-Z]+) "))) << line;
      if (m[1] != previous_type) {
        EXPECT_TRUE(previous.starts_with(";")) << line;
      }
      previous_type = m[1];
      ++records;
    }
    previous = line;
  }
  EXPECT_EQ(records, 6u);  // MX, SPF, DKIM, DMARC and two PTR
}

TEST_F(RoostctlDkim, DnsWithoutAKeySaysHowToMakeOne) {
  Outcome r = roost_.run({"dns", "example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("roostctl dkim keygen example.org"));
  EXPECT_THAT(r.out, Not(HasSubstr("_domainkey")));
  EXPECT_THAT(r.out, HasSubstr("IN PTR mail.test."));  // the wildcard listeners: the form to fill in
}

}  // namespace
}  // namespace roost::admin::test

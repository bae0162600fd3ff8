// Tests for common/dkim/key_store and dns_record: key files created with mode 0600 in 0700
// directories, never overwritten, the active selector, the errors smtpd tells apart, name checks
// that keep paths inside the data dir, and the TXT record text.
#include "common/dkim/key_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/dkim/dns_record.h"

namespace roost::dkim {
namespace {

class DkimKeyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dkim-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }

  std::string dir_;
};

TEST_F(DkimKeyStore, KeyFileIsCreatedWithMode0600InPrivateDirectories) {
  mode_t old_umask = ::umask(0);  // a lax umask must not loosen the modes
  auto key = SigningKey::generate(Algorithm::ed25519_sha256);
  ASSERT_TRUE(key.ok());
  auto stored = store_new_key(dir_, "example.org", "sel1", *key);
  ::umask(old_umask);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(mode_of(key_file_path(dir_, "example.org", "sel1")), 0600u);
  EXPECT_EQ(mode_of(dir_ + "/dkim"), 0700u);
  EXPECT_EQ(mode_of(domain_key_dir(dir_, "example.org")), 0700u);
}

TEST_F(DkimKeyStore, ActiveKeyLoadsAndMatchesTheStoredOne) {
  auto key = SigningKey::generate(Algorithm::rsa_sha256);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(store_new_key(dir_, "example.org", "sel1", *key).ok());
  auto missing = load_active_key(dir_, "example.org");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, KeyErrorKind::no_key);

  ASSERT_TRUE(set_active_selector(dir_, "example.org", "sel1").ok());
  auto loaded = load_active_key(dir_, "example.org");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->domain, "example.org");
  EXPECT_EQ(loaded->selector, "sel1");
  EXPECT_EQ(loaded->key.algorithm(), Algorithm::rsa_sha256);
  EXPECT_EQ(loaded->key.public_key_base64(), key->public_key_base64());
  EXPECT_EQ(*active_selector(dir_, "example.org"), "sel1");
}

TEST_F(DkimKeyStore, ExistingSelectorIsNeverOverwritten) {
  auto first = SigningKey::generate(Algorithm::ed25519_sha256);
  auto second = SigningKey::generate(Algorithm::ed25519_sha256);
  ASSERT_TRUE(store_new_key(dir_, "example.org", "sel1", *first).ok());
  auto again = store_new_key(dir_, "example.org", "sel1", *second);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, KeyErrorKind::exists);
  EXPECT_EQ(load_key(dir_, "example.org", "sel1")->key.public_key_base64(), first->public_key_base64());
}

TEST_F(DkimKeyStore, SwitchingTheActiveSelectorReplacesTheFileAtomically) {
  auto a = SigningKey::generate(Algorithm::ed25519_sha256);
  auto b = SigningKey::generate(Algorithm::ed25519_sha256);
  ASSERT_TRUE(store_new_key(dir_, "example.org", "a", *a).ok());
  ASSERT_TRUE(store_new_key(dir_, "example.org", "b", *b).ok());
  ASSERT_TRUE(set_active_selector(dir_, "example.org", "a").ok());
  ASSERT_TRUE(set_active_selector(dir_, "example.org", "b").ok());
  EXPECT_EQ(load_active_key(dir_, "example.org")->selector, "b");
  EXPECT_EQ(*list_selectors(dir_, "example.org"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*list_key_domains(dir_), (std::vector<std::string>{"example.org"}));
  // No temporary file is left behind.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(domain_key_dir(dir_, "example.org"))) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 3u);
}

TEST_F(DkimKeyStore, BrokenFilesAreErrorsThatAreNotNoKey) {
  std::filesystem::create_directories(domain_key_dir(dir_, "example.org"));
  std::ofstream(domain_key_dir(dir_, "example.org") + "/active") << "gone\n";
  auto dangling = load_active_key(dir_, "example.org");
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(dangling.error().kind, KeyErrorKind::no_key);

  std::ofstream(key_file_path(dir_, "example.org", "gone")) << "-----BEGIN PRIVATE KEY-----\nnot a key\n";
  auto garbage = load_active_key(dir_, "example.org");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, KeyErrorKind::invalid);
  EXPECT_NE(garbage.error().message.find("gone.pem"), std::string::npos);
  EXPECT_EQ(garbage.error().message.find("not a key"), std::string::npos);

  std::ofstream(domain_key_dir(dir_, "example.org") + "/active") << "../../etc\n";
  EXPECT_EQ(load_active_key(dir_, "example.org").error().kind, KeyErrorKind::invalid);
}

TEST_F(DkimKeyStore, NamesThatCouldLeaveTheDirectoryAreRefused) {
  auto key = SigningKey::generate(Algorithm::ed25519_sha256);
  const std::string_view bad[] = {"", "../x", "a/b", ".hidden", "a..b", "-a", "a-", "s p", std::string_view("a\0b", 3)};
  for (std::string_view selector : bad) {
    auto stored = store_new_key(dir_, "example.org", selector, *key);
    ASSERT_FALSE(stored.ok()) << selector;
    EXPECT_EQ(stored.error().kind, KeyErrorKind::invalid);
  }
  EXPECT_FALSE(store_new_key(dir_, "../example.org", "s", *key).ok());
  EXPECT_FALSE(store_new_key(dir_, "Example.org", "s", *key).ok());  // the store keeps lower case
  EXPECT_FALSE(valid_selector(std::string(64, 'a')));
  EXPECT_TRUE(valid_selector(std::string(63, 'a')));
  EXPECT_TRUE(valid_selector("roost202611.mail"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/dkim/example.org"));
}

TEST(DkimKeyNames, DefaultSelectorNamesTheUtcMonth) {
  EXPECT_EQ(default_selector(1795478400), "roost202611");  // 2026-11-24 00:00 UTC
  EXPECT_EQ(default_selector(1798761599), "roost202612");  // 2026-12-31 23:59:59 UTC
}

TEST(DkimDnsRecord, RecordNameAndValue) {
  EXPECT_EQ(key_record_name("roost202611", "example.org"), "roost202611._domainkey.example.org");
  auto ed = SigningKey::generate(Algorithm::ed25519_sha256);
  std::string value = key_record_value(*ed);
  EXPECT_EQ(value, "v=DKIM1; k=ed25519; p=" + ed->public_key_base64());
  EXPECT_EQ(ed->public_key_base64().size(), 44u);  // 32 bytes
  auto rsa = SigningKey::generate(Algorithm::rsa_sha256);
  EXPECT_TRUE(key_record_value(*rsa).starts_with("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
}

TEST(DkimDnsRecord, LongTextIsSplitInto255ByteStrings) {
  EXPECT_EQ(zone_txt_strings("v=DKIM1; k=ed25519; p=abc"), "\"v=DKIM1; k=ed25519; p=abc\"");
  std::string text = "v=DKIM1; k=rsa; p=" + std::string(392, 'A');  // an RSA 2048 record is 410 bytes
  std::string zone = zone_txt_strings(text);
  EXPECT_EQ(zone, "( \"" + text.substr(0, 255) + "\" \"" + text.substr(255) + "\" )");
  EXPECT_EQ(zone_txt_strings("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
}

}  // namespace
}  // namespace roost::dkim

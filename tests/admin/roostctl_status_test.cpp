// roostctl status end to end: listeners that greet, that are closed and that accept without a
// greeting; the queue's size; the certificate's expiry; the disk use. Plus the certificate's
// notAfter read from DER (UTCTime and GeneralizedTime).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admin/cert_expiry.h"
#include "common/mail/base64.h"
#include "storage/queue.h"
#include "storage/store.h"
#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A loopback listener on a free port; each connection gets `greeting` (if any) and is kept open
// until the client closes it or the listener stops.
class FakeDaemon {
 public:
  explicit FakeDaemon(std::string greeting) : greeting_(std::move(greeting)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeDaemon() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    std::vector<int> clients;
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      if (!greeting_.empty()) (void)!::write(c, greeting_.data(), greeting_.size());
      clients.push_back(c);
    }
    for (int c : clients) ::close(c);
  }
  std::string greeting_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A loopback port nothing listens on (bound, then closed).
std::string closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

// Sets `key = value` in the config written by init, whether the key is live or commented there.
void set_key(const Installation& roost, const std::string& key, const std::string& value) {
  std::string text = read_file(roost.config());
  std::regex line("(^|\n)(# )?" + key + " = [^\n]*");
  std::string replaced = std::regex_replace(text, line, "$1" + key + " = " + value,
                                            std::regex_constants::format_first_only);
  ASSERT_NE(replaced, text) << key;
  write_file(roost.config(), replaced);
}

class RoostctlStatus : public ::testing::Test {
 protected:
  // Every listener of the config on `smtp` (MX), `imap`, and closed ports elsewhere.
  void configure(const std::string& smtp, const std::string& imap, const std::string& imaps) {
    set_key(roost_, "mx", "[\"" + smtp + "\"]");
    set_key(roost_, "submission", "[\"" + smtp + "\"]");
    set_key(roost_, "submissions", "[\"" + closed_port() + "\"]");
    set_key(roost_, "imap", "[\"" + imap + "\"]");
    set_key(roost_, "imaps", "[\"" + imaps + "\"]");
    set_key(roost_, "pop3", "[\"" + closed_port() + "\"]");
    set_key(roost_, "pop3s", "[\"" + closed_port() + "\"]");
  }
  Installation roost_;
};

TEST_F(RoostctlStatus, ShowsListenersQueueCertificateAndDisk) {
  FakeDaemon smtp("220 mail.test ESMTP Roost\r\n");
  FakeDaemon imap("* OK [CAPABILITY IMAP4rev2] Roost ready\r\n");
  FakeDaemon imaps("");
  configure(smtp.address(), imap.address(), imaps.address());
  set_key(roost_, "cert_file", "\"" ROOST_TEST_DATA_DIR "/tls/server.pem\"");

  Outcome r = roost_.run({"status", "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // pop3d and submissions are down
  EXPECT_THAT(r.out, HasSubstr("up: 220 mail.test ESMTP Roost"));
  EXPECT_THAT(r.out, HasSubstr("up: * OK [CAPABILITY IMAP4rev2] Roost ready"));
  EXPECT_THAT(r.out, HasSubstr("up (TLS; connection accepted)"));
  EXPECT_THAT(r.out, HasSubstr("DOWN: Connection refused"));
  EXPECT_THAT(r.out, HasSubstr("queue: empty"));
  EXPECT_THAT(r.out, HasSubstr("certificate: expires 2126-10-30 13:25 UTC"));
  EXPECT_THAT(r.out, HasSubstr("disk: "));
  EXPECT_THAT(r.out, HasSubstr(roost_.data_dir().string()));
  EXPECT_THAT(r.err, HasSubstr("3 problems found"));
}

TEST_F(RoostctlStatus, AllUpExitsZeroAndCountsTheQueue) {
  FakeDaemon smtp("220 mail.test ESMTP Roost\r\n");
  FakeDaemon imap("* OK Roost ready\r\n");
  FakeDaemon pop3("+OK Roost ready\r\n");
  FakeDaemon tls("");
  set_key(roost_, "mx", "[\"" + smtp.address() + "\"]");
  set_key(roost_, "submission", "[\"" + smtp.address() + "\"]");
  set_key(roost_, "submissions", "[\"" + tls.address() + "\"]");
  set_key(roost_, "imap", "[\"" + imap.address() + "\"]");
  set_key(roost_, "imaps", "[\"" + tls.address() + "\"]");
  set_key(roost_, "pop3", "[\"" + pop3.address() + "\"]");
  set_key(roost_, "pop3s", "[\"" + tls.address() + "\"]");
  {
    store::StoreOptions options;
    options.db_path = roost_.db_path();
    auto store = store::Store::open(options);
    ASSERT_TRUE(store.ok());
    auto queued = (*store)->write_sync<std::vector<std::int64_t>>([](store::WriteCtx& w) {
      return store::enqueue(w, "Subject: out\r\n\r\nx\r\n", "alice@example.org",
                            {"bob@remote.example", "carol@remote.example"});
    });
    ASSERT_TRUE(queued.ok());
  }
  Outcome r = roost_.run({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("+OK Roost ready"));
  EXPECT_THAT(r.out, Not(HasSubstr("DOWN")));
  EXPECT_THAT(r.out, HasSubstr("queue: 2 entries, oldest since"));
  EXPECT_THAT(r.out, HasSubstr("certificate: none configured"));
}

TEST_F(RoostctlStatus, SilentListenerAndUnreadableCertificateAreProblems) {
  FakeDaemon silent("");
  configure(silent.address(), silent.address(), silent.address());
  set_key(roost_, "cert_file", "\"" + (roost_.dir() / "missing.pem").string() + "\"");
  Outcome r = roost_.run({"status", "--timeout", "300ms"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("DOWN: connected, but no greeting in time"));
  EXPECT_THAT(r.out, HasSubstr("certificate: UNREADABLE: cannot read"));
}

// --- certificate_not_after on hand-made DER

std::string der(unsigned char tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  if (content.size() < 128) {
    out += static_cast<char>(content.size());
  } else {
    out += static_cast<char>(0x82);
    out += static_cast<char>(content.size() >> 8);
    out += static_cast<char>(content.size() & 0xff);
  }
  return out + content;
}

std::string pem_with_validity(const std::string& not_before, const std::string& not_after) {
  std::string tbs = der(0xa0, der(0x02, "\x02")) + der(0x02, "\x01") + der(0x30, "") +
                    der(0x30, der(0x31, std::string(200, 'i'))) + der(0x30, not_before + not_after) +
                    der(0x30, "");
  std::string cert = der(0x30, der(0x30, tbs) + der(0x30, "") + der(0x03, std::string(1, '\0')));
  return "junk before\n-----BEGIN CERTIFICATE-----\n" + mail::base64_encode_mime(cert) +
         "\n-----END CERTIFICATE-----\n";
}

TEST(CertificateNotAfter, ReadsUtcTimeAndGeneralizedTime) {
  auto utc = certificate_not_after_pem(pem_with_validity(der(0x17, "250101000000Z"), der(0x17, "491231235959Z")));
  ASSERT_TRUE(utc.ok()) << utc.error().message;
  EXPECT_EQ(*utc, 2524607999);  // 2049-12-31 23:59:59 UTC: UTCTime years below 50 are 20xx
  auto old = certificate_not_after_pem(pem_with_validity(der(0x17, "900101000000Z"), der(0x17, "991231000000Z")));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 946598400);  // 1999-12-31 00:00:00 UTC
  auto general =
      certificate_not_after_pem(pem_with_validity(der(0x17, "250101000000Z"), der(0x18, "21261030132535Z")));
  ASSERT_TRUE(general.ok());
  EXPECT_EQ(*general, 4949040335);  // 2126-10-30 13:25:35 UTC
}

TEST(CertificateNotAfter, RefusesWhatIsNotACertificate) {
  EXPECT_FALSE(certificate_not_after_pem("no pem here").ok());
  EXPECT_FALSE(certificate_not_after_pem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(certificate_not_after_pem(pem_with_validity(der(0x17, "25010100Z"), der(0x17, "bad"))).ok());
  std::string truncated = pem_with_validity(der(0x17, "250101000000Z"), der(0x17, "491231235959Z"));
  EXPECT_FALSE(certificate_not_after_pem(truncated.substr(0, 60) + "\n-----END CERTIFICATE-----\n").ok());
}

TEST(CertificateNotAfter, ReadsTheTestCertificateFile) {
  auto when = certificate_not_after(ROOST_TEST_DATA_DIR "/tls/server.pem");
  ASSERT_TRUE(when.ok()) << when.error().message;
  EXPECT_EQ(*when, 4949040335);
}

}  // namespace
}  // namespace roost::admin::test

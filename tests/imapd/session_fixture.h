// Test fixture for imap::Session: a temporary store with one account (cheap Argon2), a fake server
// environment (throttle, clock), and helpers that feed a script of bytes to a session and collect
// everything it wrote and requested.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imapd/imap_session.h"
#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "tests/storage/store_fixture.h"

namespace roost::imap::test {

class FakeEnv : public SessionEnv {
 public:
  bool login_locked_out(std::string_view) override { return locked_out; }
  std::chrono::milliseconds login_failed(std::string_view) override {
    ++failures;
    return std::chrono::milliseconds(250);
  }
  void login_succeeded(std::string_view) override { ++successes; }
  std::int64_t now_unix() override { return now; }

  bool locked_out = false;
  int failures = 0;
  int successes = 0;
  std::int64_t now = 1700000000;
};

inline SessionConfig test_config() {
  SessionConfig config;
  config.hostname = "mail.example.org";
  config.plaintext_login = true;
  return config;
}

inline constexpr std::string_view kUser = "alice@example.org";

// A short message as a client or smtpd would hand it over.
inline std::string test_message(std::string_view subject, std::string_view body = "Hello\r\n") {
  return "From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: " + std::string(subject) +
         "\r\nDate: Mon, 20 Nov 2023 10:00:00 +0000\r\nMessage-ID: <" + std::string(subject) +
         "@example.net>\r\n\r\n" + std::string(body);
}

class SessionTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    account_ = make_account(std::string(kUser));
  }

  std::unique_ptr<Session> open(SessionConfig config = test_config()) {
    auto session = std::make_unique<Session>(std::move(config), *store_, env_);
    greeting_ = session->take_output();
    return session;
  }

  // Feeds `bytes` and runs the session until it has nothing more to do; returns what it wrote.
  // Requests are collected in requests_.
  std::string run(Session& s, std::string_view bytes) {
    s.receive(bytes);
    return drain(s);
  }
  std::string drain(Session& s, std::size_t budget = 256 * 1024) {
    std::string out;
    for (int i = 0; i < 100000; ++i) {
      bool more = s.step(budget);
      out += s.take_output();
      while (auto r = s.next_request()) requests_.push_back(std::move(*r));
      if (!more) break;
    }
    return out;
  }
  // The same script one byte at a time.
  std::string run_bytewise(Session& s, std::string_view bytes) {
    std::string out;
    for (char c : bytes) out += run(s, std::string_view(&c, 1));
    return out;
  }

  std::unique_ptr<Session> logged_in(SessionConfig config = test_config()) {
    auto s = open(std::move(config));
    std::string out = run(*s, "l0 LOGIN alice@example.org secret\r\n");
    EXPECT_NE(out.find("l0 OK"), std::string::npos) << out;
    return s;
  }
  std::unique_ptr<Session> selected(std::string_view mailbox = "INBOX", std::string_view enable = "") {
    auto s = logged_in();
    if (!enable.empty()) run(*s, "e0 ENABLE " + std::string(enable) + "\r\n");
    std::string out = run(*s, "s0 SELECT " + std::string(mailbox) + "\r\n");
    EXPECT_NE(out.find("s0 OK [READ-WRITE]"), std::string::npos) << out;
    return s;
  }

  // A delivery as smtpd makes it; returns the new UID.
  std::uint32_t deliver(const std::string& bytes, const std::string& mailbox = "", store::Flags flags = {}) {
    store::Delivery d;
    d.bytes = bytes;
    store::LocalTarget target;
    target.account_id = account_;
    target.mailbox = mailbox;
    target.flags = flags;
    d.local.push_back(target);
    auto r = store_->deliver_sync(d);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->local.empty()) return 0;
    return r->local[0].uid;
  }
  void deliver_n(int n) {
    for (int i = 1; i <= n; ++i) deliver(test_message("msg" + std::to_string(i)));
  }

  // The messages of a mailbox as the store has them, ascending UID.
  std::vector<store::MessageInfo> messages_in(const std::string& mailbox) {
    std::int64_t id = mailbox_id(account_, mailbox);
    auto list = r<std::vector<store::MessageInfo>>([&](store::Db& db) { return store::list_messages(db, id); });
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<store::MessageInfo>{};
  }

  template <typename T>
  int count_requests() const {
    int n = 0;
    for (const Request& r : requests_) n += std::holds_alternative<T>(r) ? 1 : 0;
    return n;
  }
  static bool has(const std::string& out, std::string_view needle) { return out.find(needle) != std::string::npos; }

  FakeEnv env_;
  std::int64_t account_ = 0;
  std::string greeting_;
  std::vector<Request> requests_;
};

}  // namespace roost::imap::test

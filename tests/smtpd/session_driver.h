// A fake outside for SMTP session tests: feeds byte scripts (whole or one byte at a time), answers
// requests like a small mail store would, and records the transcript. Header-only: the test
// binary is built from *_test.cpp files alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <cstdlib>
#include <memory>

#include <gtest/gtest.h>

#include "smtpd/smtp_session.h"

namespace roost::smtp::testing {

// The outside's behaviour. Local domain example.org: alice (password "secret", owns alice@ and
// alice.smith@), bob, postmaster; disabled@, full@ and over@ have those states; other local parts are
// unknown; other domains are remote.
struct Fake {
  std::optional<store::StoreError> deliver_error;
  bool remote_even_unauthenticated = false;  // a broken resolver: the session must still refuse
  bool auth_temporary_failure = false;
  // What happened, in order: "starttls", "auth alice", "rcpt a@b", "sender a@b", "from a@b",
  // "deliver", "close".
  std::vector<std::string> log;
  std::vector<Deliver> delivered;

  Outcome answer(Request& request);
};

struct Transcript {
  std::string output;                // everything the session sent
  std::vector<std::string> replies;  // the last line of each reply, CRLF removed
  bool closed = false;
  std::vector<std::string> log;
  std::vector<Deliver> delivered;
  std::vector<TransactionSummary> finished;  // refused transactions, taken after every step of input
};

inline SessionConfig mx_config();
inline SessionConfig submission_config();
inline Environment test_environment();
inline TlsInfo test_tls();

// Feeds `steps` in order. A step is what the client sends before it waits: when the session asks
// for STARTTLS, the rest of that step is plaintext behind STARTTLS and is dropped, and the TLS
// handshake "happens" before the next step. With `bytewise` every byte is a separate receive().
inline Transcript run_script(const SessionConfig& config, const std::vector<std::string>& steps, bool bytewise, Fake fake = {},
                      std::optional<TlsInfo> tls = std::nullopt);

// run_script whole and byte by byte; checks (with gtest) that both give the same transcript and
// the same delivered messages, and returns the whole run.
inline Transcript run_both(const SessionConfig& config, const std::vector<std::string>& steps, const Fake& fake = {},
                    std::optional<TlsInfo> tls = std::nullopt);

// Checks that each reply starts with the expected prefix ("250 2.1.5", "354", ...), and that the
// counts match.
inline void expect_replies(const Transcript& t, const std::vector<std::string>& expected);

// ---- Definitions ----


namespace detail {

inline std::string domain_of(const std::string& key) {
  auto at = key.rfind('@');
  return at == std::string::npos ? std::string() : key.substr(at + 1);
}

inline std::vector<std::string> split_replies(const std::string& output) {
  std::vector<std::string> replies;
  std::size_t pos = 0;
  while (pos < output.size()) {
    std::size_t end = output.find("\r\n", pos);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(pos, end - pos);
    pos = end + 2;
    if (line.size() >= 4 && line[3] == '-') continue;  // a continuation line
    replies.push_back(line);
  }
  return replies;
}

}  // namespace detail

inline Outcome Fake::answer(Request& request) {
  if (auto* auth = std::get_if<Authenticate>(&request.body)) {
    log.push_back("auth " + auth->user);
    if (auth_temporary_failure) return AuthResult{AuthVerdict::temporary_failure, {}};
    if ((auth->user == "alice" || auth->user == "alice@example.org") && auth->password.view() == "secret") {
      return AuthResult{AuthVerdict::ok, "alice@example.org"};
    }
    return AuthResult{AuthVerdict::bad_credentials, {}};
  }
  if (auto* rcpt = std::get_if<ResolveRecipient>(&request.body)) {
    std::string key = rcpt->address.lookup_key();
    log.push_back("rcpt " + key);
    if (rcpt->address.postmaster) return RecipientResult{RecipientVerdict::local, {"postmaster@example.org"}};
    if (detail::domain_of(key) != "example.org") {
      if (rcpt->authenticated || remote_even_unauthenticated) return RecipientResult{RecipientVerdict::remote, {}};
      return RecipientResult{RecipientVerdict::relay_denied, {}};
    }
    if (key == "alice@example.org" || key == "bob@example.org" || key == "postmaster@example.org" ||
        key == "jörg@example.org") {
      return RecipientResult{RecipientVerdict::local, {key}};
    }
    if (key == "disabled@example.org") return RecipientResult{RecipientVerdict::disabled, {}};
    if (key == "full@example.org") return RecipientResult{RecipientVerdict::mailbox_full, {}};
    if (key == "over@example.org") return RecipientResult{RecipientVerdict::over_quota, {}};
    if (key == "tempfail@example.org") return RecipientResult{RecipientVerdict::temporary_failure, {}};
    return RecipientResult{RecipientVerdict::unknown, {}};
  }
  if (auto* sender = std::get_if<CheckSender>(&request.body)) {
    std::string key = sender->address.lookup_key();
    log.push_back((sender->from_header ? "from " : "sender ") + key);
    if (key == "tempfail@example.org") return SenderResult{SenderVerdict::temporary_failure};
    bool owned = sender->account == "alice@example.org" &&
                 (key == "alice@example.org" || key == "alice.smith@example.org");
    return SenderResult{owned ? SenderVerdict::owned : SenderVerdict::not_owned};
  }
  if (auto* deliver = std::get_if<Deliver>(&request.body)) {
    log.push_back("deliver");
    if (deliver_error) return DeliverResult{fail(*deliver_error)};
    delivered.push_back(std::move(*deliver));
    return DeliverResult{std::string("Q") + std::to_string(delivered.size())};
  }
  std::abort();
}

inline SessionConfig mx_config() {
  SessionConfig c;
  c.hostname = "mx.example.org";
  c.listener = ListenerKind::mx;
  return c;
}

inline SessionConfig submission_config() {
  SessionConfig c = mx_config();
  c.listener = ListenerKind::submission;
  return c;
}

inline Environment test_environment() {
  Environment env;
  env.now = [] { return mail::DateTime{1795440127, 60}; };  // Mon, 23 Nov 2026 14:22:07 +0100
  auto counter = std::make_shared<std::uint64_t>(0);
  env.random = [counter] { return 0xABCDEF0000000000ull + ++*counter; };
  return env;
}

inline TlsInfo test_tls() { return TlsInfo{"TLSv1.3", "TLS_AES_256_GCM_SHA384"}; }

inline Transcript run_script(const SessionConfig& config, const std::vector<std::string>& steps, bool bytewise, Fake fake,
                      std::optional<TlsInfo> tls) {
  Session session(config, PeerInfo{"192.0.2.7", "client.example.net"}, test_environment(), tls);
  Transcript t;
  bool tls_pending = false;
  auto service = [&] {
    while (auto request = session.next_request()) {
      if (std::holds_alternative<StartTls>(request->body)) {
        fake.log.push_back("starttls");
        tls_pending = true;  // handshake after this step; the rest of the step is dropped
        continue;
      }
      if (std::holds_alternative<Close>(request->body)) {
        fake.log.push_back("close");
        continue;
      }
      std::uint64_t id = request->id;
      Outcome outcome = fake.answer(*request);
      session.complete(id, std::move(outcome));
    }
    for (auto& summary : session.take_finished_transactions()) t.finished.push_back(std::move(summary));
  };
  for (const auto& step : steps) {
    if (bytewise) {
      for (char c : step) {
        if (tls_pending) break;
        session.receive(std::string_view(&c, 1));
        service();
      }
    } else {
      session.receive(step);
      service();
    }
    if (tls_pending) {
      tls_pending = false;
      session.tls_started(test_tls());
      service();
    }
  }
  t.output = session.take_output();
  t.replies = detail::split_replies(t.output);
  t.closed = session.closed();
  t.log = fake.log;
  t.delivered = std::move(fake.delivered);
  return t;
}

inline Transcript run_both(const SessionConfig& config, const std::vector<std::string>& steps, const Fake& fake,
                    std::optional<TlsInfo> tls) {
  Transcript whole = run_script(config, steps, false, fake, tls);
  Transcript bytes = run_script(config, steps, true, fake, tls);
  EXPECT_EQ(whole.output, bytes.output) << "fed whole and byte by byte, the session must answer the same";
  EXPECT_EQ(whole.log, bytes.log);
  EXPECT_EQ(whole.closed, bytes.closed);
  EXPECT_EQ(whole.delivered.size(), bytes.delivered.size());
  for (std::size_t i = 0; i < whole.delivered.size() && i < bytes.delivered.size(); ++i) {
    EXPECT_EQ(whole.delivered[i].message, bytes.delivered[i].message);
  }
  EXPECT_EQ(whole.finished.size(), bytes.finished.size());
  for (std::size_t i = 0; i < whole.finished.size() && i < bytes.finished.size(); ++i) {
    const TransactionSummary& a = whole.finished[i];
    const TransactionSummary& b = bytes.finished[i];
    EXPECT_EQ(a.sender.to_string(), b.sender.to_string());
    EXPECT_EQ(a.recipients.size(), b.recipients.size());
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.enhanced, b.enhanced);
    EXPECT_EQ(a.reason, b.reason);
  }
  return whole;
}

inline void expect_replies(const Transcript& t, const std::vector<std::string>& expected) {
  EXPECT_EQ(t.replies.size(), expected.size()) << t.output;
  for (std::size_t i = 0; i < t.replies.size() && i < expected.size(); ++i) {
    EXPECT_EQ(t.replies[i].substr(0, expected[i].size()), expected[i]) << "reply " << i << " in:\n" << t.output;
  }
}

}  // namespace roost::smtp::testing

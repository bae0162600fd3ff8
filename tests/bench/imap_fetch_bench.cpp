// imap_fetch_bench: wall time of FetchJob over a mailbox of varied real-looking mail (plain text,
// multipart/alternative, attachments in base64, forwarded messages): FETCH 1:* (FLAGS ENVELOPE),
// (BODYSTRUCTURE), BODY.PEEK[HEADER.FIELDS (...)], BINARY.SIZE[1] and BODY.PEEK[] (MB/s), warm cache.
// Usage: imap_fetch_bench [messages (default 10000)] [directory for the database (default /tmp)]
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "imapd/imap_fetch.h"
#include "storage/accounts.h"
#include "storage/mailboxes.h"
#include "storage/store.h"

namespace {

using namespace roost;

std::string words(std::mt19937& rng, std::size_t bytes) {
  static const char* kWords[] = {"meeting", "the", "report", "quarterly", "and", "invoice", "please", "find",
                                 "attached", "regards", "tomorrow", "schedule", "project", "update", "of"};
  std::string out;
  std::size_t line = 0;
  while (out.size() < bytes) {
    const char* w = kWords[rng() % (sizeof kWords / sizeof *kWords)];
    out += w;
    line += std::string_view(w).size() + 1;
    if (line > 70) {
      out += "\r\n";
      line = 0;
    } else {
      out += ' ';
    }
  }
  return out + "\r\n";
}

std::string base64_lines(std::mt19937& rng, std::size_t bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  while (out.size() < bytes) {
    for (int i = 0; i < 76; ++i) out += kAlphabet[rng() % 64];
    out += "\r\n";
  }
  return out;
}

std::string header(std::mt19937& rng, int n, const std::string& content_type) {
  return "Return-Path: <sender" + std::to_string(n % 97) + "@example.com>\r\n"
         "Received: from mx.example.com (mx.example.com [192.0.2.1]) by mail.example.org with ESMTPS id " +
         std::to_string(rng()) + "\r\n\tfor <alice@example.org>; Mon, 23 Nov 2026 10:00:00 +0000\r\n"
         "From: \"Sender " + std::to_string(n % 97) + "\" <sender" + std::to_string(n % 97) + "@example.com>\r\n"
         "To: Alice <alice@example.org>, bob@example.net\r\n"
         "Cc: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.de>\r\n"
         "Subject: Re: quarterly report " + std::to_string(n) + "\r\n"
         "Date: Mon, 23 Nov 2026 10:" + std::to_string(10 + n % 50) + ":00 +0100\r\n"
         "Message-ID: <" + std::to_string(n) + "." + std::to_string(rng()) + "@example.com>\r\n"
         "In-Reply-To: <" + std::to_string(n - 1) + "@example.com>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: " + content_type + "\r\n\r\n";
}

std::string message(std::mt19937& rng, int n) {
  switch (n % 4) {
    case 0:
      return header(rng, n, "text/plain; charset=utf-8") + words(rng, 1000 + rng() % 6000);
    case 1:
      return header(rng, n, "multipart/alternative; boundary=\"alt\"") + "--alt\r\nContent-Type: text/plain\r\n\r\n" +
             words(rng, 2000) + "--alt\r\nContent-Type: text/html\r\n\r\n<p>" + words(rng, 4000) + "</p>\r\n--alt--\r\n";
    case 2:
      return header(rng, n, "multipart/mixed; boundary=\"mix\"") + "--mix\r\nContent-Type: text/plain\r\n\r\n" +
             words(rng, 800) +
             "--mix\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
             "Content-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n" +
             base64_lines(rng, 20000 + rng() % 40000) + "--mix--\r\n";
    default:
      return header(rng, n, "multipart/mixed; boundary=\"fwd\"") + "--fwd\r\nContent-Type: text/plain\r\n\r\n" +
             words(rng, 300) + "--fwd\r\nContent-Type: message/rfc822\r\n\r\n" +
             header(rng, n + 1, "text/plain") + words(rng, 2000) + "--fwd--\r\n";
  }
}

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Timing {
  double ms = 0;
  double cpu = 0;  // CPU time of the process: steadier than wall time on a shared machine
  std::size_t bytes = 0;
};

Timing run_fetch(store::Store& store, const std::vector<store::MessageInfo>& messages, const std::string& items) {
  auto command = imap::parse_command(imap::RawCommand{"a", "a FETCH 1:* " + items});
  if (!command.ok()) {
    std::fprintf(stderr, "bad items %s\n", items.c_str());
    std::exit(1);
  }
  std::vector<imap::FetchTarget> targets;
  targets.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    targets.push_back({static_cast<std::uint32_t>(i + 1), messages[i], false});
  }
  auto start = std::chrono::steady_clock::now();
  double cpu_start = cpu_ms();
  imap::FetchJob job(store, std::get<imap::Fetch>(command->body), std::move(targets), {});
  Timing t;
  std::string out;
  for (;;) {
    out.clear();  // the session hands each step to the connection
    auto done = job.run(out, 256 * 1024);
    if (!done.ok()) {
      std::fprintf(stderr, "fetch failed: %s\n", std::string(store::store_error_name(done.error())).c_str());
      std::exit(1);
    }
    t.bytes += out.size();
    if (*done) break;
  }
  t.cpu = cpu_ms() - cpu_start;
  t.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string base = argc > 2 ? argv[2] : "/tmp";
  std::string dir = base + "/roost-fetch-bench-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return 1;

  store::StoreOptions options;
  options.db_path = dir + "/roost.db";
  auto opened = store::Store::open(options);
  if (!opened.ok()) return 1;
  auto& s = **opened;
  (void)s.write_sync<bool>([](store::WriteCtx& w) -> store::StoreResult<bool> {
    auto r = store::add_domain(w, "example.org");
    if (!r.ok()) return fail(r.error());
    return true;
  });
  auto account = s.add_account_sync("alice@example.org", "bench password");
  if (!account.ok()) return 1;
  auto inbox = s.read<store::Mailbox>([&](store::Db& db) { return store::find_mailbox(db, *account, "INBOX"); });
  if (!inbox.ok()) return 1;

  std::mt19937 rng(42);
  std::size_t total = 0;
  const int kBatch = 500;
  for (int first = 0; first < count; first += kBatch) {
    std::vector<std::string> batch;
    for (int n = first; n < std::min(count, first + kBatch); ++n) batch.push_back(message(rng, n));
    for (const auto& m : batch) total += m.size();
    auto r = s.write_sync<bool>([&](store::WriteCtx& w) -> store::StoreResult<bool> {
      for (const auto& m : batch) {
        auto a = store::append(w, inbox->id, m, {});
        if (!a.ok()) return fail(a.error());
      }
      return true;
    });
    if (!r.ok()) return 1;
  }
  auto messages = s.read<std::vector<store::MessageInfo>>(
      [&](store::Db& db) { return store::list_messages(db, inbox->id); });
  if (!messages.ok()) return 1;
  std::printf("mailbox: %d messages, %.1f MB\n", count, static_cast<double>(total) / 1e6);

  const char* cases[] = {"(FLAGS ENVELOPE)", "(BODYSTRUCTURE)", "(UID BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])",
                         "(BINARY.SIZE[1])", "(BODY.PEEK[])"};
  for (const char* items : cases) {
    (void)run_fetch(s, *messages, items);  // warm the cache
    Timing best{1e18, 0, 0};
    for (int i = 0; i < 3; ++i) {
      Timing t = run_fetch(s, *messages, items);
      if (t.ms < best.ms) best = t;
    }
    std::printf("FETCH 1:* %-52s %8.1f ms wall %8.1f ms cpu %7.1f MB out %7.1f MB/s\n", items, best.ms, best.cpu,
                static_cast<double>(best.bytes) / 1e6, static_cast<double>(best.bytes) / 1e3 / best.ms);
  }
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

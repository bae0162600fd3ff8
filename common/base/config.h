// The one TOML configuration file read by every daemon and roostctl. Every key, its type, default and
// meaning is listed once (config.cpp's key table); unknown keys and bad values are refused at load time
// with the key's name, the value and why.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/log.h"
#include "common/base/result.h"

namespace roost {

using Duration = std::chrono::milliseconds;

struct TlsSettings {
  std::string cert_file;  // PEM chain; a certbot "live" dir's fullchain.pem works as is
  std::string key_file;
  Duration handshake_timeout{std::chrono::seconds(30)};
};

// Network limits shared by the daemons (per-daemon timeouts live with the daemon's settings).
struct LimitSettings {
  std::int64_t max_connections = 1000;
  std::int64_t max_connections_per_ip = 20;
  std::int64_t max_line_length = 8192;
  std::int64_t output_high_watermark = 1 << 20;
  std::int64_t output_low_watermark = 256 << 10;
  Duration session_limit{std::chrono::hours(24)};
  Duration shutdown_grace{std::chrono::seconds(10)};
};

struct SmtpdSettings {
  std::vector<std::string> mx{"0.0.0.0:25", "[::]:25"};
  std::vector<std::string> submission{"0.0.0.0:587", "[::]:587"};
  std::vector<std::string> submissions{"0.0.0.0:465", "[::]:465"};
  Duration idle_timeout{std::chrono::minutes(5)};  // RFC 5321 4.5.3.2.7
  std::int64_t max_message_size = 50LL << 20;      // advertised as SIZE (RFC 1870)
  std::int64_t max_recipients = 100;               // RFC 5321 4.5.3.1.8: at least 100
  std::int64_t max_errors = 20;                    // client errors before 421 and close
  std::int64_t max_received_fields = 100;          // more = a mail loop (RFC 5321 6.3)
  bool auth_on_mx = false;                         // offer AUTH on the MX listener (after TLS)
  bool received_shows_user = false;                // name the authenticated user in Received
};

struct ImapdSettings {
  std::vector<std::string> imap{"0.0.0.0:143", "[::]:143"};
  std::vector<std::string> imaps{"0.0.0.0:993", "[::]:993"};
  Duration idle_timeout{std::chrono::minutes(30)};  // RFC 9051 5.4: at least 30 minutes
  std::int64_t max_line_length = 8192;              // a command line, without its literals
  std::int64_t max_command_size = 64LL << 10;       // a whole command with its literals (not APPEND's message)
  std::int64_t append_limit = 50LL << 20;           // largest message APPEND takes (APPENDLIMIT, RFC 7889)
  std::int64_t max_errors = 10;                     // bad commands in a row before BYE and close
  std::int64_t max_auth_failures = 3;               // failed logins in one session before BYE and close
  std::int64_t worker_threads = 4;                  // threads running IMAP commands against the store
};

struct Pop3dSettings {
  std::vector<std::string> pop3{"0.0.0.0:110", "[::]:110"};
  std::vector<std::string> pop3s{"0.0.0.0:995", "[::]:995"};
  Duration idle_timeout{std::chrono::minutes(10)};  // RFC 1939 3: at least 10 minutes
  bool mark_seen = false;                           // RETR sets \Seen, as an IMAP client would see
  std::int64_t max_errors = 10;                     // bad commands before -ERR and close
  std::int64_t max_auth_failures = 3;               // failed logins in one session before close
};

struct AuthSettings {
  std::int64_t argon2_time_cost = 2;
  std::int64_t argon2_memory_kib = 19456;  // 19 MiB
  std::int64_t argon2_parallelism = 1;
  std::int64_t max_concurrent_hashes = 2;
  bool allow_plaintext_on_loopback = false;
  // Failed-login throttle, shared by the daemons: the n-th failure is answered after
  // base_delay * 2^(n-1) (at most max_delay); past a maximum, logins are refused until the window
  // passes without failures.
  std::int64_t max_failures_per_ip = 10;
  std::int64_t max_failures_per_account = 8;
  Duration failure_window{std::chrono::minutes(15)};
  Duration failure_base_delay{std::chrono::milliseconds(250)};
  Duration failure_max_delay{std::chrono::seconds(8)};
};

struct StoreSettings {
  std::string plus_separator = "+";
  Duration busy_timeout{std::chrono::seconds(5)};
  std::int64_t mmap_size = 256LL << 20;  // PRAGMA mmap_size per connection; 0 = read with copies
};

// [dns]: how outbound mail finds MX hosts (common/dns/).
struct DnsSettings {
  std::vector<std::string> resolver;             // "ip:port" / "[v6]:port"; empty = /etc/resolv.conf
  Duration timeout{std::chrono::seconds(5)};     // per attempt, per nameserver
  std::int64_t attempts = 2;                     // rounds over the nameserver list
  std::int64_t cache_size = 10000;               // cached answers (name and type) before eviction
};

struct Settings {
  std::string hostname;  // empty in the file = the machine's host name
  std::string data_dir = "/var/lib/roost";
  log::Level log_level = log::Level::info;
  TlsSettings tls;
  LimitSettings limits;
  SmtpdSettings smtpd;
  ImapdSettings imapd;
  Pop3dSettings pop3d;
  AuthSettings auth;
  StoreSettings store;
  DnsSettings dns;

  // The database file: <data_dir>/roost.db.
  std::string db_path() const { return data_dir + "/roost.db"; }
};

// Parses TOML text. `origin` names the source in error messages (a file name).
Result<Settings> parse_config(std::string_view toml_text, std::string_view origin = "config");
// Reads and parses a file; a missing file is an error that says which path was tried.
Result<Settings> load_config(const std::string& path);
// The config path to use: `explicit_path` if given, else $ROOST_CONFIG, else /etc/roost/roost.toml.
std::string config_path(std::string_view explicit_path);

// A commented TOML file holding every key with its default (hostname and data_dir as given);
// what `roostctl init` writes and what deploy/roost.toml is.
std::string example_config(std::string_view hostname, std::string_view data_dir);

// Accepted forms: an integer (seconds) or a string "500ms", "30s", "5m", "2h", "1d".
Result<Duration> parse_duration(std::string_view text);
// Accepted forms: an integer (bytes) or a string "64k", "50M", "1G" (also "KB"/"MiB"... case-insensitive,
// all binary multiples).
Result<std::int64_t> parse_size(std::string_view text);

}  // namespace roost

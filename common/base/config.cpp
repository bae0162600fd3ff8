// Loads roost.toml into Settings through one table of keys (name, type, bounds, default, meaning).
#include "common/base/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include <toml++/toml.h>

namespace roost {
namespace {

// One configuration key: how to apply a TOML value to Settings, and how to print its current value.
struct KeySpec {
  std::string name;  // dotted: "limits.max_connections"
  std::string doc;
  std::function<Status(const toml::node&, Settings&)> apply;
  std::function<std::string(Settings&)> render;
};

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string render_duration(Duration d) {
  auto ms = d.count();
  if (ms % 86400000 == 0 && ms != 0) return quote(std::to_string(ms / 86400000) + "d");
  if (ms % 3600000 == 0 && ms != 0) return quote(std::to_string(ms / 3600000) + "h");
  if (ms % 60000 == 0 && ms != 0) return quote(std::to_string(ms / 60000) + "m");
  if (ms % 1000 == 0) return quote(std::to_string(ms / 1000) + "s");
  return quote(std::to_string(ms) + "ms");
}

KeySpec string_key(std::string name, std::string doc, std::function<std::string&(Settings&)> field,
                   std::function<Status(const std::string&)> check = nullptr) {
  return {name, std::move(doc),
          [field, check](const toml::node& node, Settings& s) -> Status {
            auto v = node.value<std::string>();
            if (!node.is_string() || !v) return fail("expected a string");
            if (check) {
              if (auto st = check(*v); !st) return st;
            }
            field(s) = *v;
            return {};
          },
          [field](Settings& s) { return quote(field(s)); }};
}

KeySpec int_key(std::string name, std::string doc, std::function<std::int64_t&(Settings&)> field,
                std::int64_t min, std::int64_t max) {
  return {name, std::move(doc),
          [field, min, max](const toml::node& node, Settings& s) -> Status {
            auto v = node.value<std::int64_t>();
            if (!node.is_integer() || !v) return fail("expected an integer");
            if (*v < min || *v > max) {
              return fail(fmt::format("must be between {} and {}", min, max));
            }
            field(s) = *v;
            return {};
          },
          [field](Settings& s) { return std::to_string(field(s)); }};
}

KeySpec size_key(std::string name, std::string doc, std::function<std::int64_t&(Settings&)> field,
                 std::int64_t min, std::int64_t max) {
  return {name, std::move(doc),
          [field, min, max](const toml::node& node, Settings& s) -> Status {
            std::int64_t bytes = 0;
            if (auto i = node.value<std::int64_t>(); node.is_integer() && i) {
              bytes = *i;
            } else if (auto str = node.value<std::string>(); node.is_string() && str) {
              auto parsed = parse_size(*str);
              if (!parsed) return fail(parsed.error().message);
              bytes = *parsed;
            } else {
              return fail("expected a size such as 1048576 or \"1M\"");
            }
            if (bytes < min || bytes > max) return fail(fmt::format("must be between {} and {} bytes", min, max));
            field(s) = bytes;
            return {};
          },
          [field](Settings& s) { return std::to_string(field(s)); }};
}

KeySpec duration_key(std::string name, std::string doc, std::function<Duration&(Settings&)> field, Duration min,
                     Duration max) {
  return {name, std::move(doc),
          [field, min, max](const toml::node& node, Settings& s) -> Status {
            Duration d{};
            if (auto i = node.value<std::int64_t>(); node.is_integer() && i) {
              if (*i < 0 || *i > 100LL * 365 * 86400) return fail("seconds out of range");
              d = std::chrono::seconds(*i);
            } else if (auto str = node.value<std::string>(); node.is_string() && str) {
              auto parsed = parse_duration(*str);
              if (!parsed) return fail(parsed.error().message);
              d = *parsed;
            } else {
              return fail("expected a duration such as 30 (seconds) or \"5m\"");
            }
            if (d < min || d > max) {
              return fail(fmt::format("must be between {} and {}", render_duration(min), render_duration(max)));
            }
            field(s) = d;
            return {};
          },
          [field](Settings& s) { return render_duration(field(s)); }};
}

KeySpec bool_key(std::string name, std::string doc, std::function<bool&(Settings&)> field) {
  return {name, std::move(doc),
          [field](const toml::node& node, Settings& s) -> Status {
            auto v = node.value<bool>();
            if (!node.is_boolean() || !v) return fail("expected true or false");
            field(s) = *v;
            return {};
          },
          [field](Settings& s) { return std::string(field(s) ? "true" : "false"); }};
}

KeySpec list_key(std::string name, std::string doc, std::function<std::vector<std::string>&(Settings&)> field,
                 std::function<Status(const std::string&)> check = nullptr) {
  return {name, std::move(doc),
          [field, check](const toml::node& node, Settings& s) -> Status {
            const toml::array* arr = node.as_array();
            if (!arr) return fail("expected a list of strings");
            std::vector<std::string> out;
            for (const toml::node& item : *arr) {
              auto v = item.value<std::string>();
              if (!item.is_string() || !v || v->empty()) return fail("expected a list of non-empty strings");
              if (check) {
                if (auto st = check(*v); !st) return fail(fmt::format("{}: {}", quote(*v), st.error().message));
              }
              out.push_back(*v);
            }
            field(s) = std::move(out);
            return {};
          },
          [field](Settings& s) {
            std::string out = "[";
            for (const auto& v : field(s)) {
              if (out.size() > 1) out += ", ";
              out += quote(v);
            }
            return out + "]";
          }};
}

Status check_not_empty(const std::string& v) {
  if (v.empty()) return fail("must not be empty");
  return {};
}

// dns.resolver entries: an IP literal and a port, "192.0.2.53:53" or "[2001:db8::53]:53". Names are
// refused: finding the nameserver would itself need DNS.
Status check_nameserver(const std::string& v) {
  std::string host;
  std::string port;
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    if (close == std::string::npos || close + 1 >= v.size() || v[close + 1] != ':') return fail("expected [ipv6]:port");
    host = v.substr(1, close - 1);
    port = v.substr(close + 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) return fail("not an IPv6 address");
  } else {
    auto colon = v.rfind(':');
    if (colon == std::string::npos) return fail("expected ip:port");
    host = v.substr(0, colon);
    port = v.substr(colon + 1);
    in_addr a4{};
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) return fail("not an IPv4 address (IPv6 goes in brackets)");
  }
  unsigned number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) {
    return fail("the port must be 1 to 65535");
  }
  return {};
}

const std::vector<KeySpec>& key_table() {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  using std::chrono::seconds;
  static const std::vector<KeySpec> table = [] {
    std::vector<KeySpec> t;
    t.push_back(string_key("hostname", "This server's host name, used in greetings and Received headers (empty: the system's).",
                           [](Settings& s) -> std::string& { return s.hostname; }));
    t.push_back(string_key("data_dir", "Where the database and run-time files live.",
                           [](Settings& s) -> std::string& { return s.data_dir; }, check_not_empty));
    t.push_back({"log_level", "Least important level logged: debug, info, warn or error.",
                 [](const toml::node& node, Settings& s) -> Status {
                   auto v = node.value<std::string>();
                   if (!node.is_string() || !v || !log::parse_level(*v, s.log_level)) {
                     return fail("expected one of debug, info, warn, error");
                   }
                   return {};
                 },
                 [](Settings& s) { return quote(log::level_name(s.log_level)); }});

    t.push_back(string_key("tls.cert_file", "PEM certificate chain, leaf first (certbot: live/DOMAIN/fullchain.pem). Reloaded on SIGHUP.",
                           [](Settings& s) -> std::string& { return s.tls.cert_file; }));
    t.push_back(string_key("tls.key_file", "PEM private key (certbot: live/DOMAIN/privkey.pem).",
                           [](Settings& s) -> std::string& { return s.tls.key_file; }));
    t.push_back(duration_key("tls.handshake_timeout", "Time a client has to finish the TLS handshake.",
                             [](Settings& s) -> Duration& { return s.tls.handshake_timeout; }, seconds(1), minutes(10)));

    t.push_back(int_key("limits.max_connections", "Connections open at once, per daemon.",
                        [](Settings& s) -> std::int64_t& { return s.limits.max_connections; }, 1, 1000000));
    t.push_back(int_key("limits.max_connections_per_ip", "Connections open at once from one client address, per daemon.",
                        [](Settings& s) -> std::int64_t& { return s.limits.max_connections_per_ip; }, 1, 1000000));
    t.push_back(size_key("limits.max_line_length", "Longest command line accepted; longer lines get an error reply.",
                         [](Settings& s) -> std::int64_t& { return s.limits.max_line_length; }, 512, 1 << 20));
    t.push_back(size_key("limits.output_high_watermark", "Queued output above which a connection stops reading.",
                         [](Settings& s) -> std::int64_t& { return s.limits.output_high_watermark; }, 4096, 1LL << 30));
    t.push_back(size_key("limits.output_low_watermark", "Queued output below which reading resumes.",
                         [](Settings& s) -> std::int64_t& { return s.limits.output_low_watermark; }, 1024, 1LL << 30));
    t.push_back(duration_key("limits.session_limit", "Longest a single connection may last.",
                             [](Settings& s) -> Duration& { return s.limits.session_limit; }, minutes(1), hours(24 * 7)));
    t.push_back(duration_key("limits.shutdown_grace", "On SIGTERM, how long sessions in flight may take to finish.",
                             [](Settings& s) -> Duration& { return s.limits.shutdown_grace; }, milliseconds(0), minutes(10)));

    t.push_back(list_key("smtpd.mx", "Addresses for incoming mail from the world (plain, STARTTLS offered).",
                         [](Settings& s) -> std::vector<std::string>& { return s.smtpd.mx; }));
    t.push_back(list_key("smtpd.submission", "Addresses for mail submission (STARTTLS required before AUTH).",
                         [](Settings& s) -> std::vector<std::string>& { return s.smtpd.submission; }));
    t.push_back(list_key("smtpd.submissions", "Addresses for mail submission over implicit TLS (RFC 8314).",
                         [](Settings& s) -> std::vector<std::string>& { return s.smtpd.submissions; }));
    t.push_back(duration_key("smtpd.idle_timeout", "Time a client may stay silent (RFC 5321 4.5.3.2.7: at least 5 minutes).",
                             [](Settings& s) -> Duration& { return s.smtpd.idle_timeout; }, seconds(1), hours(2)));

    t.push_back(size_key("smtpd.max_message_size", "Largest message accepted (advertised as SIZE).",
                         [](Settings& s) -> std::int64_t& { return s.smtpd.max_message_size; }, 64 << 10, 2LL << 30));
    t.push_back(int_key("smtpd.max_recipients", "Recipients per message (RFC 5321 4.5.3.1.8: at least 100).",
                        [](Settings& s) -> std::int64_t& { return s.smtpd.max_recipients; }, 1, 100000));
    t.push_back(int_key("smtpd.max_errors", "Client errors in one session before 421 and close.",
                        [](Settings& s) -> std::int64_t& { return s.smtpd.max_errors; }, 1, 1000));
    t.push_back(int_key("smtpd.max_received_fields", "Received fields above which a message is refused as a mail loop.",
                        [](Settings& s) -> std::int64_t& { return s.smtpd.max_received_fields; }, 10, 1000));
    t.push_back(bool_key("smtpd.auth_on_mx", "Offer AUTH on the MX listener too (only after STARTTLS).",
                         [](Settings& s) -> bool& { return s.smtpd.auth_on_mx; }));
    t.push_back(bool_key("smtpd.received_shows_user", "Name the authenticated user in the Received header.",
                         [](Settings& s) -> bool& { return s.smtpd.received_shows_user; }));

    t.push_back(list_key("imapd.imap", "IMAP addresses (STARTTLS).",
                         [](Settings& s) -> std::vector<std::string>& { return s.imapd.imap; }));
    t.push_back(list_key("imapd.imaps", "IMAP addresses with implicit TLS.",
                         [](Settings& s) -> std::vector<std::string>& { return s.imapd.imaps; }));
    t.push_back(duration_key("imapd.idle_timeout", "Time an IMAP client may stay silent (RFC 9051 5.4: at least 30 minutes).",
                             [](Settings& s) -> Duration& { return s.imapd.idle_timeout; }, seconds(1), hours(24)));
    t.push_back(size_key("imapd.max_line_length", "Longest IMAP command line, not counting its literals.",
                         [](Settings& s) -> std::int64_t& { return s.imapd.max_line_length; }, 1024, 1 << 20));
    t.push_back(size_key("imapd.max_command_size", "Largest IMAP command with its literals (APPEND's message is bounded by append_limit).",
                         [](Settings& s) -> std::int64_t& { return s.imapd.max_command_size; }, 8 << 10, 16 << 20));
    t.push_back(size_key("imapd.append_limit", "Largest message APPEND accepts (advertised as APPENDLIMIT, RFC 7889).",
                         [](Settings& s) -> std::int64_t& { return s.imapd.append_limit; }, 64 << 10, 2LL << 30));
    t.push_back(int_key("imapd.max_errors", "Bad IMAP commands in a row before BYE and close.",
                        [](Settings& s) -> std::int64_t& { return s.imapd.max_errors; }, 1, 1000));
    t.push_back(int_key("imapd.max_auth_failures", "Failed logins in one IMAP session before BYE and close.",
                        [](Settings& s) -> std::int64_t& { return s.imapd.max_auth_failures; }, 1, 100));
    t.push_back(int_key("imapd.worker_threads", "Threads running IMAP commands against the store.",
                        [](Settings& s) -> std::int64_t& { return s.imapd.worker_threads; }, 1, 256));

    t.push_back(list_key("pop3d.pop3", "POP3 addresses (STLS).",
                         [](Settings& s) -> std::vector<std::string>& { return s.pop3d.pop3; }));
    t.push_back(list_key("pop3d.pop3s", "POP3 addresses with implicit TLS.",
                         [](Settings& s) -> std::vector<std::string>& { return s.pop3d.pop3s; }));
    t.push_back(duration_key("pop3d.idle_timeout", "Time a POP3 client may stay silent (RFC 1939 3: at least 10 minutes).",
                             [](Settings& s) -> Duration& { return s.pop3d.idle_timeout; }, seconds(1), hours(24)));

    t.push_back(bool_key("pop3d.mark_seen", "RETR marks the message \\Seen (as IMAP clients see it).",
                         [](Settings& s) -> bool& { return s.pop3d.mark_seen; }));
    t.push_back(int_key("pop3d.max_errors", "Bad POP3 commands in one session before -ERR and close.",
                        [](Settings& s) -> std::int64_t& { return s.pop3d.max_errors; }, 1, 1000));
    t.push_back(int_key("pop3d.max_auth_failures", "Failed logins in one POP3 session before it is closed.",
                        [](Settings& s) -> std::int64_t& { return s.pop3d.max_auth_failures; }, 1, 100));

    t.push_back(int_key("auth.argon2_time_cost", "Argon2id passes when hashing a password.",
                        [](Settings& s) -> std::int64_t& { return s.auth.argon2_time_cost; }, 1, 100));
    t.push_back(int_key("auth.argon2_memory_kib", "Argon2id memory in KiB (19456 = 19 MiB).",
                        [](Settings& s) -> std::int64_t& { return s.auth.argon2_memory_kib; }, 64, 4 << 20));
    t.push_back(int_key("auth.argon2_parallelism", "Argon2id lanes.",
                        [](Settings& s) -> std::int64_t& { return s.auth.argon2_parallelism; }, 1, 64));
    t.push_back(int_key("auth.max_concurrent_hashes", "Password hashes computed at once, per daemon.",
                        [](Settings& s) -> std::int64_t& { return s.auth.max_concurrent_hashes; }, 1, 256));
    t.push_back(bool_key("auth.allow_plaintext_on_loopback", "Allow passwords without TLS from 127.0.0.0/8 and ::1 (testing only).",
                         [](Settings& s) -> bool& { return s.auth.allow_plaintext_on_loopback; }));

    t.push_back(int_key("auth.max_failures_per_ip", "Failed logins from one address before logins from it are refused for a while.",
                        [](Settings& s) -> std::int64_t& { return s.auth.max_failures_per_ip; }, 1, 100000));
    t.push_back(int_key("auth.max_failures_per_account", "Failed logins for one account before its logins are refused for a while.",
                        [](Settings& s) -> std::int64_t& { return s.auth.max_failures_per_account; }, 1, 100000));
    t.push_back(duration_key("auth.failure_window", "Failures are forgotten this long after the last one.",
                             [](Settings& s) -> Duration& { return s.auth.failure_window; }, seconds(1), hours(24)));
    t.push_back(duration_key("auth.failure_base_delay", "Delay before answering the first failed login; doubles with each further one.",
                             [](Settings& s) -> Duration& { return s.auth.failure_base_delay; }, milliseconds(0), seconds(60)));
    t.push_back(duration_key("auth.failure_max_delay", "Longest delay before answering a failed login.",
                             [](Settings& s) -> Duration& { return s.auth.failure_max_delay; }, milliseconds(0), minutes(10)));

    t.push_back(string_key("store.plus_separator", "Separator of sub-addresses: user+tag@domain reaches user@domain (empty: off).",
                           [](Settings& s) -> std::string& { return s.store.plus_separator; },
                           [](const std::string& v) -> Status {
                             if (v.size() > 1) return fail("must be a single character or empty");
                             if (v == "@" || v == "\"" || v == "\\") return fail("cannot be @, \" or \\");
                             return {};
                           }));
    t.push_back(duration_key("store.busy_timeout", "How long a database write waits for another process's lock.",
                             [](Settings& s) -> Duration& { return s.store.busy_timeout; }, milliseconds(100), minutes(5)));
    t.push_back(size_key("store.mmap_size", "Bytes of the database each connection maps into memory for reading (0: none).",
                         [](Settings& s) -> std::int64_t& { return s.store.mmap_size; }, 0, 64LL << 30));

    // One nameserver may be written as a plain string: resolver = "127.0.0.1:5353".
    KeySpec resolver = list_key("dns.resolver", "Nameservers to ask, tried in turn: \"ip:port\" or \"[ipv6]:port\" (empty: those of /etc/resolv.conf).",
                                [](Settings& s) -> std::vector<std::string>& { return s.dns.resolver; }, check_nameserver);
    resolver.apply = [list = resolver.apply](const toml::node& node, Settings& s) -> Status {
      if (!node.is_string()) return list(node, s);
      return list(toml::array{*node.value<std::string>()}, s);
    };
    t.push_back(std::move(resolver));
    t.push_back(duration_key("dns.timeout", "How long one DNS query waits for one nameserver's answer.",
                             [](Settings& s) -> Duration& { return s.dns.timeout; }, milliseconds(100), minutes(1)));
    t.push_back(int_key("dns.attempts", "Rounds over the nameserver list before a lookup fails temporarily.",
                        [](Settings& s) -> std::int64_t& { return s.dns.attempts; }, 1, 10));
    t.push_back(int_key("dns.cache_size", "DNS answers kept in memory (least recently used ones are dropped).",
                        [](Settings& s) -> std::int64_t& { return s.dns.cache_size; }, 0, 10000000));
    return t;
  }();
  return table;
}

const KeySpec* find_key(std::string_view name) {
  for (const auto& k : key_table()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

bool is_table_prefix(std::string_view name) {
  for (const auto& k : key_table()) {
    if (k.name.size() > name.size() && k.name.compare(0, name.size(), name) == 0 && k.name[name.size()] == '.') {
      return true;
    }
  }
  return false;
}

// The value as the admin wrote it, for error messages.
std::string describe(const toml::node& node) {
  if (auto v = node.value<std::string>(); node.is_string() && v) return quote(*v);
  if (auto v = node.value<std::int64_t>(); node.is_integer() && v) return std::to_string(*v);
  if (auto v = node.value<double>(); node.is_floating_point() && v) return fmt::format("{}", *v);
  if (auto v = node.value<bool>(); node.is_boolean() && v) return *v ? "true" : "false";
  if (node.is_array()) return "(a list)";
  if (node.is_table()) return "(a table)";
  return "(a date or time)";
}

Status apply_table(const toml::table& table, const std::string& prefix, Settings& s, std::string_view origin) {
  for (const auto& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const KeySpec* spec = find_key(name);
    if (!spec && node.is_table() && is_table_prefix(name)) {
      if (auto st = apply_table(*node.as_table(), name, s, origin); !st) return st;
      continue;
    }
    auto line = node.source().begin.line;
    if (!spec) return fail(fmt::format("{}:{}: unknown key '{}'", origin, line, name));
    if (auto st = spec->apply(node, s); !st) {
      return fail(fmt::format("{}:{}: bad value {} for '{}': {}", origin, line, describe(node), name,
                              st.error().message));
    }
  }
  return {};
}

}  // namespace

Result<Settings> parse_config(std::string_view toml_text, std::string_view origin) {
  toml::table table;
  try {
    table = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& err) {
    return fail(fmt::format("{}:{}:{}: {}", origin, err.source().begin.line, err.source().begin.column,
                            err.description()));
  }
  Settings settings;
  if (auto st = apply_table(table, "", settings, origin); !st) return fail(st.error());
  if (settings.limits.output_low_watermark >= settings.limits.output_high_watermark) {
    return fail(fmt::format("{}: 'limits.output_low_watermark' must be below 'limits.output_high_watermark'", origin));
  }
  if (settings.hostname.empty()) {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) == 0) settings.hostname = buf;
    if (settings.hostname.empty()) settings.hostname = "localhost";
  }
  return settings;
}

Result<Settings> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read config file {} (set --config or ROOST_CONFIG)", path));
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::string config_path(std::string_view explicit_path) {
  if (!explicit_path.empty()) return std::string(explicit_path);
  if (const char* env = std::getenv("ROOST_CONFIG"); env && *env) return env;
  return "/etc/roost/roost.toml";
}

std::string example_config(std::string_view hostname, std::string_view data_dir) {
  Settings defaults;
  defaults.hostname = std::string(hostname);
  defaults.data_dir = std::string(data_dir);
  std::string out =
      "# Roost configuration. Every key is listed with its default; a commented key keeps the default.\n"
      "# Durations: seconds or \"500ms\" / \"30s\" / \"5m\" / \"2h\" / \"1d\". Sizes: bytes or \"64k\" / \"50M\".\n";
  std::string section;
  for (const auto& k : key_table()) {
    auto dot = k.name.find('.');
    std::string table = dot == std::string::npos ? "" : k.name.substr(0, dot);
    std::string leaf = dot == std::string::npos ? k.name : k.name.substr(dot + 1);
    if (table != section) {
      out += "\n[" + table + "]\n";
      section = table;
    }
    out += "\n# " + k.doc + "\n";
    // Keys an admin must look at are written live; the rest stay commented so new defaults apply.
    bool live = k.name == "hostname" || k.name == "data_dir" || k.name == "tls.cert_file" || k.name == "tls.key_file";
    out += (live ? "" : "# ") + leaf + " = " + k.render(defaults) + "\n";
  }
  return out;
}

Result<Duration> parse_duration(std::string_view text) {
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data() || number < 0) {
    return fail(fmt::format("'{}' is not a duration (use e.g. 30s, 5m, 2h)", text));
  }
  std::string_view unit(end, text.data() + text.size() - end);
  std::int64_t factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s" || unit.empty()) factor = 1000;
  else if (unit == "m") factor = 60000;
  else if (unit == "h") factor = 3600000;
  else if (unit == "d") factor = 86400000;
  else return fail(fmt::format("'{}' has an unknown unit (use ms, s, m, h or d)", text));
  if (number > INT64_MAX / factor / 1000) return fail(fmt::format("'{}' is too long", text));
  return Duration(number * factor);
}

Result<std::int64_t> parse_size(std::string_view text) {
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data() || number < 0) {
    return fail(fmt::format("'{}' is not a size (use e.g. 64k, 50M, 1G)", text));
  }
  std::string unit;
  for (const char* p = end; p != text.data() + text.size(); ++p) unit += static_cast<char>(std::tolower(*p));
  std::int64_t factor = 0;
  if (unit.empty() || unit == "b") factor = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") factor = 1LL << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") factor = 1LL << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") factor = 1LL << 30;
  else return fail(fmt::format("'{}' has an unknown unit (use k, M or G)", text));
  if (number > INT64_MAX / factor) return fail(fmt::format("'{}' is too large", text));
  return number * factor;
}

}  // namespace roost

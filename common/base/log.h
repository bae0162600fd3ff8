// Structured logging: one line per event on stderr, in key=value form:
//   ts=2026-11-23T13:22:07.123Z level=info daemon=smtpd conn=12 msg="mail from" from=a@b.example
// Usage: log::info("listening").kv("addr", addr);  log::info(conn_id, "mail from").kv("from", a);  the line is written when the temporary ends.
// Secrets are wrapped in log::Secret and print as ***.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace roost::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug", "info", "warn", "error"; false when the text is none of them.
bool parse_level(std::string_view text, Level& out);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
void set_daemon(std::string_view name);

// Where lines go; defaults to stderr. Tests capture lines with this (nullptr restores stderr).
using Sink = void (*)(std::string_view line);
void set_sink(Sink sink);

// A value that must never reach a log line (a password, an AUTH payload).
struct Secret {
  std::string_view value;
};

// Appends `value` to `out`, quoted and escaped when it holds spaces, quotes, '=' or control bytes.
void append_value(std::string& out, std::string_view value);

class Line {
 public:
  Line(Level level, std::string_view msg) : Line(level, 0, msg) {}
  // A line of a connection: conn=<id> comes before msg, as in every session's lines. 0 = none.
  Line(Level level, std::uint64_t conn, std::string_view msg);
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line();

  Line& kv(std::string_view key, std::string_view value);
  Line& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view(value)); }
  Line& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
  Line& kv(std::string_view key, Secret) { return kv(key, std::string_view("***")); }
  Line& kv(std::string_view key, bool value) { return kv(key, std::string_view(value ? "yes" : "no")); }
  template <typename N>
    requires std::is_arithmetic_v<N>
  Line& kv(std::string_view key, N value) {
    if (enabled_) {
      buf_ += ' ';
      buf_ += key;
      buf_ += '=';
      fmt::format_to(std::back_inserter(buf_), "{}", value);
    }
    return *this;
  }

 private:
  bool enabled_;
  std::string buf_;
};

inline Line debug(std::string_view msg) { return Line(Level::debug, msg); }
inline Line info(std::string_view msg) { return Line(Level::info, msg); }
inline Line warn(std::string_view msg) { return Line(Level::warn, msg); }
inline Line error(std::string_view msg) { return Line(Level::error, msg); }
inline Line debug(std::uint64_t conn, std::string_view msg) { return Line(Level::debug, conn, msg); }
inline Line info(std::uint64_t conn, std::string_view msg) { return Line(Level::info, conn, msg); }
inline Line warn(std::uint64_t conn, std::string_view msg) { return Line(Level::warn, conn, msg); }
inline Line error(std::uint64_t conn, std::string_view msg) { return Line(Level::error, conn, msg); }

}  // namespace roost::log

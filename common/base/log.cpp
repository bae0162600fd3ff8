// Structured key=value log lines on stderr (see log.h).
#include "common/base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace roost::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Sink> g_sink{nullptr};
std::string g_daemon = "roost";  // set once at start-up, before threads run
std::mutex g_write_mutex;

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  out += buf;
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug") out = Level::debug;
  else if (text == "info") out = Level::info;
  else if (text == "warn") out = Level::warn;
  else if (text == "error") out = Level::error;
  else return false;
  return true;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }
void set_daemon(std::string_view name) { g_daemon = std::string(name); }
void set_sink(Sink sink) { g_sink = sink; }

void append_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

Line::Line(Level lvl, std::uint64_t conn, std::string_view msg) : enabled_(lvl >= g_level.load()) {
  if (!enabled_) return;
  buf_.reserve(160);
  buf_ += "ts=";
  append_timestamp(buf_);
  buf_ += " level=";
  buf_ += level_name(lvl);
  buf_ += " daemon=";
  buf_ += g_daemon;
  if (conn != 0) fmt::format_to(std::back_inserter(buf_), " conn={}", conn);
  buf_ += " msg=";
  append_value(buf_, msg);
}

Line& Line::kv(std::string_view key, std::string_view value) {
  if (!enabled_) return *this;
  buf_ += ' ';
  buf_ += key;
  buf_ += '=';
  append_value(buf_, value);
  return *this;
}

Line::~Line() {
  if (!enabled_) return;
  if (Sink sink = g_sink.load()) {
    sink(buf_);
    return;
  }
  buf_ += '\n';
  std::lock_guard lock(g_write_mutex);
  std::fwrite(buf_.data(), 1, buf_.size(), stderr);
}

}  // namespace roost::log

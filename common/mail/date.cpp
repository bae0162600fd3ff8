// RFC 5322 and IMAP (RFC 3501) date formatting and parsing, with civil-date arithmetic
// (H. Hinnant's days_from_civil) so no libc time-zone state is involved.
#include "common/mail/date.h"
#include "common/base/ascii.h"

#include <array>
#include <cstdlib>

#include <fmt/format.h>

namespace roost::mail {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

using roost::iequals;

int month_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (iequals(name, kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Local {
  CivilDate date;
  int hour, minute, second, weekday;
};

Local to_local(std::int64_t unix_seconds, int zone_minutes) {
  std::int64_t t = unix_seconds + static_cast<std::int64_t>(zone_minutes) * 60;
  std::int64_t days = floor_div(t, kSecondsPerDay);
  std::int64_t secs = t - days * kSecondsPerDay;
  Local l;
  l.date = civil_from_days(days);
  l.hour = static_cast<int>(secs / 3600);
  l.minute = static_cast<int>(secs / 60 % 60);
  l.second = static_cast<int>(secs % 60);
  // 1970-01-01 was a Thursday.
  l.weekday = static_cast<int>(days - floor_div(days + 4, 7) * 7 + 4);
  return l;
}

std::string format_zone(int zone_minutes) {
  int a = std::abs(zone_minutes);
  return fmt::format("{}{:02}{:02}", zone_minutes < 0 ? '-' : '+', a / 60, a % 60);
}

Result<DateTime> make(int year, int month, int day, int hour, int minute, int second, int zone) {
  if (month < 1 || month > 12) return fail("the month is not a month name");
  if (day < 1 || day > days_in_month(year, month)) return fail("the day does not exist in that month");
  if (hour > 23 || minute > 59 || second > 60) return fail("the time of day is out of range");
  std::int64_t t = days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return DateTime{t - static_cast<std::int64_t>(zone) * 60, zone};
}

// RFC 5322 4.3: obsolete named zones; military and unknown alphabetic zones count as -0000.
void named_zone(std::string_view name, int& zone) {
  struct Named {
    std::string_view name;
    int hours;
  };
  static constexpr Named kZones[] = {{"UT", 0},   {"GMT", 0},  {"EST", -5}, {"EDT", -4}, {"CST", -6},
                                     {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  for (const auto& z : kZones) {
    if (iequals(name, z.name)) {
      zone = z.hours * 60;
      return;
    }
  }
  zone = 0;
}

// Tokens of an RFC 5322 date-time after comments are removed: words, numbers and single punctuation.
struct Token {
  enum class Type { word, number, punct, end } type;
  std::string_view text;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}
  Token next() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
    if (pos_ == s_.size()) return {Token::Type::end, {}};
    std::size_t start = pos_;
    if (is_digit(s_[pos_])) {
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      return {Token::Type::number, s_.substr(start, pos_ - start)};
    }
    if (is_alpha(s_[pos_])) {
      while (pos_ < s_.size() && is_alpha(s_[pos_])) ++pos_;
      return {Token::Type::word, s_.substr(start, pos_ - start)};
    }
    ++pos_;
    return {Token::Type::punct, s_.substr(start, 1)};
  }
  Token peek() {
    std::size_t saved = pos_;
    Token t = next();
    pos_ = saved;
    return t;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Numbers in dates are short; more than `max_digits` digits is an error (and avoids overflow).
bool to_int(std::string_view digits, std::size_t max_digits, int& out) {
  if (digits.empty() || digits.size() > max_digits) return false;
  out = 0;
  for (char c : digits) out = out * 10 + (c - '0');
  return true;
}

// Replaces RFC 5322 3.2.2 comments (nested, with quoted-pairs) by a space.
Result<std::string> strip_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        if (++depth > 32) return fail("the date has comments nested too deeply");
      } else if (c == ')') {
        if (--depth == 0) out += ' ';
      }
      continue;
    }
    if (c == '(') {
      depth = 1;
    } else if (c == ')') {
      return fail("the date has an unbalanced ')'");
    } else {
      out += c;
    }
  }
  if (depth > 0) return fail("the date has an unclosed comment");
  return out;
}

// hh:mm:ss, the day names' positions etc. shared by the IMAP parsers: reads exactly `n` digits.
bool fixed_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    out = out * 10 + (s[pos + i] - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// IMAP: date-day "-" date-month "-" date-year, the day as 1 or 2 digits or SP DIGIT.
bool imap_date_part(std::string_view s, std::size_t& pos, bool allow_space_pad, CivilDate& d) {
  if (allow_space_pad && pos < s.size() && s[pos] == ' ') ++pos;
  std::size_t start = pos;
  while (pos < s.size() && is_digit(s[pos]) && pos - start < 2) ++pos;
  if (!to_int(s.substr(start, pos - start), 2, d.day)) return false;
  if (!expect(s, pos, '-')) return false;
  if (pos + 3 > s.size()) return false;
  d.month = month_from_name(s.substr(pos, 3));
  if (d.month == 0) return false;
  pos += 3;
  if (!expect(s, pos, '-')) return false;
  return fixed_digits(s, pos, 4, d.year);
}

}  // namespace

std::int64_t days_from_civil(int year, int month, int day) {
  std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  std::int64_t era = floor_div(y, 400);
  std::int64_t yoe = y - era * 400;                                            // [0, 399]
  std::int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;  // [0, 365]
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    // [0, 146096]
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  std::int64_t era = floor_div(days, 146097);
  std::int64_t doe = days - era * 146097;                                    // [0, 146096]
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  std::int64_t mp = (5 * doy + 2) / 153;                       // [0, 11]
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::string format_rfc5322_date(std::int64_t unix_seconds, int zone_minutes) {
  Local l = to_local(unix_seconds, zone_minutes);
  return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} {}", kWeekdays[l.weekday], l.date.day,
                     kMonths[l.date.month - 1], l.date.year, l.hour, l.minute, l.second, format_zone(zone_minutes));
}

Result<DateTime> parse_rfc5322_date(std::string_view text) {
  auto stripped = strip_comments(text);
  if (!stripped) return fail(stripped.error().message);
  Tokenizer tok(*stripped);
  Token t = tok.next();

  // [ day-of-week "," ]
  if (t.type == Token::Type::word) {
    bool known = false;
    for (auto name : kWeekdays) known = known || iequals(t.text, name);
    if (!known) return fail("the date starts with an unknown day name");
    t = tok.next();
    if (t.type == Token::Type::punct && t.text == ",") t = tok.next();
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, zone = 0;
  if (t.type != Token::Type::number || !to_int(t.text, 2, day)) return fail("the date has no valid day");
  t = tok.next();
  int month = t.type == Token::Type::word ? month_from_name(t.text) : 0;
  if (month == 0) return fail("the date has no valid month name");
  t = tok.next();
  if (t.type != Token::Type::number || !to_int(t.text, 4, year) || t.text.size() < 2) {
    return fail("the date has no valid year");
  }
  // RFC 5322 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three digits add 1900.
  if (t.text.size() == 2) {
    year += year < 50 ? 2000 : 1900;
  } else if (t.text.size() == 3) {
    year += 1900;
  }
  t = tok.next();
  if (t.type != Token::Type::number || !to_int(t.text, 2, hour)) return fail("the date has no valid hour");
  t = tok.next();
  if (t.type != Token::Type::punct || t.text != ":") return fail("the time of day is malformed");
  t = tok.next();
  if (t.type != Token::Type::number || t.text.size() != 2 || !to_int(t.text, 2, minute)) {
    return fail("the time of day has no valid minute");
  }
  t = tok.next();
  if (t.type == Token::Type::punct && t.text == ":") {
    t = tok.next();
    if (t.type != Token::Type::number || t.text.size() != 2 || !to_int(t.text, 2, second)) {
      return fail("the time of day has no valid second");
    }
    t = tok.next();
  }
  if (t.type == Token::Type::punct && (t.text == "+" || t.text == "-")) {
    bool negative = t.text == "-";
    t = tok.next();
    int hhmm = 0;
    if (t.type != Token::Type::number || t.text.size() != 4 || !to_int(t.text, 4, hhmm) || hhmm % 100 > 59) {
      return fail("the zone is not +hhmm or -hhmm");
    }
    zone = (hhmm / 100 * 60 + hhmm % 100) * (negative ? -1 : 1);
    t = tok.next();
  } else if (t.type == Token::Type::word) {
    named_zone(t.text, zone);
    t = tok.next();
  }
  if (t.type != Token::Type::end) return fail("the date is followed by unexpected text");
  return make(year, month, day, hour, minute, second, zone);
}

std::string format_imap_date_time(std::int64_t unix_seconds, int zone_minutes) {
  Local l = to_local(unix_seconds, zone_minutes);
  return fmt::format("{:>2}-{}-{:04} {:02}:{:02}:{:02} {}", l.date.day, kMonths[l.date.month - 1], l.date.year,
                     l.hour, l.minute, l.second, format_zone(zone_minutes));
}

Result<DateTime> parse_imap_date_time(std::string_view s) {
  // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE (RFC 3501 9)
  std::size_t pos = 0;
  CivilDate d;
  int hour = 0, minute = 0, second = 0, hhmm = 0;
  if (!imap_date_part(s, pos, true, d)) return fail("the date-time does not start with dd-Mon-yyyy");
  if (!expect(s, pos, ' ') || !fixed_digits(s, pos, 2, hour) || !expect(s, pos, ':') ||
      !fixed_digits(s, pos, 2, minute) || !expect(s, pos, ':') || !fixed_digits(s, pos, 2, second)) {
    return fail("the date-time has no valid hh:mm:ss");
  }
  if (!expect(s, pos, ' ') || pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) {
    return fail("the date-time has no zone");
  }
  bool negative = s[pos++] == '-';
  if (!fixed_digits(s, pos, 4, hhmm) || hhmm % 100 > 59) return fail("the zone is not +hhmm or -hhmm");
  if (pos != s.size()) return fail("the date-time is followed by unexpected text");
  if (second > 59) return fail("the time of day is out of range");
  int zone = (hhmm / 100 * 60 + hhmm % 100) * (negative ? -1 : 1);
  return make(d.year, d.month, d.day, hour, minute, second, zone);
}

Result<CivilDate> parse_imap_date(std::string_view s) {
  std::size_t pos = 0;
  CivilDate d;
  if (!imap_date_part(s, pos, false, d) || pos != s.size()) return fail("the date is not d-Mon-yyyy");
  if (d.day < 1 || d.day > days_in_month(d.year, d.month)) return fail("the day does not exist in that month");
  return d;
}

}  // namespace roost::mail

// Dates in mail: RFC 5322 date-time (Date: headers, Received:) and IMAP date-time / date (RFC 3501),
// as unix seconds plus a zone offset. Independent of the process time zone; never reads the clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::mail {

// An instant and the zone offset it was written in (minutes east of UTC: +0100 -> 60, -0500 -> -300).
struct DateTime {
  std::int64_t unix_seconds = 0;
  int zone_minutes = 0;
  bool operator==(const DateTime&) const = default;
};

// A calendar date in the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

// Days since 1970-01-01 for a civil date (negative before), and back. Valid for any int year
// in +-1,000,000.
std::int64_t days_from_civil(int year, int month, int day);
CivilDate civil_from_days(std::int64_t days);

// "Mon, 23 Nov 2026 13:22:07 +0000": the instant shown in the given zone (|zone_minutes| < 6000).
// Years outside 0..9999 are printed as they are; |unix_seconds| must stay below 10^13.
std::string format_rfc5322_date(std::int64_t unix_seconds, int zone_minutes);

// Parses an RFC 5322 3.3 date-time, tolerating the obsolete forms of 4.3: a missing weekday, 2- and
// 3-digit years (00-49 -> 20xx, 50-999 -> +1900), named zones (UT, GMT, EST, EDT, CST, CDT, MST, MDT,
// PST, PDT; military letters and unknown zones count as -0000), comments in parentheses, extra
// folding whitespace, second 60. A missing zone is taken as +0000. The weekday, when present, must be
// a day name but is not checked against the date. Error: a sentence.
Result<DateTime> parse_rfc5322_date(std::string_view text);

// IMAP date-time without the quotes (RFC 3501 9): " 3-Nov-2026 13:22:07 +0000" (day space-padded).
std::string format_imap_date_time(std::int64_t unix_seconds, int zone_minutes);
// Parses the same (without quotes); the day may be 2 digits, space + digit, or 1 digit. Month names
// are case-insensitive.
Result<DateTime> parse_imap_date_time(std::string_view text);
// Parses an IMAP date (RFC 3501 9, date-text without quotes): "1-Feb-1994".
Result<CivilDate> parse_imap_date(std::string_view text);

}  // namespace roost::mail

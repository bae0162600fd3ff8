// Tests for common/mail/date: civil-date arithmetic, RFC 5322 date-time with its obsolete forms, and
// IMAP date-time / date, all independent of the process time zone.
#include "common/mail/date.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace roost::mail {
namespace {

constexpr std::int64_t k20261123_132207 = 1795440127;  // Mon, 23 Nov 2026 13:22:07 +0000

TEST(Date, DaysFromCivilMatchesKnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2026, 11, 23), 20780);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896);
}

TEST(Date, CivilFromDaysInvertsDaysFromCivil) {
  for (std::int64_t d = -800000; d <= 3000000; d += 997) {
    CivilDate c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(civil_from_days(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31}));
}

TEST(Date, LeapDaysFollowGregorianRules) {
  EXPECT_EQ(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);  // divisible by 4
  EXPECT_EQ(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);  // by 100, not 400
  EXPECT_EQ(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);  // by 400
  EXPECT_EQ(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
}

TEST(Date, FormatsRfc5322DateInUtc) {
  EXPECT_EQ(format_rfc5322_date(k20261123_132207, 0), "Mon, 23 Nov 2026 13:22:07 +0000");
  EXPECT_EQ(format_rfc5322_date(0, 0), "Thu, 1 Jan 1970 00:00:00 +0000");
}

TEST(Date, FormatsRfc5322DateInOtherZones) {
  EXPECT_EQ(format_rfc5322_date(k20261123_132207, 60), "Mon, 23 Nov 2026 14:22:07 +0100");
  EXPECT_EQ(format_rfc5322_date(k20261123_132207, -300), "Mon, 23 Nov 2026 08:22:07 -0500");
  EXPECT_EQ(format_rfc5322_date(k20261123_132207, 11 * 60 + 30), "Tue, 24 Nov 2026 00:52:07 +1130");
  EXPECT_EQ(format_rfc5322_date(k20261123_132207, -(13 * 60 + 45)), "Sun, 22 Nov 2026 23:37:07 -1345");
}

TEST(Date, FormatsFarPastAndFuture) {
  EXPECT_EQ(format_rfc5322_date(-1, 0), "Wed, 31 Dec 1969 23:59:59 +0000");
  EXPECT_EQ(format_rfc5322_date(days_from_civil(1900, 1, 1) * 86400, 0), "Mon, 1 Jan 1900 00:00:00 +0000");
  EXPECT_EQ(format_rfc5322_date(days_from_civil(9999, 12, 31) * 86400 + 86399, 0),
            "Fri, 31 Dec 9999 23:59:59 +0000");
  EXPECT_EQ(format_rfc5322_date(std::int64_t{1} << 31, 0), "Tue, 19 Jan 2038 03:14:08 +0000");
}

TEST(Date, ParsesCanonicalRfc5322Date) {
  auto d = parse_rfc5322_date("Mon, 23 Nov 2026 13:22:07 +0000");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(*d, (DateTime{k20261123_132207, 0}));
}

TEST(Date, Rfc5322FormatAndParseRoundTrip) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{-1}, k20261123_132207, std::int64_t{951782400},
                         std::int64_t{253401004799}, std::int64_t{-2208988800}}) {
    for (int zone : {0, 60, -300, 330, -720, 840, 5999, -5999}) {
      auto d = parse_rfc5322_date(format_rfc5322_date(t, zone));
      ASSERT_TRUE(d.ok()) << t << " " << zone;
      EXPECT_EQ(*d, (DateTime{t, zone}));
    }
  }
}

TEST(Date, Rfc5322ParsingToleratesObsoleteForms) {
  struct Case {
    const char* text;
    std::int64_t unix_seconds;
    int zone;
  };
  const Case kCases[] = {
      {"23 Nov 2026 13:22:07 +0000", k20261123_132207, 0},                  // no weekday
      {"Mon,23 Nov 2026 13:22:07 +0000", k20261123_132207, 0},              // no space after comma
      {"Mon 23 Nov 2026 13:22:07 +0000", k20261123_132207, 0},              // no comma
      {"  Mon,  23   Nov\r\n 2026  13:22:07   +0000  ", k20261123_132207, 0},  // extra and folding whitespace
      {"Mon, 23 Nov 2026 13:22 +0000", k20261123_132207 - 7, 0},            // no seconds
      {"mon, 23 nov 2026 13:22:07 +0000", k20261123_132207, 0},             // case-insensitive names
      {"Mon, 23 Nov 26 13:22:07 +0000", k20261123_132207, 0},               // 2-digit year < 50 is 20xx
      {"Mon (day), 23 Nov (month) 2026 13:22:07 +0000 (UTC)", k20261123_132207, 0},  // comments
      {"Mon, 23 Nov 2026 13:22:07 +0000 (nested (comment) \\) here)", k20261123_132207, 0},
      {"Mon, 23 Nov 2026 13 : 22 : 07 +0000", k20261123_132207, 0},         // obs: CFWS around colons
      {"Mon, 3 Nov 2026 13:22:07 +0000", k20261123_132207 - 20 * 86400, 0},  // 1-digit day
      {"Mon, 23 Nov 2026 13:22:07", k20261123_132207, 0},                   // missing zone: +0000
      {"Mon, 23 Nov 2026 13:22:07 +0130", k20261123_132207 - 90 * 60, 90},
      {"Mon, 23 Nov 2026 13:22:07 -0000", k20261123_132207, 0},
  };
  for (const auto& c : kCases) {
    auto d = parse_rfc5322_date(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.error().message;
    EXPECT_EQ(d->unix_seconds, c.unix_seconds) << c.text;
    EXPECT_EQ(d->zone_minutes, c.zone) << c.text;
  }
}

TEST(Date, TwoAndThreeDigitYearsFollowRfc5322Section4_3) {
  struct Case {
    const char* text;
    int year;
  };
  const Case kCases[] = {{"1 Jan 00 00:00 +0000", 2000}, {"1 Jan 49 00:00 +0000", 2049},
                         {"1 Jan 50 00:00 +0000", 1950}, {"1 Jan 99 00:00 +0000", 1999},
                         {"1 Jan 100 00:00 +0000", 2000}, {"1 Jan 126 00:00 +0000", 2026}};
  for (const auto& c : kCases) {
    auto d = parse_rfc5322_date(c.text);
    ASSERT_TRUE(d.ok()) << c.text;
    EXPECT_EQ(d->unix_seconds, days_from_civil(c.year, 1, 1) * 86400) << c.text;
  }
}

TEST(Date, EveryNamedZoneHasItsRfc5322Offset) {
  struct Case {
    const char* zone;
    int minutes;
  };
  const Case kCases[] = {{"UT", 0},       {"GMT", 0},      {"EST", -5 * 60}, {"EDT", -4 * 60}, {"CST", -6 * 60},
                         {"CDT", -5 * 60}, {"MST", -7 * 60}, {"MDT", -6 * 60}, {"PST", -8 * 60}, {"PDT", -7 * 60},
                         {"gmt", 0},      {"pst", -8 * 60}};
  for (const auto& c : kCases) {
    std::string text = std::string("Mon, 23 Nov 2026 13:22:07 ") + c.zone;
    auto d = parse_rfc5322_date(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(d->zone_minutes, c.minutes) << c.zone;
    EXPECT_EQ(d->unix_seconds, k20261123_132207 - c.minutes * 60) << c.zone;
  }
}

TEST(Date, MilitaryAndUnknownZonesCountAsMinusZero) {
  // RFC 5322 4.3: military zones SHOULD be treated as "-0000".
  for (char letter = 'A'; letter <= 'Z'; ++letter) {
    if (letter == 'J') continue;
    std::string text = std::string("Mon, 23 Nov 2026 13:22:07 ") + letter;
    auto d = parse_rfc5322_date(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(*d, (DateTime{k20261123_132207, 0})) << text;
  }
  auto d = parse_rfc5322_date("Mon, 23 Nov 2026 13:22:07 CEST");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->zone_minutes, 0);
}

TEST(Date, LeapDayParsesOnlyInLeapYears) {
  EXPECT_TRUE(parse_rfc5322_date("29 Feb 2024 12:00:00 +0000").ok());
  EXPECT_TRUE(parse_rfc5322_date("29 Feb 2000 12:00:00 +0000").ok());
  EXPECT_FALSE(parse_rfc5322_date("29 Feb 1900 12:00:00 +0000").ok());
  EXPECT_FALSE(parse_rfc5322_date("29 Feb 2026 12:00:00 +0000").ok());
  auto d = parse_rfc5322_date("Thu, 29 Feb 2024 12:00:00 +0000");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->unix_seconds, 1709208000);
}

TEST(Date, LeapSecondIsAccepted) {
  auto d = parse_rfc5322_date("31 Dec 2016 23:59:60 +0000");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->unix_seconds, days_from_civil(2017, 1, 1) * 86400);
}

TEST(Date, InvalidRfc5322DatesAreRejected) {
  for (const char* bad : {
           "",
           "Mon,",
           "Foo, 23 Nov 2026 13:22:07 +0000",   // unknown weekday
           "Mon, 23 Foo 2026 13:22:07 +0000",   // unknown month
           "Mon, 32 Nov 2026 13:22:07 +0000",   // day out of range
           "Mon, 31 Nov 2026 13:22:07 +0000",   // November has 30 days
           "Mon, 0 Nov 2026 13:22:07 +0000",
           "Mon, 23 Nov 2026 24:00:00 +0000",   // hour
           "Mon, 23 Nov 2026 13:60:00 +0000",   // minute
           "Mon, 23 Nov 2026 13:22:61 +0000",   // second
           "Mon, 23 Nov 2026 13:22:07 +00",     // short zone
           "Mon, 23 Nov 2026 13:22:07 +0060",   // zone minutes
           "Mon, 23 Nov 2026 13:22:07 +00000",
           "Mon, 23 Nov 2026 13:22:07 +0000 x", // trailing text
           "Mon, 23 Nov 2026 13:22:07 +0000 (unclosed",
           "Mon, 23 Nov 2026) 13:22:07 +0000",
           "Mon, 23 Nov 2 13:22:07 +0000",      // 1-digit year
           "Mon, 23 Nov 20260 13:22:07 +0000",  // 5-digit year
           "Mon, 123 Nov 2026 13:22:07 +0000",
           "Mon, 23 Nov 2026 13",
           "Mon, 23 Nov 2026 13:2:07 +0000",
           "Mon, 23-Nov-2026 13:22:07 +0000",
           "Mon, 99999999999999999999 Nov 2026 13:22:07 +0000",
       }) {
    EXPECT_FALSE(parse_rfc5322_date(bad).ok()) << '"' << bad << '"';
  }
}

TEST(Date, DeeplyNestedCommentsAreRefused) {
  std::string text = "23 Nov 2026 13:22:07 +0000 " + std::string(1000, '(') + std::string(1000, ')');
  EXPECT_FALSE(parse_rfc5322_date(text).ok());
}

TEST(Date, ParsingDoesNotDependOnProcessTimeZone) {
  const char* saved = std::getenv("TZ");
  std::string saved_value = saved ? saved : "";
  setenv("TZ", "America/New_York", 1);
  auto d = parse_rfc5322_date("Mon, 23 Nov 2026 13:22:07 +0000");
  std::string f = format_rfc5322_date(k20261123_132207, 0);
  if (saved) {
    setenv("TZ", saved_value.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->unix_seconds, k20261123_132207);
  EXPECT_EQ(f, "Mon, 23 Nov 2026 13:22:07 +0000");
}

TEST(DateImap, FormatsDateTimeWithSpacePaddedDay) {
  EXPECT_EQ(format_imap_date_time(k20261123_132207, 0), "23-Nov-2026 13:22:07 +0000");
  EXPECT_EQ(format_imap_date_time(k20261123_132207 - 20 * 86400, 0), " 3-Nov-2026 13:22:07 +0000");
  EXPECT_EQ(format_imap_date_time(k20261123_132207, -480), "23-Nov-2026 05:22:07 -0800");
}

TEST(DateImap, ParsesDateTimeWithEveryDayForm) {
  struct Case {
    const char* text;
    std::int64_t unix_seconds;
    int zone;
  };
  const Case kCases[] = {
      {"23-Nov-2026 13:22:07 +0000", k20261123_132207, 0},
      {" 3-Nov-2026 13:22:07 +0000", k20261123_132207 - 20 * 86400, 0},
      {"03-Nov-2026 13:22:07 +0000", k20261123_132207 - 20 * 86400, 0},
      {"3-Nov-2026 13:22:07 +0000", k20261123_132207 - 20 * 86400, 0},
      {"23-nov-2026 13:22:07 +0000", k20261123_132207, 0},
      {"23-Nov-2026 14:22:07 +0100", k20261123_132207, 60},
      {"23-Nov-2026 08:22:07 -0500", k20261123_132207, -300},
      {"29-Feb-2024 00:00:00 +0000", 1709164800, 0},
      {" 1-Jan-1900 00:00:00 +0000", -2208988800, 0},
      {"31-Dec-9999 23:59:59 +0000", 253402300799, 0},
  };
  for (const auto& c : kCases) {
    auto d = parse_imap_date_time(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.error().message;
    EXPECT_EQ(*d, (DateTime{c.unix_seconds, c.zone})) << c.text;
  }
}

TEST(DateImap, DateTimeRoundTrips) {
  for (std::int64_t t : {std::int64_t{0}, k20261123_132207, std::int64_t{-2208988800}, std::int64_t{253401004799}}) {
    for (int zone : {0, 120, -600}) {
      auto d = parse_imap_date_time(format_imap_date_time(t, zone));
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(*d, (DateTime{t, zone}));
    }
  }
}

TEST(DateImap, InvalidDateTimesAreRejected) {
  for (const char* bad : {"", "\"23-Nov-2026 13:22:07 +0000\"", "23-Nov-2026 13:22:07", "23-Nov-2026 13:22 +0000",
                          "23-Nov-26 13:22:07 +0000", "23 Nov 2026 13:22:07 +0000", "23-November-2026 13:22:07 +0000",
                          "123-Nov-2026 13:22:07 +0000", "  3-Nov-2026 13:22:07 +0000", "31-Apr-2026 13:22:07 +0000",
                          "29-Feb-2026 13:22:07 +0000", "23-Nov-2026 24:22:07 +0000", "23-Nov-2026 13:22:60 +0000",
                          "23-Nov-2026 13:22:07 +0075", "23-Nov-2026 13:22:07 GMT", "23-Nov-2026 13:22:07 +0000 ",
                          "23-Nov-2026  13:22:07 +0000", "23-Xyz-2026 13:22:07 +0000"}) {
    EXPECT_FALSE(parse_imap_date_time(bad).ok()) << '"' << bad << '"';
  }
}

TEST(DateImap, ParsesDate) {
  auto d = parse_imap_date("1-Feb-1994");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(*d, (CivilDate{1994, 2, 1}));
  auto e = parse_imap_date("29-feb-2000");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, (CivilDate{2000, 2, 29}));
  auto f = parse_imap_date("01-Dec-2026");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, (CivilDate{2026, 12, 1}));
}

TEST(DateImap, InvalidDatesAreRejected) {
  for (const char* bad : {"", "1-Feb-94", " 1-Feb-1994", "1-Feb-1994 ", "0-Feb-1994", "30-Feb-2000", "29-Feb-1900",
                          "1/Feb/1994", "1-Fev-1994", "100-Feb-1994", "1-Feb-19940"}) {
    EXPECT_FALSE(parse_imap_date(bad).ok()) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace roost::mail

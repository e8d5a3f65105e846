// HTTP dates: the specialised formatter must agree with gmtime_r + strftime byte for byte, and
// the parser must accept exactly the three RFC 9110 forms.
#include "http/date.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

namespace tenk::http {
namespace {

constexpr std::time_t kLastSecondOf9999 = 253402300799;  // 9999-12-31 23:59:59

std::string fast(std::time_t t) {
  std::string text(kHttpDateLength, '?');
  format_http_date_fast(t, text.data());
  return text;
}

std::string slow(std::time_t t) {
  std::string text(kHttpDateLength, '?');
  format_http_date_strftime(t, text.data());
  return text;
}

struct KnownDate {
  std::time_t t;
  const char* text;
};

// Expected texts computed independently (Python's calendar.timegm + strftime).
constexpr KnownDate kKnownDates[] = {
    {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
    {784111777, "Sun, 06 Nov 1994 08:49:37 GMT"},  // the RFC 9110 example
    {946684799, "Fri, 31 Dec 1999 23:59:59 GMT"},
    {946684800, "Sat, 01 Jan 2000 00:00:00 GMT"},
    {951782399, "Mon, 28 Feb 2000 23:59:59 GMT"},
    {951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},  // 2000 is a leap year (divisible by 400)
    {951868800, "Wed, 01 Mar 2000 00:00:00 GMT"},
    {1709208000, "Thu, 29 Feb 2024 12:00:00 GMT"},
    {2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"},  // the last second of a signed 32-bit time_t
    {2147483648, "Tue, 19 Jan 2038 03:14:08 GMT"},
    {4107542399, "Sun, 28 Feb 2100 23:59:59 GMT"},
    {4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"},  // 2100 is not a leap year
    {13574563200, "Tue, 29 Feb 2400 00:00:00 GMT"},
    {kLastSecondOf9999, "Fri, 31 Dec 9999 23:59:59 GMT"},
};

TEST(HttpDate, FastFormatsKnownDates) {
  for (const KnownDate& known : kKnownDates) EXPECT_EQ(fast(known.t), known.text) << known.t;
}

TEST(HttpDate, StrftimeFormatsKnownDates) {
  for (const KnownDate& known : kKnownDates) EXPECT_EQ(slow(known.t), known.text) << known.t;
}

TEST(HttpDate, FastWritesExactly29Bytes) {
  char buffer[kHttpDateLength + 2];
  std::fill(std::begin(buffer), std::end(buffer), '#');
  format_http_date_fast(784111777, buffer + 1);
  EXPECT_EQ(buffer[0], '#');
  EXPECT_EQ(buffer[kHttpDateLength + 1], '#');
}

// Outside its range the fast formatter clamps rather than writing a garbled date.
TEST(HttpDate, FastClampsOutOfRangeTimes) {
  EXPECT_EQ(fast(-1), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(fast(INT64_MIN), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(fast(kLastSecondOf9999 + 1), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(fast(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST(HttpDate, FastMatchesStrftimeOnRandomTimestamps) {
  std::mt19937_64 random(20240229);
  std::uniform_int_distribution<std::int64_t> any_second(0, kLastSecondOf9999);
  for (int i = 0; i < 100000; ++i) {
    const std::time_t t = any_second(random);
    ASSERT_EQ(fast(t), slow(t)) << t;
  }
}

// Every day, first and last second, over the years where the leap rules change their answer
// (divisible by 4, by 100, by 400) and across the turn of each year.
TEST(HttpDate, FastMatchesStrftimeAroundCenturies) {
  constexpr std::time_t kDay = 86400;
  constexpr std::time_t kStarts[] = {
      0,            // 1970..1972 (1972 is a leap year)
      915148800,    // 1999-01-01 .. 2001
      4070908800,   // 2099-01-01 .. 2101
      13537929600,  // 2399-01-01 .. 2401
  };
  for (const std::time_t start : kStarts) {
    for (std::time_t day = start; day < start + 3 * 366 * kDay; day += kDay) {
      ASSERT_EQ(fast(day), slow(day)) << day;
      ASSERT_EQ(fast(day + kDay - 1), slow(day + kDay - 1)) << day + kDay - 1;
    }
  }
}

TEST(HttpDate, ParsesTheThreeForms) {
  std::time_t t = 0;
  ASSERT_TRUE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", t));
  EXPECT_EQ(t, 784111777);
  t = 0;
  ASSERT_TRUE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", t));
  EXPECT_EQ(t, 784111777);
  t = 0;
  ASSERT_TRUE(parse_http_date("Sun Nov  6 08:49:37 1994", t));
  EXPECT_EQ(t, 784111777);
  t = 0;
  ASSERT_TRUE(parse_http_date("Wed Nov 16 08:49:37 1994", t));
  EXPECT_EQ(t, 784111777 + 10 * 86400);
}

TEST(HttpDate, Rfc850TwoDigitYears) {
  std::time_t t = -1;
  ASSERT_TRUE(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT", t));
  EXPECT_EQ(t, 0);
  ASSERT_TRUE(parse_http_date("Friday, 31-Dec-99 23:59:59 GMT", t));
  EXPECT_EQ(t, 946684799);
  ASSERT_TRUE(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT", t));
  EXPECT_EQ(t, 946684800);
  ASSERT_TRUE(parse_http_date("Tuesday, 01-Jan-69 00:00:00 GMT", t));
  EXPECT_EQ(t, 3124224000);  // 2069-01-01
}

TEST(HttpDate, RoundTripsTheFormatter) {
  for (const KnownDate& known : kKnownDates) {
    std::time_t t = -1;
    ASSERT_TRUE(parse_http_date(known.text, t)) << known.text;
    EXPECT_EQ(t, known.t) << known.text;
  }
  std::mt19937_64 random(1994);
  std::uniform_int_distribution<std::int64_t> any_second(0, kLastSecondOf9999);
  for (int i = 0; i < 10000; ++i) {
    const std::time_t expected = any_second(random);
    const std::string text = fast(expected);
    std::time_t t = -1;
    ASSERT_TRUE(parse_http_date(text, t)) << text;
    ASSERT_EQ(t, expected) << text;
  }
}

TEST(HttpDate, AcceptsLeapDaysAndLeapSecond) {
  std::time_t t = 0;
  EXPECT_TRUE(parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT", t));
  EXPECT_EQ(t, 1709208000);
  EXPECT_TRUE(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT", t));
  // 08:49:60 is a leap second; it is counted as the next minute's first second.
  EXPECT_TRUE(parse_http_date("Sun, 06 Nov 1994 08:49:60 GMT", t));
  EXPECT_EQ(t, 784111777 + 23);
}

TEST(HttpDate, RejectsMalformedDates) {
  const char* const kBad[] = {
      "",
      "garbage",
      "Sun, 06 Nov 1994 08:49:37",       // no zone
      "Sun, 06 Nov 1994 08:49:37 UTC",   // only GMT is allowed
      "Sun, 06 Nov 1994 08:49:37 GMT ",  // trailing space
      "Sun, 06 Nov 1994 08:49:37 GMTx",  // trailing junk
      " Sun, 06 Nov 1994 08:49:37 GMT",  // leading space
      "Sun, 6 Nov 1994 08:49:37 GMT",    // day needs two digits
      "Sun, 06 Nov 94 08:49:37 GMT",     // year needs four digits
      "Sun, 06 Nov 1994 8:49:37 GMT",    // hour needs two digits
      "Sun,06 Nov 1994 08:49:37 GMT",    // missing space
      "sun, 06 Nov 1994 08:49:37 GMT",   // names are case-sensitive
      "Sun, 06 nov 1994 08:49:37 GMT",
      "Sun, 06 NOV 1994 08:49:37 GMT",
      "Xyz, 06 Nov 1994 08:49:37 GMT",  // not a day name
      "Sun, 06 Foo 1994 08:49:37 GMT",  // not a month
      "Sun, 00 Nov 1994 08:49:37 GMT",  // day 0
      "Sun, 31 Nov 1994 08:49:37 GMT",  // November has 30 days
      "Sun, 32 Jan 1994 08:49:37 GMT",
      "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 is not a leap year
      "Sun, 30 Feb 2024 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",  // hour 24
      "Sun, 06 Nov 1994 08:60:37 GMT",  // minute 60
      "Sun, 06 Nov 1994 08:49:61 GMT",  // second 61
      "Sun, 06 Nov 199a 08:49:37 GMT",  // not a digit
      "Sun, 06 Nov 1994 08-49-37 GMT",
      "Sunday, 06 Nov 1994 08:49:37 GMT",  // long day name in IMF-fixdate
      "Sun, 06-Nov-94 08:49:37 GMT",       // short day name in RFC 850
      "Sunday, 06-Nov-1994 08:49:37 GMT",  // RFC 850 takes a 2-digit year
      "Sunday, 06-Nov-94 08:49:37 GMT ",
      "Sunday, 31-Apr-94 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994",  // asctime pads a one-digit day with a space
      "Sun Nov  6 08:49:37 94",
      "Sun Nov  6 08:49:37 1994 ",
      "Sun Nov  6 08:49:37 1994 GMT",
      "Sun Nov 31 08:49:37 1994",
  };
  for (const char* text : kBad) {
    std::time_t t = 12345;
    EXPECT_FALSE(parse_http_date(text, t)) << '"' << text << '"';
  }
}

TEST(HttpDate, RejectsEveryTruncation) {
  const std::string_view forms[] = {"Sun, 06 Nov 1994 08:49:37 GMT",
                                    "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"};
  for (const std::string_view form : forms) {
    for (std::size_t length = 0; length < form.size(); ++length) {
      std::time_t t = 0;
      EXPECT_FALSE(parse_http_date(form.substr(0, length), t)) << form.substr(0, length);
    }
  }
}

TEST(HttpDate, RejectsEmbeddedNul) {
  const std::string text("Sun, 06 Nov 1994 08:49:37 GMT\0", 30);
  std::time_t t = 0;
  EXPECT_FALSE(parse_http_date(text, t));
}

TEST(HttpDate, StrftimeSourceGivesTheCurrentTime) {
  StrftimeDateSource source;
  const std::time_t before = std::time(nullptr);
  const std::string_view text = source.now();
  const std::time_t after = std::time(nullptr);
  ASSERT_EQ(text.size(), kHttpDateLength);
  std::time_t t = 0;
  ASSERT_TRUE(parse_http_date(text, t)) << text;
  EXPECT_GE(t, before);
  EXPECT_LE(t, after);
}

}  // namespace
}  // namespace tenk::http

// HTTP dates: two formatters (libc and specialised) and a parser for the three RFC 9110 forms.
#include "http/date.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace tenk::http {

namespace {

// The names HTTP dates use, in English whatever the locale, as the parser matches them.
constexpr std::string_view kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The day names packed four bytes apart with the comma that follows them in an IMF-fixdate
// ("Sun,"), so the formatter copies each with a single 4-byte move.
constexpr char kDayNamesComma[] = "Sun,Mon,Tue,Wed,Thu,Fri,Sat,";

// "DD Mon " for every day of a year that starts on 1 March (see format_http_date_fast), built at
// compile time: entry 0 is "01 Mar ", entry 305 is "01 Jan ", entry 365 is "29 Feb ". Because the
// leap day is the last day of such a year, one table serves leap and common years alike; a common
// year just never reaches the last entry. Each entry is padded to 8 bytes so it is written with
// one 8-byte move; the padding lands on the year's first digit, which is written afterwards.
using DayMonth = std::array<char, 8>;
constexpr std::array<DayMonth, 366> kDayMonthFromMarch = [] {
  constexpr int kLengths[12] = {31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 29};
  constexpr std::string_view kNames = "MarAprMayJunJulAugSepOctNovDecJanFeb";
  std::array<DayMonth, 366> table{};
  std::size_t entry = 0;
  for (std::size_t month = 0; month < 12; ++month) {
    for (int day = 1; day <= kLengths[month]; ++day, ++entry) {
      table[entry] = {static_cast<char>('0' + day / 10),
                      static_cast<char>('0' + day % 10),
                      ' ',
                      kNames[3 * month],
                      kNames[3 * month + 1],
                      kNames[3 * month + 2],
                      ' ',
                      '0'};
    }
  }
  return table;
}();

// "00" "01" ... "99": one lookup writes two digits, instead of a division and a modulo each.
constexpr std::array<char, 200> kTwoDigits = [] {
  std::array<char, 200> table{};
  for (int i = 0; i < 100; ++i) {
    table[2 * i] = static_cast<char>('0' + i / 10);
    table[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return table;
}();

void put_two_digits(char* out, std::uint32_t value) {
  std::memcpy(out, &kTwoDigits[2 * value], 2);
}

constexpr std::time_t kLastSecondOf9999 = 253402300799;  // 9999-12-31 23:59:59

}  // namespace

void format_http_date_strftime(std::time_t t, char* out) {
  // Known limit: strftime names days and months in the current LC_TIME locale. The server never
  // calls setlocale, so the process stays in the "C" locale and the names are the English ones
  // HTTP requires. Years past 9999 would need more than 4 digits: only the first 29 bytes are
  // copied, so such a date comes out wrong, but never overruns `out`.
  std::tm parts{};
  gmtime_r(&t, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  std::memcpy(out, text, kHttpDateLength);
}

void format_http_date_fast(std::time_t t, char* out) {
  // Known limit: a 4-digit year only reaches 9999, and the unsigned arithmetic below assumes
  // t >= 0. Rather than write garbage, times outside 1970..9999 are clamped to the nearest end;
  // the clamp is also what keeps every table index below in bounds.
  t = t < 0 ? 0 : (t > kLastSecondOf9999 ? kLastSecondOf9999 : t);
  const auto seconds = static_cast<std::uint64_t>(t);
  const auto days = static_cast<std::uint32_t>(seconds / 86400);  // days since 1970-01-01
  const auto second_of_day = static_cast<std::uint32_t>(seconds - std::uint64_t{days} * 86400);

  // From a day count to year/month/day without a single real division: every "/ constant" below
  // compiles to a multiplication and a shift. The year comes from Neri and Schneider's algorithm
  // ("Euclidean affine functions and their application to calendar algorithms", 2022), a tighter
  // relative of Howard Hinnant's civil_from_days; day and month come from a table. On the
  // machine we measured, this took about half the time of Hinnant's version.
  //
  // The idea that makes all of it work: let the year begin on 1 March. The leap day, when there
  // is one, is then the last day of the year, so a leap year only ever adds a day at the end:
  // leap years are easy to count, and one "day of year -> day and month" table fits every year.
  //
  // 1. Count days from 0000-03-01 instead of 1970-01-01 (719468 days apart).
  // 2. Centuries. 400 years are exactly 146097 days, so a century is 146097 / 4 = 36524.25 days
  //    on average. Counting in quarter days (4 * n + 3) makes that an integer division; the "+ 3"
  //    gives the one long century (the one holding the 400-year leap day) its extra day at its
  //    end. Quotient: the century; remainder / 4: the day within the century.
  // 3. Years within the century, the same trick with 4 * 365.25 = 1461 quarter days per year.
  //    Instead of dividing by 1461, multiply by 2939745 ~= 2^32 / 1461: the high 32 bits of the
  //    product are the year, the low 32 bits are the remainder scaled by 2939745, and dividing
  //    those by 4 * 2939745 gives the day of the year (0 = 1 March).
  // 4. Day and month: one lookup in kDayMonthFromMarch, indexed by the day of the year.
  // 5. Day 306 of a March-based year is 1 January: from there on it is the next calendar year.
  // The paper proves steps 2 and 3 exact over the whole range we use; the unit tests compare
  // the result with gmtime_r + strftime.
  const std::uint32_t quarter_days = 4 * (days + 719468) + 3;
  const std::uint32_t century = quarter_days / 146097;
  // (quarter_days % 146097) is 4 * day_of_century plus 0..3; "| 3" turns it into
  // 4 * day_of_century + 3, the quarter-day count that step 3 needs.
  const std::uint32_t century_quarter_days = (quarter_days % 146097) | 3;
  const std::uint64_t year_product = std::uint64_t{2939745} * century_quarter_days;
  const auto year_of_century = static_cast<std::uint32_t>(year_product >> 32);
  const auto day_of_year = static_cast<std::uint32_t>(year_product) / (4 * 2939745);
  const std::uint32_t year = 100 * century + year_of_century + (day_of_year >= 306 ? 1 : 0);

  // 1970-01-01 was a Thursday (weekday 4, counting Sunday as 0).
  const std::uint32_t weekday = (days + 4) % 7;

  const std::uint32_t hour = second_of_day / 3600;
  const std::uint32_t second_of_hour = second_of_day - hour * 3600;
  const std::uint32_t minute = second_of_hour / 60;
  const std::uint32_t second = second_of_hour - minute * 60;

  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions. The constant tail " 0000 00:00:00 GMT"
  // goes in with one 16-byte copy, then every variable piece is written straight to its place.
  // Writing into `out` directly, not into a local buffer copied at the end, matters: the copy
  // would read back bytes just written by many small stores, which the CPU cannot forward
  // quickly (it measured ~1.6x slower).
  static constexpr char kTemplate[] = "Xxx, 00 Xxx 0000 00:00:00 GMT";
  static_assert(sizeof kTemplate == kHttpDateLength + 1);
  std::memcpy(out + 13, kTemplate + 13, 16);
  std::memcpy(out, kDayNamesComma + 4 * weekday, 4);
  out[4] = ' ';
  std::memcpy(out + 5, kDayMonthFromMarch[day_of_year].data(), 8);  // "06 Nov " + padding
  put_two_digits(out + 12, year / 100);
  put_two_digits(out + 14, year % 100);
  put_two_digits(out + 17, hour);
  put_two_digits(out + 20, minute);
  put_two_digits(out + 23, second);
}

namespace {

// A small cursor over the text being parsed. Every reader checks the bounds itself and reports
// failure, so the grammar below reads as a straight list of expectations.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }

  bool literal(std::string_view expected) {
    if (text_.substr(pos_, expected.size()) != expected) return false;
    pos_ += expected.size();
    return true;
  }

  // Exactly `count` ASCII digits.
  bool digits(std::size_t count, int& value) {
    if (text_.size() - pos_ < count) return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }

  // asctime's day: two digits, or a space and one digit ("Nov  6").
  bool padded_day(int& value) {
    if (text_.size() - pos_ >= 2 && text_[pos_] == ' ') {
      ++pos_;
      return digits(1, value);
    }
    return digits(2, value);
  }

  // One of `names` (case-sensitive, as RFC 9110 §5.6.7 says); `index` gets its position.
  template <std::size_t N>
  bool one_of(const std::string_view (&names)[N], int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct DateParts {
  int year = 0;
  int month = 0;  // 0..11
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// "08:49:37"
bool time_of_day(Reader& in, DateParts& parts) {
  return in.digits(2, parts.hour) && in.literal(":") && in.digits(2, parts.minute) &&
         in.literal(":") && in.digits(2, parts.second);
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
bool imf_fixdate(std::string_view text, DateParts& parts) {
  Reader in(text);
  int weekday = 0;
  return in.one_of(kShortDays, weekday) && in.literal(", ") && in.digits(2, parts.day) &&
         in.literal(" ") && in.one_of(kMonths, parts.month) && in.literal(" ") &&
         in.digits(4, parts.year) && in.literal(" ") && time_of_day(in, parts) &&
         in.literal(" GMT") && in.at_end();
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
bool rfc850_date(std::string_view text, DateParts& parts) {
  Reader in(text);
  int weekday = 0;
  int two_digit_year = 0;
  if (!(in.one_of(kLongDays, weekday) && in.literal(", ") && in.digits(2, parts.day) &&
        in.literal("-") && in.one_of(kMonths, parts.month) && in.literal("-") &&
        in.digits(2, two_digit_year) && in.literal(" ") && time_of_day(in, parts) &&
        in.literal(" GMT") && in.at_end())) {
    return false;
  }
  // Known limit: RFC 9110 §5.6.7 asks for "the most recent year in the past with these two
  // digits when the date would be more than 50 years in the future", which depends on today's
  // date. We use the fixed rule 70..99 → 19xx, 00..69 → 20xx instead: deterministic, and the
  // same answer for every year a real client could have sent in this obsolete form.
  parts.year = two_digit_year + (two_digit_year >= 70 ? 1900 : 2000);
  return true;
}

// "Sun Nov  6 08:49:37 1994"
bool asctime_date(std::string_view text, DateParts& parts) {
  Reader in(text);
  int weekday = 0;
  return in.one_of(kShortDays, weekday) && in.literal(" ") && in.one_of(kMonths, parts.month) &&
         in.literal(" ") && in.padded_day(parts.day) && in.literal(" ") && time_of_day(in, parts) &&
         in.literal(" ") && in.digits(4, parts.year) && in.at_end();
}

bool is_leap_year(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(int year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 1 && is_leap_year(year) ? 29 : kDays[month];
}

}  // namespace

bool parse_http_date(std::string_view text, std::time_t& out) {
  // Which form it is, is decided by the parsers themselves: each one demands its own exact
  // layout through to the end of the text, so at most one can succeed.
  DateParts parts;
  if (!imf_fixdate(text, parts) && !rfc850_date(text, parts) && !asctime_date(text, parts)) {
    return false;
  }
  // Ranges. A second of 60 is a leap second (RFC 5322 allows it); timegm folds it into the next
  // minute. The day name is not checked against the date, as most servers do not either: a
  // wrong one is harmless and rejecting it would only turn a conditional request into a full one.
  if (parts.day < 1 || parts.day > days_in_month(parts.year, parts.month) || parts.hour > 23 ||
      parts.minute > 59 || parts.second > 60) {
    return false;
  }
  std::tm fields{};
  fields.tm_year = parts.year - 1900;
  fields.tm_mon = parts.month;
  fields.tm_mday = parts.day;
  fields.tm_hour = parts.hour;
  fields.tm_min = parts.minute;
  fields.tm_sec = parts.second;
  out = timegm(&fields);
  return true;
}

std::string_view StrftimeDateSource::now() {
  format_http_date_strftime(std::time(nullptr), buffer_);
  return {buffer_, kHttpDateLength};
}

}  // namespace tenk::http

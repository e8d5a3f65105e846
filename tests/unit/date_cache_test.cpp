// CachedDateSource (step 07): the text is always the current second's, formatted once per
// second, checked against both formatters with a clock the test controls.
#include "cache/date_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tenk::cache {
namespace {

std::time_t fake_now = 0;
std::time_t fake_clock() {
  return fake_now;
}

std::string strftime_text(std::time_t t) {
  char text[http::kHttpDateLength];
  http::format_http_date_strftime(t, text);
  return {text, sizeof text};
}

TEST(CachedDateSource, FormatsOncePerSecondAndIsNeverStale) {
  fake_now = 1764583200;  // 2025-12-01 10:00:00 UTC
  CachedDateSource dates(fake_clock);
  EXPECT_EQ(dates.formats(), 0u);
  EXPECT_EQ(dates.now(), strftime_text(fake_now));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(dates.now(), strftime_text(fake_now));
  EXPECT_EQ(dates.formats(), 1u) << "the same second is formatted once";

  ++fake_now;  // the very next call sees the new second: never a second behind
  EXPECT_EQ(dates.now(), strftime_text(fake_now));
  EXPECT_EQ(dates.formats(), 2u);

  fake_now += 86400 * 366;  // a jump (a suspended machine, a clock step)
  EXPECT_EQ(dates.now(), strftime_text(fake_now));
  fake_now -= 5;  // and back: any change of second reformats, not only forward
  EXPECT_EQ(dates.now(), strftime_text(fake_now));
  EXPECT_EQ(dates.formats(), 4u);
}

TEST(CachedDateSource, WallClockMatchesTime) {
  CachedDateSource dates;
  const std::time_t before = std::time(nullptr);
  const std::string text(dates.now());
  const std::time_t after = std::time(nullptr);
  EXPECT_TRUE(text == strftime_text(before) || text == strftime_text(after)) << text;
}

}  // namespace
}  // namespace tenk::cache

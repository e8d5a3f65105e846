// Step 07's Date header: formatted at most once per second, by the specialised formatter.
//
// Every response carries the current time as an IMF-fixdate, but that text changes only once a
// second: a server answering 80,000 requests a second would format the same 29 bytes 80,000
// times. CachedDateSource asks the clock for the current second on every call (time() is a
// vDSO read on Linux, not a system call) and formats again only when the second has changed,
// with http::format_http_date_fast instead of gmtime_r + strftime.
//
// Staleness: none beyond the clock's own resolution. The cached text always names the second
// the clock reported on this call, so it is never more than one second behind the true time
// (the same as formatting afresh, since the header has one-second resolution).
//
// One per event loop (per process in the prefork steps, per thread in step 11): no lock.
#pragma once

#include <cstddef>
#include <ctime>
#include <string_view>

#include "http/date.hpp"

namespace tenk::cache {

class CachedDateSource final : public http::DateSource {
 public:
  // Where the current second comes from; tests pass a clock they control.
  using SecondsClock = std::time_t (*)();
  static std::time_t wall_clock() { return std::time(nullptr); }

  explicit CachedDateSource(SecondsClock clock = wall_clock) : clock_(clock) {}

  std::string_view now() override;

  // How many times the text was formatted (for tests and benchmarks): one per distinct second.
  std::size_t formats() const { return formats_; }

 private:
  SecondsClock clock_;
  std::time_t second_ = -1;  // the second text_ names; -1: nothing formatted yet
  std::size_t formats_ = 0;
  char text_[http::kHttpDateLength];
};

}  // namespace tenk::cache

// HTTP dates: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", always 29 bytes; RFC 9110 §5.6.7).
//
// Two formatters on purpose. Steps 01-06 call gmtime_r + strftime for every response, as a
// first server would. Step 07 switches to format_http_date_fast, a specialised formatter that
// does the calendar arithmetic itself and writes digits from tables, and caches its result for
// a second. bench/micro compares them.
#pragma once

#include <cstddef>
#include <ctime>
#include <string_view>

namespace tenk::http {

inline constexpr std::size_t kHttpDateLength = 29;

// gmtime_r + strftime("%a, %d %b %Y %H:%M:%S GMT"). Writes kHttpDateLength bytes, no NUL.
// strftime is locale-dependent; the process stays in the "C" locale, so names are English.
void format_http_date_strftime(std::time_t t, char* out);

// The specialised formatter: days-from-civil arithmetic, no libc calls. Writes
// kHttpDateLength bytes, no NUL. Valid for years 1970..9999.
void format_http_date_fast(std::time_t t, char* out);

// Parses an IMF-fixdate (the only form we send). Also accepts the two obsolete forms
// RFC 9110 §5.6.7 says recipients must accept (RFC 850 and asctime). Returns false if `text` is
// none of them.
bool parse_http_date(std::string_view text, std::time_t& out);

// Where a server gets the Date header value for the response it is composing. The string_view
// stays valid until the next call of now() on the same object.
class DateSource {
 public:
  virtual ~DateSource() = default;
  virtual std::string_view now() = 0;
};

// Steps 01-06: format the current time with strftime on every call. Step 07 replaces this.
class StrftimeDateSource final : public DateSource {
 public:
  std::string_view now() override;

 private:
  char buffer_[kHttpDateLength];
};

}  // namespace tenk::http

#include "cache/date_cache.hpp"

namespace tenk::cache {

std::string_view CachedDateSource::now() {
  const std::time_t second = clock_();
  if (second != second_) {
    http::format_http_date_fast(second, text_);
    second_ = second;
    ++formats_;
  }
  return {text_, http::kHttpDateLength};
}

}  // namespace tenk::cache

// Small helpers several unit-test files share.
#pragma once

#include <fcntl.h>

#include <string_view>

#include "http/date.hpp"

namespace tenk::testing {

// A date that never changes, so transcripts are exact.
class FixedDate final : public http::DateSource {
 public:
  std::string_view now() override { return "Thu, 26 Nov 2026 10:00:00 GMT"; }
};

// True while `fd` is an open descriptor of this process.
inline bool is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}

}  // namespace tenk::testing

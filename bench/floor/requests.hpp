// The floor's whole request side, shared by its two loops (main.cpp: epoll; uring.cpp: io_uring):
// requests are not parsed, only their ends counted and a "Connection: close" looked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tenk::floor {

// Counts the request ends ("\r\n\r\n") in data. *matched carries how much of a terminator the
// previous read ended with, so a terminator split across reads is still found. On a mismatch the
// match restarts at 1 if the byte is '\r' (the pattern's only self-overlap), else at 0.
inline std::uint64_t CountRequestEnds(const char* data, std::size_t len, std::uint8_t* matched) {
  static constexpr char kEnd[] = "\r\n\r\n";
  std::uint64_t count = 0;
  std::uint8_t m = *matched;
  const char* p = data;
  const char* const end = data + len;
  while (p < end) {
    if (m == 0) {  // nothing matched yet: jump straight to the next '\r'
      p = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)));
      if (p == nullptr) break;
    }
    const char c = *p++;
    if (c == kEnd[m]) {
      if (++m == 4) {
        ++count;
        m = 0;
      }
    } else {
      m = c == '\r' ? 1 : 0;
    }
  }
  *matched = m;
  return count;
}

// Whether data (the bytes of one read, ending with a request's end) holds a "Connection: close"
// header line: name and value compared without regard to case, spaces before the value skipped.
// Only the line starts are looked at, a memchr per line: the benchmark's requests have three.
inline bool AsksToClose(const char* data, std::size_t len) {
  static constexpr std::string_view kName = "connection:";
  static constexpr std::string_view kClose = "close";
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  const auto starts_with = [&](const char* p, const char* end, std::string_view word) {
    if (static_cast<std::size_t>(end - p) < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (lower(p[i]) != word[i]) return false;
    }
    return true;
  };
  const char* const end = data + len;
  for (const char* p = data; p < end;) {
    const char* line =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (line == nullptr) return false;
    p = line + 1;
    if (starts_with(p, end, kName)) {
      const char* value = p + kName.size();
      while (value < end && (*value == ' ' || *value == '\t')) ++value;
      if (starts_with(value, end, kClose)) return true;
    }
  }
  return false;
}

}  // namespace tenk::floor

// Character classes that both the request parser and the file app need, defined once.
#pragma once

#include <array>

namespace tenk::http {

// Optional whitespace (RFC 9110 §5.6.3): space or horizontal tab.
inline bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

// The value of a hex digit, or kNotHex: one table lookup instead of three range comparisons.
// Used for chunk sizes and for percent-escapes in targets.
inline constexpr unsigned char kNotHex = 0xFF;
inline constexpr std::array<unsigned char, 256> kHexValue = [] {
  std::array<unsigned char, 256> table{};
  table.fill(kNotHex);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<unsigned char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<unsigned char>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[c] = static_cast<unsigned char>(c - 'A' + 10);
  return table;
}();

}  // namespace tenk::http

// The response header composer and the status table.
//
// compose() works the way the seeds' Warp does: first add up the exact length of the header,
// then write every piece with memcpy into a buffer of that size. No streams, no formatting
// library, no allocation when the caller's buffer is large enough.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/parser.hpp"

namespace tenk::http {

// "404 Not Found\n": the code and reason phrase of a status we send, with a newline: the status
// line's words and the body of an error reply, from one table. Empty for any other code.
std::string_view status_text(int status);

// The reason phrase alone ("Not Found"); "Unknown" for a code status_text() does not know.
std::string_view reason_phrase(int status);

enum class ConnectionHeader : std::uint8_t {
  None,       // HTTP/1.1 keep-alive: the default needs no header
  KeepAlive,  // HTTP/1.0 client asked for keep-alive: echo "Connection: keep-alive"
  Close,      // "Connection: close": after an error, or the client asked, or HTTP/1.0
};

// Everything one response head can carry. Empty string_views are left out of the output.
struct ResponseHead {
  int status = 200;
  std::string_view date;  // IMF-fixdate, 29 bytes (see date.hpp)
  std::string_view content_type;
  bool has_content_length = true;  // false only for 1xx and 304 (RFC 9110 §8.6)
  std::uint64_t content_length = 0;
  std::string_view last_modified;
  std::string_view etag;
  std::string_view content_range;  // "bytes 0-9/151" or "bytes */151"
  std::string_view location;       // 301
  std::string_view allow;          // 405
  bool accept_ranges = false;      // "Accept-Ranges: bytes"
  ConnectionHeader connection = ConnectionHeader::None;
};

// The exact number of bytes compose() writes for `head`.
std::size_t composed_length(const ResponseHead& head);

// Writes the head (status line, fields, final CRLF) into `out`, which must hold
// composed_length(head) bytes. Returns the number of bytes written.
std::size_t compose(const ResponseHead& head, char* out);

// The composer's digit routines, shared with whoever writes numbers into headers (the file
// app's Content-Range): how many decimal digits `value` has, and writing them (most significant
// first, no NUL), returning the end of what was written.
std::size_t decimal_digits(std::uint64_t value);
char* put_decimal(char* out, std::uint64_t value);

// "HTTP/1.1 100 Continue\r\n\r\n": the interim answer to "Expect: 100-continue".
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace tenk::http

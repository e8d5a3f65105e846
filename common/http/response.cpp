// The response header composer: measure first, then memcpy.
//
// Both passes walk the same list of fields in the same order, so composed_length() and compose()
// cannot disagree as long as each field is added in both places; the unit tests check that for
// many combinations of fields. The numbers (status code, Content-Length) are written with a
// small digit loop instead of snprintf: snprintf parses its format string on every call and
// goes through the locale machinery, which is a lot of work for "151".
#include "http/response.hpp"

#include <cstring>

namespace tenk::http {

std::string_view status_text(int status) {
  // A switch on dense integer cases compiles to a jump table: no search, no allocation. Each
  // text is the status line's code and reason phrase, plus the newline an error body ends with.
  switch (status) {
    case 100:
      return "100 Continue\n";
    case 200:
      return "200 OK\n";
    case 206:
      return "206 Partial Content\n";
    case 301:
      return "301 Moved Permanently\n";
    case 304:
      return "304 Not Modified\n";
    case 400:
      return "400 Bad Request\n";
    case 403:
      return "403 Forbidden\n";
    case 404:
      return "404 Not Found\n";
    case 405:
      return "405 Method Not Allowed\n";
    case 408:
      return "408 Request Timeout\n";
    case 413:
      return "413 Content Too Large\n";  // RFC 9110 name (was "Payload Too Large")
    case 414:
      return "414 URI Too Long\n";
    case 416:
      return "416 Range Not Satisfiable\n";
    case 417:
      return "417 Expectation Failed\n";
    case 431:
      return "431 Request Header Fields Too Large\n";
    case 500:
      return "500 Internal Server Error\n";
    case 501:
      return "501 Not Implemented\n";
    case 503:
      return "503 Service Unavailable\n";
    case 505:
      return "505 HTTP Version Not Supported\n";
    default:
      return {};
  }
}

std::string_view reason_phrase(int status) {
  const std::string_view text = status_text(status);
  if (text.empty()) return "Unknown";
  return text.substr(4, text.size() - 5);  // "404 Not Found\n" → "Not Found"
}

namespace {

// Every fixed piece of text, so that both passes use the very same bytes.
constexpr std::string_view kStatusLinePrefix = "HTTP/1.1 ";  // always 1.1: RFC 9110 §6.2
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kDate = "Date: ";
constexpr std::string_view kServer = "Server: tenk\r\n";
constexpr std::string_view kContentType = "Content-Type: ";
constexpr std::string_view kContentLength = "Content-Length: ";
constexpr std::string_view kLastModified = "Last-Modified: ";
constexpr std::string_view kEtag = "ETag: ";
constexpr std::string_view kAcceptRanges = "Accept-Ranges: bytes\r\n";
constexpr std::string_view kContentRange = "Content-Range: ";
constexpr std::string_view kLocation = "Location: ";
constexpr std::string_view kAllow = "Allow: ";
constexpr std::string_view kKeepAlive = "Connection: keep-alive\r\n";
constexpr std::string_view kClose = "Connection: close\r\n";

// The status code as an unsigned number. A real code is three digits (RFC 9110 §15); anything
// else is still written consistently by both passes (a negative int wraps to a large number),
// which is the caller's bug to fix, not ours to hide.
std::uint64_t status_number(int status) {
  return static_cast<std::uint32_t>(status);
}

char* put(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// "Name: value\r\n" for a field that is left out when its value is empty.
std::size_t field_length(std::string_view name, std::string_view value) {
  return value.empty() ? 0 : name.size() + value.size() + kCrlf.size();
}

char* put_field(char* out, std::string_view name, std::string_view value) {
  if (value.empty()) return out;
  out = put(out, name);
  out = put(out, value);
  return put(out, kCrlf);
}

std::string_view connection_field(ConnectionHeader connection) {
  switch (connection) {
    case ConnectionHeader::KeepAlive:
      return kKeepAlive;
    case ConnectionHeader::Close:
      return kClose;
    case ConnectionHeader::None:
      break;
  }
  return "";  // not {}: memcpy must not be handed a null pointer, even for 0 bytes
}

}  // namespace

std::size_t decimal_digits(std::uint64_t value) {
  std::size_t digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

char* put_decimal(char* out, std::uint64_t value) {
  const std::size_t digits = decimal_digits(value);
  char* end = out + digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

std::size_t composed_length(const ResponseHead& head) {
  std::size_t length = kStatusLinePrefix.size() + decimal_digits(status_number(head.status)) + 1 +
                       reason_phrase(head.status).size() + kCrlf.size();
  length += field_length(kDate, head.date);
  length += kServer.size();
  length += field_length(kContentType, head.content_type);
  if (head.has_content_length) {
    length += kContentLength.size() + decimal_digits(head.content_length) + kCrlf.size();
  }
  length += field_length(kLastModified, head.last_modified);
  length += field_length(kEtag, head.etag);
  if (head.accept_ranges) length += kAcceptRanges.size();
  length += field_length(kContentRange, head.content_range);
  length += field_length(kLocation, head.location);
  length += field_length(kAllow, head.allow);
  length += connection_field(head.connection).size();
  return length + kCrlf.size();
}

std::size_t compose(const ResponseHead& head, char* out) {
  char* p = put(out, kStatusLinePrefix);
  p = put_decimal(p, status_number(head.status));
  *p++ = ' ';
  p = put(p, reason_phrase(head.status));
  p = put(p, kCrlf);
  p = put_field(p, kDate, head.date);
  p = put(p, kServer);
  p = put_field(p, kContentType, head.content_type);
  if (head.has_content_length) {
    p = put(p, kContentLength);
    p = put_decimal(p, head.content_length);
    p = put(p, kCrlf);
  }
  p = put_field(p, kLastModified, head.last_modified);
  p = put_field(p, kEtag, head.etag);
  if (head.accept_ranges) p = put(p, kAcceptRanges);
  p = put_field(p, kContentRange, head.content_range);
  p = put_field(p, kLocation, head.location);
  p = put_field(p, kAllow, head.allow);
  p = put(p, connection_field(head.connection));
  p = put(p, kCrlf);
  return static_cast<std::size_t>(p - out);
}

}  // namespace tenk::http

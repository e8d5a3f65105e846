// The response header composer: exact bytes, and composed_length() always agreeing with compose().
#include "http/response.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

namespace tenk::http {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

// Composes into a buffer with guard bytes after the promised length, and checks the three
// numbers that must agree: the length announced, the length returned, the bytes touched.
std::string compose_checked(const ResponseHead& head) {
  constexpr char kGuard = '\x7f';
  constexpr std::size_t kGuardBytes = 64;
  const std::size_t length = composed_length(head);
  std::string buffer(length + kGuardBytes, kGuard);
  const std::size_t written = compose(head, buffer.data());
  EXPECT_EQ(written, length);
  EXPECT_EQ(buffer.substr(length), std::string(kGuardBytes, kGuard)) << "wrote past the end";
  return buffer.substr(0, written);
}

// A deliberately naive second implementation (std::string, std::to_string) to compare against.
std::string reference(const ResponseHead& head) {
  std::string text = "HTTP/1.1 " + std::to_string(head.status) + " ";
  text += reason_phrase(head.status);
  text += "\r\n";
  auto field = [&text](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    text += name;
    text += ": ";
    text += value;
    text += "\r\n";
  };
  field("Date", head.date);
  text += "Server: tenk\r\n";
  field("Content-Type", head.content_type);
  if (head.has_content_length) field("Content-Length", std::to_string(head.content_length));
  field("Last-Modified", head.last_modified);
  field("ETag", head.etag);
  if (head.accept_ranges) text += "Accept-Ranges: bytes\r\n";
  field("Content-Range", head.content_range);
  field("Location", head.location);
  field("Allow", head.allow);
  if (head.connection == ConnectionHeader::KeepAlive) text += "Connection: keep-alive\r\n";
  if (head.connection == ConnectionHeader::Close) text += "Connection: close\r\n";
  return text + "\r\n";
}

TEST(Response, Typical200) {
  ResponseHead head;
  head.date = kDate;
  head.content_type = "text/html; charset=utf-8";
  head.content_length = 151;
  head.last_modified = "Sat, 05 Nov 1994 10:00:00 GMT";
  head.etag = "\"5f-97\"";
  head.accept_ranges = true;
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 200 OK\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Server: tenk\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Length: 151\r\n"
            "Last-Modified: Sat, 05 Nov 1994 10:00:00 GMT\r\n"
            "ETag: \"5f-97\"\r\n"
            "Accept-Ranges: bytes\r\n"
            "\r\n");
}

TEST(Response, NotModifiedHasNoContentLength) {
  ResponseHead head;
  head.status = 304;
  head.date = kDate;
  head.has_content_length = false;
  head.content_length = 151;  // ignored when has_content_length is false
  head.last_modified = "Sat, 05 Nov 1994 10:00:00 GMT";
  head.etag = "\"5f-97\"";
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 304 Not Modified\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Server: tenk\r\n"
            "Last-Modified: Sat, 05 Nov 1994 10:00:00 GMT\r\n"
            "ETag: \"5f-97\"\r\n"
            "\r\n");
}

TEST(Response, MethodNotAllowedWithAllow) {
  ResponseHead head;
  head.status = 405;
  head.date = kDate;
  head.content_type = "text/plain; charset=utf-8";
  head.content_length = 19;
  head.allow = "GET, HEAD";
  head.connection = ConnectionHeader::Close;
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Server: tenk\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 19\r\n"
            "Allow: GET, HEAD\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(Response, MovedPermanentlyWithLocation) {
  ResponseHead head;
  head.status = 301;
  head.date = kDate;
  head.content_length = 0;
  head.location = "/docs/";
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 301 Moved Permanently\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Server: tenk\r\n"
            "Content-Length: 0\r\n"
            "Location: /docs/\r\n"
            "\r\n");
}

TEST(Response, PartialContentWithContentRange) {
  ResponseHead head;
  head.status = 206;
  head.content_type = "text/plain; charset=utf-8";
  head.content_length = 10;
  head.content_range = "bytes 0-9/151";
  head.accept_ranges = true;
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 206 Partial Content\r\n"
            "Server: tenk\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 10\r\n"
            "Accept-Ranges: bytes\r\n"
            "Content-Range: bytes 0-9/151\r\n"
            "\r\n");
}

TEST(Response, Http10KeepAliveIsEchoedButStatusLineSays11) {
  ResponseHead head;
  head.content_length = 5;
  head.connection = ConnectionHeader::KeepAlive;
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 200 OK\r\n"
            "Server: tenk\r\n"
            "Content-Length: 5\r\n"
            "Connection: keep-alive\r\n"
            "\r\n");
}

TEST(Response, Close) {
  ResponseHead head;
  head.status = 400;
  head.content_length = 0;
  head.connection = ConnectionHeader::Close;
  EXPECT_EQ(compose_checked(head),
            "HTTP/1.1 400 Bad Request\r\n"
            "Server: tenk\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(Response, MinimalHead) {
  ResponseHead head;
  head.status = 100;
  head.has_content_length = false;
  EXPECT_EQ(compose_checked(head), "HTTP/1.1 100 Continue\r\nServer: tenk\r\n\r\n");
}

TEST(Response, ContentLengthDigits) {
  const std::pair<std::uint64_t, std::string_view> cases[] = {
      {0, "0"},
      {9, "9"},
      {10, "10"},
      {99, "99"},
      {100, "100"},
      {std::uint64_t{1} << 40, "1099511627776"},
      {9999999999999999999u, "9999999999999999999"},
      {10000000000000000000u, "10000000000000000000"},
      {UINT64_MAX, "18446744073709551615"},
  };
  for (const auto& [length, digits] : cases) {
    ResponseHead head;
    head.content_length = length;
    const std::string expected =
        "HTTP/1.1 200 OK\r\nServer: tenk\r\nContent-Length: " + std::string(digits) + "\r\n\r\n";
    EXPECT_EQ(compose_checked(head), expected) << length;
  }
}

TEST(Response, UnknownStatusCode) {
  ResponseHead head;
  head.status = 299;
  head.has_content_length = false;
  EXPECT_EQ(compose_checked(head), "HTTP/1.1 299 Unknown\r\nServer: tenk\r\n\r\n");
}

// Every combination of the optional fields, for several statuses and lengths: the composer must
// match the naive reference, and the three lengths must agree (compose_checked).
TEST(Response, AllFieldCombinationsMatchReference) {
  constexpr int kStatuses[] = {100, 200, 206, 304, 404, 431, 505, 299};
  constexpr std::uint64_t kLengths[] = {0, 7, 151, 1234567, std::uint64_t{1} << 40, UINT64_MAX};
  constexpr ConnectionHeader kConnections[] = {ConnectionHeader::None, ConnectionHeader::KeepAlive,
                                               ConnectionHeader::Close};
  int checked = 0;
  for (unsigned mask = 0; mask < (1u << 9); ++mask) {
    for (const ConnectionHeader connection : kConnections) {
      ResponseHead head;
      head.status = kStatuses[checked % std::size(kStatuses)];
      head.content_length = kLengths[checked % std::size(kLengths)];
      head.date = mask & 1u ? kDate : std::string_view{};
      head.content_type = mask & 2u ? "image/png" : std::string_view{};
      head.has_content_length = (mask & 4u) != 0;
      head.last_modified = mask & 8u ? "Sat, 05 Nov 1994 10:00:00 GMT" : std::string_view{};
      head.etag = mask & 16u ? "W/\"1-2\"" : std::string_view{};
      head.accept_ranges = (mask & 32u) != 0;
      head.content_range = mask & 64u ? "bytes */151" : std::string_view{};
      head.location = mask & 128u ? "/a/b/" : std::string_view{};
      head.allow = mask & 256u ? "GET, HEAD, POST" : std::string_view{};
      head.connection = connection;
      ASSERT_EQ(compose_checked(head), reference(head)) << "mask " << mask;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 512 * 3);
}

TEST(Response, ContinueConstant) {
  EXPECT_EQ(kContinueResponse, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(ReasonPhrase, KnownCodes) {
  const std::pair<int, std::string_view> cases[] = {
      {100, "Continue"},
      {200, "OK"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {304, "Not Modified"},
      {400, "Bad Request"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {413, "Content Too Large"},
      {414, "URI Too Long"},
      {416, "Range Not Satisfiable"},
      {417, "Expectation Failed"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {503, "Service Unavailable"},
      {505, "HTTP Version Not Supported"},
  };
  for (const auto& [status, phrase] : cases) EXPECT_EQ(reason_phrase(status), phrase) << status;
}

TEST(ReasonPhrase, UnknownCodes) {
  for (const int status : {-1, 0, 1, 99, 101, 201, 302, 418, 429, 502, 504, 506, 600, 1000}) {
    EXPECT_EQ(reason_phrase(status), "Unknown") << status;
  }
}

}  // namespace
}  // namespace tenk::http

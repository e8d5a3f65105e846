// Unit tests for the request parser, the body decoder and the ASCII case folding.
//
// The parser is fed the same bytes in three ways (whole, split at every point, one byte at a
// time) and must reach the same answer each time: that is the property the server relies on,
// since TCP may cut a request anywhere. Every limit is tested at its bound and one past it.
#include "http/parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tenk::http {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

// Everything a parse produced, as text, with every string_view shown as its offset into the
// input buffer: two parses of the same buffer must agree on the bytes AND on where they are.
std::string describe(std::string_view buffer, const Request& r) {
  auto view = [&](std::string_view v) {
    if (v.data() == nullptr || v.empty()) return std::string("<>");
    if (v.data() >= buffer.data() && v.data() + v.size() <= buffer.data() + buffer.size()) {
      return std::to_string(v.data() - buffer.data()) + ":" + std::string(v);
    }
    return "static:" + std::string(v);  // e.g. the "/" of an absolute-form target
  };
  std::string s;
  s += "method=" + std::to_string(static_cast<int>(r.method)) + " name=" + view(r.method_name);
  s += " target=" + view(r.target) + " path=" + view(r.path);
  s += " version=" + std::to_string(static_cast<int>(r.version));
  for (std::size_t i = 0; i < r.header_count; ++i) {
    s += " [" + view(r.headers[i].name) + "=" + view(r.headers[i].value) + "]";
  }
  s += " host=" + view(r.host) + " inm=" + view(r.if_none_match);
  s += " ims=" + view(r.if_modified_since) + " range=" + view(r.range);
  s += " ka=" + std::to_string(r.keep_alive) + " cka=" + std::to_string(r.connection_keep_alive);
  s += " ec=" + std::to_string(r.expect_continue) + " eu=" + std::to_string(r.expect_unsupported);
  s += " framing=" + std::to_string(static_cast<int>(r.framing));
  s += " cl=" + std::to_string(r.content_length);
  return s;
}

struct Outcome {
  ParseStatus status = ParseStatus::Incomplete;
  int error = 0;
  std::size_t head_length = 0;
  std::string fields;  // describe() when Complete

  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{status=" << static_cast<int>(o.status) << " error=" << o.error
      << " head_length=" << o.head_length << " " << o.fields << "}";
}

Outcome outcome_of(ParseStatus status, const RequestParser& parser, std::string_view buffer,
                   const Request& r) {
  Outcome o;
  o.status = status;
  if (status == ParseStatus::Error) o.error = parser.error_status();
  if (status == ParseStatus::Complete) {
    o.head_length = parser.head_length();
    o.fields = describe(buffer, r);
  }
  return o;
}

Outcome parse_whole(std::string_view input) {
  RequestParser parser;
  Request r;
  return outcome_of(parser.parse(input, r), parser, input, r);
}

// Feeds input[0, cut) and then the whole input, as a receive buffer filling up would.
// A first answer other than Incomplete must already be the final one.
Outcome parse_split(std::string_view input, std::size_t cut) {
  RequestParser parser;
  Request r;
  ParseStatus s = parser.parse(input.substr(0, cut), r);
  if (s != ParseStatus::Incomplete) return outcome_of(s, parser, input, r);
  s = parser.parse(input, r);
  return outcome_of(s, parser, input, r);
}

Outcome parse_bytewise(std::string_view input) {
  RequestParser parser;
  Request r;
  ParseStatus s = ParseStatus::Incomplete;
  for (std::size_t n = 1; n <= input.size() && s == ParseStatus::Incomplete; ++n) {
    s = parser.parse(input.substr(0, n), r);
  }
  return outcome_of(s, parser, input, r);
}

// Parses a head that must be valid. The Request's views point into the input, so the input is
// kept alive (for the rest of the test run) in a deque, whose elements never move.
Request parse_ok(std::string input) {
  static std::deque<std::string> inputs;
  const std::string& kept = inputs.emplace_back(std::move(input));
  RequestParser parser;
  Request r;
  EXPECT_EQ(parser.parse(kept, r), ParseStatus::Complete) << kept;
  return r;
}

int parse_error(const std::string& input) {
  RequestParser parser;
  Request r;
  EXPECT_EQ(parser.parse(input, r), ParseStatus::Error) << input;
  return parser.error_status();
}

// ---------------------------------------------------------------------------------------------
// The table: every request fed whole, split everywhere and byte by byte.

struct Case {
  const char* name;
  std::string input;
  ParseStatus status;
  int error;  // when status == Error
};

const std::string kHost = "Host: example.com\r\n";

// The bytes first..last (inclusive), in order.
std::string byte_range(int first, int last) {
  std::string bytes;
  for (int c = first; c <= last; ++c) bytes += static_cast<char>(c);
  return bytes;
}

// "00".."ff": a byte as two hex digits, for test names.
std::string hex_name(int c) {
  constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[c >> 4], kDigits[c & 15]};
}

// One case per control byte (RFC 9110 §5.5: 0x00-0x1F and 0x7F, but HTAB is allowed) inside a
// field value: every one is a 400. CR and LF are in the table as well (CrInValue, LfInValue);
// here they sit between two value bytes like the others. The names live as long as the cases.
std::vector<Case> control_byte_in_value_cases() {
  static std::deque<std::string> names;
  std::vector<Case> out;
  for (int c = 0; c <= 0x7F; ++c) {
    if ((c >= 0x20 && c != 0x7F) || c == '\t') continue;
    const std::string& name = names.emplace_back("ControlByte" + hex_name(c) + "InValue");
    std::string input = "GET / HTTP/1.1\r\n" + kHost + "X-A: a";
    input += static_cast<char>(c);
    input += "b\r\n\r\n";
    out.push_back({name.c_str(), input, ParseStatus::Error, 400});
  }
  return out;
}

std::vector<Case> cases() {
  using S = ParseStatus;
  using namespace std::string_literals;
  std::vector<Case> table = {
      // Valid heads.
      {"MinimalGet", "GET / HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"Http10NoHost", "GET /index.html HTTP/1.0\r\n\r\n", S::Complete, 0},
      {"HeadWithQuery", "HEAD /a/b?x=1&y=2 HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"LeadingEmptyLines", "\r\n\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"FourLeadingEmptyLines", "\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n", S::Complete,
       0},
      {"AbsoluteForm", "GET http://example.com:8080/a/b?q=1 HTTP/1.1\r\n" + kHost + "\r\n",
       S::Complete, 0},
      {"AbsoluteFormHttpsNoPath", "GET HTTPS://example.com HTTP/1.1\r\n" + kHost + "\r\n",
       S::Complete, 0},
      {"AbsoluteFormQueryNoPath", "GET http://example.com?x HTTP/1.1\r\n" + kHost + "\r\n",
       S::Complete, 0},
      {"OptionsAsterisk", "OPTIONS * HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"UnknownMethod", "BREW /pot HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"LowercaseMethodIsUnknown", "get / HTTP/1.1\r\n" + kHost + "\r\n", S::Complete, 0},
      {"ManyHeaders",
       "GET /x HTTP/1.1\r\nHost: h\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n"
       "If-None-Match: \"abc\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
       "Range: bytes=0-99\r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n",
       S::Complete, 0},
      {"BodyAndPipelinedBytesIgnored",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n",
       S::Complete, 0},
      {"Chunked", "POST /echo HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n",
       S::Complete, 0},
      {"ChunkedCaseAndSpaces",
       "POST /echo HTTP/1.1\r\n" + kHost + "Transfer-Encoding:  ChUnKeD \r\n\r\n", S::Complete, 0},
      {"ContentLengthRepeatedSame",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
       S::Complete, 0},
      {"ContentLengthListSame",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5 , 5,5\r\n\r\n", S::Complete, 0},
      {"ConnectionClose", "GET / HTTP/1.1\r\n" + kHost + "Connection: close\r\n\r\n", S::Complete,
       0},
      {"Http10KeepAlive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", S::Complete, 0},
      {"CloseWins", "GET / HTTP/1.0\r\nConnection: keep-alive, CLOSE\r\n\r\n", S::Complete, 0},
      {"Expect100",
       "POST /echo HTTP/1.1\r\n" + kHost + "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\n",
       S::Complete, 0},
      {"ExpectOther", "GET / HTTP/1.1\r\n" + kHost + "Expect: magic\r\n\r\n", S::Complete, 0},
      {"TabInsideValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\tb\t\tc\r\n\r\n", S::Complete, 0},
      {"ObsTextInValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: caf\xc3\xa9 \x80\xff\r\n\r\n",
       S::Complete, 0},
      {"EveryObsTextByteInValue",
       "GET / HTTP/1.1\r\n" + kHost + "X-A: " + byte_range(0x80, 0xFF) + "\r\n\r\n", S::Complete,
       0},
      {"EveryVisibleAsciiByteInValue",
       "GET / HTTP/1.1\r\n" + kHost + "X-A: \t" + byte_range(0x20, 0x7E) + "\r\n\r\n", S::Complete,
       0},

      // Request line errors.
      {"BareLfAfterRequestLine", "GET / HTTP/1.1\n" + kHost + "\r\n", S::Error, 400},
      {"BareLfAfterField", "GET / HTTP/1.1\r\nHost: a\n\r\n", S::Error, 400},
      {"BareLfEmptyLine", "GET / HTTP/1.1\r\n" + kHost + "\n", S::Error, 400},
      {"BareLfLeading", "\nGET / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"FiveLeadingEmptyLines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n", S::Error,
       400},
      {"LoneCrBeforeRequestLine", "\rGET / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"CrEndsRequestLineEarly", "GET / HTTP/1.1\rX" + kHost + "\r\n", S::Error, 400},
      {"CrInsideRequestLine", "GET /\r HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"LeadingSpace", " GET / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"DoubleSpace", "GET  / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TrailingSpace", "GET / HTTP/1.1 \r\n" + kHost + "\r\n", S::Error, 400},
      {"TabSeparator", "GET\t/ HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"NoVersion", "GET /\r\n" + kHost + "\r\n", S::Error, 400},
      {"BadMethodChar", "G(T / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"Http20", "GET / HTTP/2.0\r\n" + kHost + "\r\n", S::Error, 505},
      {"Http12", "GET / HTTP/1.2\r\n" + kHost + "\r\n", S::Error, 505},
      {"Http09", "GET / HTTP/0.9\r\n\r\n", S::Error, 505},
      {"VersionLowercase", "GET / http/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"VersionNoDot", "GET / HTTP/11\r\n" + kHost + "\r\n", S::Error, 400},
      {"VersionLong", "GET / HTTP/1.10\r\n" + kHost + "\r\n", S::Error, 400},
      {"VersionLetters", "GET / HTTP/x.y\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetRelative", "GET index.html HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetControlChar", "GET /a\x01z HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetDel", "GET /a\x7fz HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetHighByte", "GET /caf\xc3\xa9 HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetNul", "GET /a\0z HTTP/1.1\r\n"s + kHost + "\r\n", S::Error, 400},
      {"TargetTab", "GET /a\tz HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetEscape", "GET /a\x1bz HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"MethodControlChar", "G\x01T / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"MethodNul", "G\0T / HTTP/1.1\r\n"s + kHost + "\r\n", S::Error, 400},
      {"MethodDel", "GET\x7f / HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"VersionControlChar", "GET / HTTP/1.\x01\r\n" + kHost + "\r\n", S::Error, 400},
      {"VersionTrailingNul", "GET / HTTP/1.1\0\r\n"s + kHost + "\r\n", S::Error, 400},
      {"VersionTrailingDel", "GET / HTTP/1.1\x7f\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetOtherScheme", "GET ftp://example.com/ HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetEmptyAuthority", "GET http:///x HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"TargetSchemeOnly", "GET http:// HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},
      {"AsteriskNotOptions", "GET * HTTP/1.1\r\n" + kHost + "\r\n", S::Error, 400},

      // Field line errors.
      {"NoHost11", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", S::Error, 400},
      {"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", S::Error, 400},
      {"ObsFold", "GET / HTTP/1.1\r\n" + kHost + "X-A: 1\r\n  2\r\n\r\n", S::Error, 400},
      {"ObsFoldTab", "GET / HTTP/1.1\r\n" + kHost + "X-A: 1\r\n\t2\r\n\r\n", S::Error, 400},
      {"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", S::Error, 400},
      {"TabBeforeColon", "GET / HTTP/1.1\r\n" + kHost + "X-A\t: 1\r\n\r\n", S::Error, 400},
      {"EmptyName", "GET / HTTP/1.1\r\n" + kHost + ": v\r\n\r\n", S::Error, 400},
      {"NoColon", "GET / HTTP/1.1\r\n" + kHost + "Garbage\r\n\r\n", S::Error, 400},
      {"BadNameChar", "GET / HTTP/1.1\r\n" + kHost + "X(A): 1\r\n\r\n", S::Error, 400},
      {"NulInValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\0b\r\n\r\n"s, S::Error, 400},
      {"CrInValueBeforeAField", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\rbX-B: c\r\n\r\n", S::Error,
       400},
      {"CrInValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\rb\r\n\r\n", S::Error, 400},
      {"LfInValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\nb\r\n\r\n", S::Error, 400},
      {"CrAtValueEnd", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\r\r\n\r\n", S::Error, 400},
      {"ControlCharInName", "GET / HTTP/1.1\r\n" + kHost + "X-\x01Z: 1\r\n\r\n", S::Error, 400},
      {"DelInName", "GET / HTTP/1.1\r\n" + kHost + "X-A\x7f: 1\r\n\r\n", S::Error, 400},
      // Control bytes at the edges of a value, where OWS trimming must not hide them, and in a
      // header the parser acts on.
      {"ControlCharLeadsValue", "GET / HTTP/1.1\r\n" + kHost + "X-A:\x01z\r\n\r\n", S::Error, 400},
      {"ControlCharInLeadingOws", "GET / HTTP/1.1\r\n" + kHost + "X-A: \x0b a\r\n\r\n", S::Error,
       400},
      {"ControlCharEndsValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\x7f\r\n\r\n", S::Error, 400},
      {"ControlCharOnlyValue", "GET / HTTP/1.1\r\n" + kHost + "X-A:\x1f\r\n\r\n", S::Error, 400},
      {"ControlCharInHost", "GET / HTTP/1.1\r\nHost: exa\x07mple.com\r\n\r\n", S::Error, 400},
      {"NulInLastValue", "GET / HTTP/1.1\r\nHost: h\0\r\n\r\n"s, S::Error, 400},
      {"ContentLengthDiffer",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
       S::Error, 400},
      {"ContentLengthListDiffer",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5, 6\r\n\r\n", S::Error, 400},
      {"ContentLengthEmptyElement",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 5,,5\r\n\r\n", S::Error, 400},
      {"ContentLengthEmpty", "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length:\r\n\r\n",
       S::Error, 400},
      {"ContentLengthPlus", "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: +5\r\n\r\n",
       S::Error, 400},
      {"ContentLengthNegative", "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: -1\r\n\r\n",
       S::Error, 400},
      {"ContentLengthHex", "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 0x5\r\n\r\n",
       S::Error, 400},
      {"ContentLengthInnerSpace", "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 1 2\r\n\r\n",
       S::Error, 400},
      {"ContentLengthOverflow",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 18446744073709551616\r\n\r\n", S::Error,
       400},
      {"ContentLengthTooLarge",
       "POST /echo HTTP/1.1\r\n" + kHost + "Content-Length: 1048577\r\n\r\n", S::Error, 413},
      {"ContentLengthAndChunked",
       "POST /echo HTTP/1.1\r\n" + kHost +
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       S::Error, 400},
      {"ChunkedThenContentLength",
       "POST /echo HTTP/1.1\r\n" + kHost +
           "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
       S::Error, 400},
      {"TransferEncodingGzip",
       "POST /echo HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip\r\n\r\n", S::Error, 400},
      {"TransferEncodingGzipChunked",
       "POST /echo HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip, chunked\r\n\r\n", S::Error,
       400},
      {"TransferEncodingTwice",
       "POST /echo HTTP/1.1\r\n" + kHost +
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       S::Error, 400},
      {"TransferEncodingHttp10", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
       S::Error, 400},

      // Heads that have not ended yet.
      {"NoFinalEmptyLine", "GET / HTTP/1.1\r\n" + kHost, S::Incomplete, 0},
      {"HalfFinalEmptyLine", "GET / HTTP/1.1\r\n" + kHost + "\r", S::Incomplete, 0},
      {"OnlyEmptyLines", "\r\n\r\n", S::Incomplete, 0},
  };
  for (Case& c : control_byte_in_value_cases()) table.push_back(std::move(c));
  return table;
}

class ParserTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParserTableTest, Whole) {
  const Case& c = GetParam();
  const Outcome o = parse_whole(c.input);
  EXPECT_EQ(o.status, c.status);
  EXPECT_EQ(o.error, c.error);
}

TEST_P(ParserTableTest, SplitAtEveryPoint) {
  const Case& c = GetParam();
  const Outcome whole = parse_whole(c.input);
  for (std::size_t cut = 0; cut <= c.input.size(); ++cut) {
    EXPECT_EQ(parse_split(c.input, cut), whole) << "cut at " << cut;
  }
}

TEST_P(ParserTableTest, ByteByByte) {
  const Case& c = GetParam();
  EXPECT_EQ(parse_bytewise(c.input), parse_whole(c.input));
}

INSTANTIATE_TEST_SUITE_P(ParserRequests, ParserTableTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------------------------
// What a Complete parse extracts.

TEST(ParserFields, MinimalGet) {
  const std::string in = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n";
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse(in, r), ParseStatus::Complete);
  EXPECT_EQ(parser.head_length(), in.size());
  EXPECT_EQ(r.method, Method::Get);
  EXPECT_EQ(r.method_name, "GET");
  EXPECT_EQ(r.target, "/a/b.html?x=1");
  EXPECT_EQ(r.path, "/a/b.html");
  EXPECT_EQ(r.version, Version::Http11);
  EXPECT_EQ(r.host, "example.com");
  ASSERT_EQ(r.header_count, 1u);
  EXPECT_EQ(r.headers[0].name, "Host");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.connection_keep_alive);
  EXPECT_EQ(r.framing, BodyFraming::None);
  // Zero-copy: the views point into the input.
  EXPECT_EQ(r.target.data(), in.data() + 4);
  EXPECT_EQ(r.host.data(), in.data() + in.find("example.com"));
}

TEST(ParserFields, AllMethods) {
  const std::pair<const char*, Method> methods[] = {
      {"GET", Method::Get},         {"HEAD", Method::Head},     {"POST", Method::Post},
      {"PUT", Method::Put},         {"DELETE", Method::Delete}, {"CONNECT", Method::Connect},
      {"OPTIONS", Method::Options}, {"TRACE", Method::Trace},   {"PATCH", Method::Patch},
      {"BREW", Method::Unknown},    {"get", Method::Unknown},   {"GETS", Method::Unknown},
      {"X-Y!#$", Method::Unknown},
  };
  for (const auto& [name, method] : methods) {
    const Request r = parse_ok(std::string(name) + " / HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(r.method, method) << name;
    EXPECT_EQ(r.method_name, name);
  }
}

TEST(ParserFields, AbsoluteFormPath) {
  const std::pair<std::string, std::string> targets[] = {
      {"http://example.com/a/b?q=1", "/a/b"},
      {"http://example.com:8080/x", "/x"},
      {"HtTp://example.com/", "/"},
      {"https://example.com", "/"},
      {"http://example.com?q", "/"},
      {"http://user@example.com/p%20q", "/p%20q"},  // the parser does not percent-decode
  };
  for (const auto& [target, path] : targets) {
    const Request r = parse_ok("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(r.target, target);
    EXPECT_EQ(r.path, path) << target;
  }
}

TEST(ParserFields, OptionsAsterisk) {
  const Request r = parse_ok("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(r.method, Method::Options);
  EXPECT_EQ(r.path, "*");
}

TEST(ParserFields, NamedHeadersCaseInsensitiveLastWins) {
  const Request r = parse_ok(
      "GET / HTTP/1.1\r\nhOST: h\r\nif-none-match: \"a\"\r\nIF-NONE-MATCH: \"b\"\r\n"
      "If-Modified-Since:   Sun, 06 Nov 1994 08:49:37 GMT  \r\nRANGE: bytes=1-2\r\n"
      "X-Custom: \t yes\t\r\n\r\n");
  EXPECT_EQ(r.host, "h");
  EXPECT_EQ(r.if_none_match, "\"b\"");
  EXPECT_EQ(r.if_modified_since, "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(r.range, "bytes=1-2");
  EXPECT_EQ(r.find_header("x-custom"), "yes");
  EXPECT_EQ(r.find_header("If-None-Match"), "\"a\"");  // find_header returns the first
  EXPECT_TRUE(r.find_header("Missing").empty());
  EXPECT_EQ(r.header_count, 6u);
}

// HTAB and obs-text (0x80-0xFF) are field-value bytes (RFC 9110 §5.5): kept exactly, not
// decoded, with only the OWS at either end trimmed.
TEST(ParserFields, TabAndObsTextKeptInValue) {
  const Request r =
      parse_ok("GET / HTTP/1.1\r\nHost: h\r\nX-A: \tcaf\xc3\xa9\tna\xefve \x80\xff\t\r\n\r\n");
  ASSERT_EQ(r.header_count, 2u);
  EXPECT_EQ(r.headers[1].value, "caf\xc3\xa9\tna\xefve \x80\xff");
}

// The value scan looks at eight bytes at a time and at the last few one by one, and goes on
// after an HTAB: a control byte must be found at every offset of a value, after an HTAB in the
// same eight bytes or not, in a value followed by more fields or by the end of the head.
TEST(ParserFields, ControlByteAtEveryOffsetOfAValue) {
  const std::string value(24, 'v');
  for (int c = 0; c <= 0x7F; ++c) {
    if ((c >= 0x20 && c != 0x7F) || c == '\t') continue;
    for (std::size_t at = 0; at <= value.size(); ++at) {
      for (const char* before : {"", "\t", "\x80\t"}) {
        std::string bad = value;
        bad.insert(at, 1, static_cast<char>(c));
        bad.insert(at, before);
        const std::string in = "GET / HTTP/1.1\r\nHost: h\r\nX-A: " + bad + "\r\n";
        EXPECT_EQ(parse_error(in + "X-B: b\r\n\r\n"), 400) << "byte " << c << " at " << at;
        EXPECT_EQ(parse_error(in + "\r\n"), 400) << "byte " << c << " at " << at;
      }
    }
  }
}

TEST(ParserFields, TabAndObsTextAtEveryOffsetOfAValue) {
  const std::string value(24, 'v');
  for (const char* good : {"\t", "\x80", "\xff", "\t\t", "\x7e\t\xa0"}) {
    for (std::size_t at = 0; at <= value.size(); ++at) {
      std::string kept = value;
      kept.insert(at, good);
      const std::string in = "GET / HTTP/1.1\r\nHost: h\r\nX-A: " + kept + "\r\n";
      for (const std::string& head : {in + "X-B: b\r\n\r\n", in + "\r\n"}) {
        RequestParser parser;
        Request r;
        ASSERT_EQ(parser.parse(head, r), ParseStatus::Complete) << "at " << at;
        ASSERT_GE(r.header_count, 2u);
        // Trimming takes an HTAB at either end, as OWS.
        std::string_view expected = kept;
        while (!expected.empty() && expected.front() == '\t') expected.remove_prefix(1);
        while (!expected.empty() && expected.back() == '\t') expected.remove_suffix(1);
        EXPECT_EQ(r.headers[1].value, expected) << "at " << at;
      }
    }
  }
}

TEST(ParserFields, EmptyValue) {
  const Request r = parse_ok("GET / HTTP/1.1\r\nHost: h\r\nX-Empty:   \r\n\r\n");
  ASSERT_EQ(r.header_count, 2u);
  EXPECT_EQ(r.headers[1].name, "X-Empty");
  EXPECT_TRUE(r.headers[1].value.empty());
}

TEST(ParserFields, KeepAliveSemantics) {
  struct {
    const char* version;
    const char* connection;  // nullptr: no Connection header
    bool keep_alive;
    bool connection_keep_alive;
  } rows[] = {
      {"HTTP/1.1", nullptr, true, false},
      {"HTTP/1.1", "close", false, false},
      {"HTTP/1.1", "Close", false, false},
      {"HTTP/1.1", "keep-alive", true, true},
      {"HTTP/1.1", "Upgrade, close", false, false},
      {"HTTP/1.0", nullptr, false, false},
      {"HTTP/1.0", "keep-alive", true, true},
      {"HTTP/1.0", "KEEP-ALIVE", true, true},
      {"HTTP/1.0", " foo ,keep-alive , bar", true, true},
      {"HTTP/1.0", "keep-alive, close", false, true},  // close wins
      {"HTTP/1.0", "keep-alive-ish", false, false},
  };
  for (const auto& row : rows) {
    std::string in = std::string("GET / ") + row.version + "\r\nHost: h\r\n";
    if (row.connection != nullptr) in += std::string("Connection: ") + row.connection + "\r\n";
    const Request r = parse_ok(in + "\r\n");
    EXPECT_EQ(r.keep_alive, row.keep_alive) << in;
    EXPECT_EQ(r.connection_keep_alive, row.connection_keep_alive) << in;
  }
}

TEST(ParserFields, ConnectionHeadersCombine) {
  const Request r =
      parse_ok("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(r.connection_keep_alive);
}

TEST(ParserFields, Framing) {
  Request r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0042\r\n\r\n");
  EXPECT_EQ(r.framing, BodyFraming::ContentLength);
  EXPECT_EQ(r.content_length, 42u);

  r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.framing, BodyFraming::ContentLength);
  EXPECT_EQ(r.content_length, 0u);

  r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(r.framing, BodyFraming::Chunked);

  r = parse_ok(
      "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\ncontent-length: 7\r\n\r\n");
  EXPECT_EQ(r.framing, BodyFraming::ContentLength);
  EXPECT_EQ(r.content_length, 7u);
}

TEST(ParserFields, Expect) {
  Request r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_TRUE(r.expect_continue);
  EXPECT_FALSE(r.expect_unsupported);
  r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-CONTINUE\r\n\r\n");
  EXPECT_TRUE(r.expect_continue);
  r = parse_ok("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n");
  EXPECT_FALSE(r.expect_continue);
  EXPECT_TRUE(r.expect_unsupported);
  r = parse_ok("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_FALSE(r.expect_continue);
  EXPECT_FALSE(r.expect_unsupported);
}

TEST(ParserFields, Http10) {
  const Request r = parse_ok("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.version, Version::Http10);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(r.host.empty());
}

TEST(ParserFields, LeadingEmptyLinesCountInHeadLength) {
  const std::string in = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse(in, r), ParseStatus::Complete);
  EXPECT_EQ(parser.head_length(), in.size());
  EXPECT_EQ(r.method_name.data(), in.data() + 4);
}

// A Request reused for the next request must not keep the previous one's fields.
TEST(ParserFields, RequestReuseClearsFields) {
  const std::string first =
      "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nRange: bytes=1-2\r\nIf-None-Match: x\r\n"
      "If-Modified-Since: y\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
  const std::string second = "GET / HTTP/1.1\r\nHost: h\r\nExpect: nope\r\n\r\n";
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse(first, r), ParseStatus::Complete);
  parser.reset();
  ASSERT_EQ(parser.parse(second, r), ParseStatus::Complete);
  EXPECT_EQ(r.header_count, 2u);
  EXPECT_TRUE(r.range.empty());
  EXPECT_TRUE(r.if_none_match.empty());
  EXPECT_TRUE(r.if_modified_since.empty());
  EXPECT_FALSE(r.connection_keep_alive);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.expect_continue);
  EXPECT_TRUE(r.expect_unsupported);
  EXPECT_EQ(r.framing, BodyFraming::None);
  EXPECT_EQ(r.content_length, 0u);
}

TEST(ParserState, ErrorIsSticky) {
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse("GET / HTTP/2.0\r\n\r\n", r), ParseStatus::Error);
  EXPECT_EQ(parser.error_status(), 505);
  EXPECT_EQ(parser.parse("GET / HTTP/2.0\r\n\r\nmore", r), ParseStatus::Error);
  EXPECT_EQ(parser.error_status(), 505);
  parser.reset();
  EXPECT_EQ(parser.error_status(), 0);
  EXPECT_EQ(parser.parse("GET / HTTP/1.0\r\n\r\n", r), ParseStatus::Complete);
}

// After an Error the parser answers Error until reset(), whatever it is given: the connection
// is closing, and nothing after the bad bytes may be read as a request.
TEST(ParserState, ErrorIsFinalUntilReset) {
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse("GET / HTTP/1.1\n", r), ParseStatus::Error);
  EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", r), ParseStatus::Error);
  EXPECT_EQ(parser.error_status(), 400);
}

TEST(ParserState, CompleteIsRepeatable) {
  const std::string in = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\n";
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse(in, r), ParseStatus::Complete);
  const std::string first = describe(in, r);
  ASSERT_EQ(parser.parse(in, r), ParseStatus::Complete);
  EXPECT_EQ(describe(in, r), first);
  EXPECT_EQ(r.path, "/a");
}

// ---------------------------------------------------------------------------------------------
// Limits, at the bound and one past it, whole and incrementally.

// A request line of exactly `length` bytes (CRLF included) whose target makes up the length.
std::string request_line_with_target(std::size_t length) {
  const std::string fixed = "GET / HTTP/1.1\r\n";
  return "GET /" + std::string(length - fixed.size(), 'a') + " HTTP/1.1\r\n";
}

TEST(ParserLimits, RequestLineAtLimitAccepted) {
  const std::string line = request_line_with_target(kMaxRequestLine);
  ASSERT_EQ(line.size(), kMaxRequestLine);
  const std::string in = line + "Host: h\r\n\r\n";
  EXPECT_EQ(parse_whole(in).status, ParseStatus::Complete);
  EXPECT_EQ(parse_bytewise(in).status, ParseStatus::Complete);
}

TEST(ParserLimits, LongTargetIs414) {
  // Whether the version has arrived within the limit or not, a long target is a 414.
  for (std::size_t extra = 1; extra <= 12; ++extra) {
    const std::string in = request_line_with_target(kMaxRequestLine + extra) + "Host: h\r\n\r\n";
    EXPECT_EQ(parse_error(in), 414) << extra;
    EXPECT_EQ(parse_bytewise(in), parse_whole(in)) << extra;
  }
  // The version is not judged once the line is too long anyway.
  EXPECT_EQ(parse_error("GET /" + std::string(kMaxRequestLine, 'a') + " HTTP/2.0\r\n\r\n"), 414);
}

TEST(ParserLimits, LongRequestLineOtherwiseIs400) {
  // The target ends (a space follows it) within the limit: the version part is what is long.
  std::string in = "GET / HTTP/1.1" + std::string(kMaxRequestLine, 'x') + "\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parse_error(in), 400);
  // A method longer than the limit.
  in = std::string(kMaxRequestLine + 1, 'M') + " / HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parse_error(in), 400);
  // A long target followed by something that is not a version.
  in = "GET /" + std::string(kMaxRequestLine - 10, 'a') + " XTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parse_error(in), 400);
  // A long target followed by a version and more than its CR.
  in = "GET /" + std::string(kMaxRequestLine - 20, 'a') + " HTTP/1.1\rjunk, more junk\r\n\r\n";
  EXPECT_EQ(parse_error(in), 400);
  // A long target with a control byte in it is junk, not a long URI.
  in = "GET /\x01" + std::string(kMaxRequestLine, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parse_error(in), 400);
}

TEST(ParserLimits, LongTargetDetectedWhileIncomplete) {
  const std::string in = "GET /" + std::string(9 * 1024, 'a');  // no end in sight
  EXPECT_EQ(parse_error(in), 414);
  // The limit is judged as soon as it can be: kMaxRequestLine bytes without an LF can no
  // longer make a request line of kMaxRequestLine bytes including its CRLF.
  RequestParser parser;
  Request r;
  EXPECT_EQ(parser.parse(std::string_view(in).substr(0, kMaxRequestLine - 1), r),
            ParseStatus::Incomplete);
  EXPECT_EQ(parser.parse(std::string_view(in).substr(0, kMaxRequestLine), r), ParseStatus::Error);
  EXPECT_EQ(parser.error_status(), 414);
}

TEST(ParserLimits, LongMethodDetectedWhileIncomplete) {
  EXPECT_EQ(parse_error(std::string(kMaxRequestLine, 'G')), 400);
}

TEST(ParserLimits, LeadingEmptyLinesCountTowardRequestLine) {
  const std::string empties = "\r\n\r\n\r\n\r\n";
  std::string in =
      empties + request_line_with_target(kMaxRequestLine - empties.size()) + "Host: h\r\n\r\n";
  EXPECT_EQ(parse_whole(in).status, ParseStatus::Complete);
  in = empties + request_line_with_target(kMaxRequestLine - empties.size() + 1) + "Host: h\r\n\r\n";
  EXPECT_EQ(parse_error(in), 414);
}

// A header section (field lines with their CRLFs) of exactly `bytes` bytes.
std::string header_section(std::size_t bytes) {
  std::string s = "Host: h\r\n";
  const std::string filler_start = "X-Fill: ";
  s += filler_start + std::string(bytes - s.size() - filler_start.size() - 2, 'v') + "\r\n";
  return s;
}

TEST(ParserLimits, HeaderBytesAtLimitAccepted) {
  const std::string fields = header_section(kMaxHeaderBytes);
  ASSERT_EQ(fields.size(), kMaxHeaderBytes);
  const std::string in = "GET / HTTP/1.1\r\n" + fields + "\r\n";
  EXPECT_EQ(parse_whole(in).status, ParseStatus::Complete);
  EXPECT_EQ(parse_bytewise(in).status, ParseStatus::Complete);
}

TEST(ParserLimits, HeaderBytesOverLimitIs431) {
  const std::string head = "GET / HTTP/1.1\r\n" + header_section(kMaxHeaderBytes + 1);
  const std::string in = head + "\r\n";
  EXPECT_EQ(parse_error(in), 431);
  EXPECT_EQ(parse_bytewise(in), parse_whole(in));
  // Known as soon as the field line that breaks the limit has ended.
  EXPECT_EQ(parse_error(head), 431);
}

TEST(ParserLimits, HeaderBytesDetectedWhileIncomplete) {
  const std::string line = "GET / HTTP/1.1\r\n";
  const std::string in = line + "X-Big: " + std::string(10 * 1024, 'v');  // no end in sight
  EXPECT_EQ(parse_error(in), 431);
  // kMaxHeaderBytes + 1 bytes could still be the full section plus the final CR; one more
  // byte without an LF cannot.
  RequestParser parser;
  Request r;
  EXPECT_EQ(parser.parse(std::string_view(in).substr(0, line.size() + kMaxHeaderBytes + 1), r),
            ParseStatus::Incomplete);
  EXPECT_EQ(parser.parse(std::string_view(in).substr(0, line.size() + kMaxHeaderBytes + 2), r),
            ParseStatus::Error);
  EXPECT_EQ(parser.error_status(), 431);
}

std::string request_with_fields(std::size_t count) {
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (std::size_t i = 1; i < count; ++i) in += "X-F" + std::to_string(i) + ": v\r\n";
  return in + "\r\n";
}

TEST(ParserLimits, HundredFieldsAccepted) {
  const std::string in = request_with_fields(kMaxHeaderFields);
  RequestParser parser;
  Request r;
  ASSERT_EQ(parser.parse(in, r), ParseStatus::Complete);
  EXPECT_EQ(r.header_count, kMaxHeaderFields);
  EXPECT_EQ(r.headers[kMaxHeaderFields - 1].name, "X-F99");
}

TEST(ParserLimits, HundredAndOneFieldsIs431) {
  const std::string in = request_with_fields(kMaxHeaderFields + 1);
  EXPECT_EQ(parse_error(in), 431);
  EXPECT_EQ(parse_bytewise(in), parse_whole(in));
}

TEST(ParserLimits, ContentLengthAtLimit) {
  const std::string base = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: ";
  const Request r = parse_ok(base + std::to_string(kMaxBodyBytes) + "\r\n\r\n");
  EXPECT_EQ(r.content_length, kMaxBodyBytes);
  EXPECT_EQ(parse_error(base + std::to_string(kMaxBodyBytes + 1) + "\r\n\r\n"), 413);
  EXPECT_EQ(parse_error(base + "18446744073709551615\r\n\r\n"), 413);  // UINT64_MAX: too big
  EXPECT_EQ(parse_error(base + "18446744073709551616\r\n\r\n"), 400);  // overflows: bad
}

// ---------------------------------------------------------------------------------------------
// Pipelining: requests parsed out of one buffer with head_length() and reset().

TEST(ParserPipeline, ThreeGetsInOneBuffer) {
  const std::string buffer =
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "HEAD /two HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"
      "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  const char* paths[] = {"/one", "/two", "/three"};
  RequestParser parser;
  Request r;
  std::string_view rest = buffer;
  for (const char* path : paths) {
    ASSERT_EQ(parser.parse(rest, r), ParseStatus::Complete) << path;
    EXPECT_EQ(r.path, path);
    rest.remove_prefix(parser.head_length());
    parser.reset();
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_FALSE(r.keep_alive);  // the last one said close
}

TEST(ParserPipeline, ChunkedPostThenGet) {
  const std::string buffer =
      "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestParser parser;
  Request r;
  std::string_view rest = buffer;
  ASSERT_EQ(parser.parse(rest, r), ParseStatus::Complete);
  ASSERT_EQ(r.framing, BodyFraming::Chunked);
  rest.remove_prefix(parser.head_length());

  BodyDecoder body;
  body.start(r.framing, r.content_length);
  std::string payload;
  const BodyDecoder::Result result = body.feed(rest, &payload);
  EXPECT_TRUE(result.done);
  EXPECT_EQ(result.error_status, 0);
  EXPECT_EQ(payload, "hello world");
  rest.remove_prefix(result.consumed);

  parser.reset();
  ASSERT_EQ(parser.parse(rest, r), ParseStatus::Complete);
  EXPECT_EQ(r.method, Method::Get);
  EXPECT_EQ(r.path, "/next");
  EXPECT_EQ(parser.head_length(), rest.size());
}

TEST(ParserPipeline, ContentLengthPostThenGet) {
  const std::string buffer =
      "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\nGET /x HTTP/1.1"
      "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestParser parser;
  Request r;
  std::string_view rest = buffer;
  ASSERT_EQ(parser.parse(rest, r), ParseStatus::Complete);
  rest.remove_prefix(parser.head_length());
  BodyDecoder body;
  body.start(r.framing, r.content_length);
  const BodyDecoder::Result result = body.feed(rest, nullptr);  // skipped, not collected
  EXPECT_TRUE(result.done);
  EXPECT_EQ(result.consumed, 12u);
  rest.remove_prefix(result.consumed);
  parser.reset();
  ASSERT_EQ(parser.parse(rest, r), ParseStatus::Complete);
  EXPECT_EQ(r.path, "/next");
}

// ---------------------------------------------------------------------------------------------
// BodyDecoder

struct Decoded {
  bool done = false;
  int error = 0;
  std::size_t consumed = 0;  // total over all feeds
  std::string payload;

  bool operator==(const Decoded&) const = default;
};

void PrintTo(const Decoded& d, std::ostream* os) {
  *os << "{done=" << d.done << " error=" << d.error << " consumed=" << d.consumed
      << " payload=" << d.payload.size() << " bytes}";
}

// Feeds `input` as a connection would: the receive buffer holds what arrived (up to `arrived`)
// minus what earlier feeds consumed. `steps` lists how many bytes have arrived at each feed.
Decoded decode(BodyFraming framing, std::uint64_t length, std::string_view input,
               const std::vector<std::size_t>& steps) {
  BodyDecoder decoder;
  decoder.start(framing, length);
  Decoded d;
  for (std::size_t arrived : steps) {
    const BodyDecoder::Result r =
        decoder.feed(input.substr(d.consumed, arrived - d.consumed), &d.payload);
    d.consumed += r.consumed;
    d.done = r.done;
    d.error = r.error_status;
    EXPECT_EQ(r.done, decoder.done());
    if (r.done || r.error_status != 0) break;
  }
  return d;
}

Decoded decode_whole(BodyFraming framing, std::uint64_t length, std::string_view input) {
  return decode(framing, length, input, {input.size()});
}

Decoded decode_chunked(std::string_view input) {
  return decode_whole(BodyFraming::Chunked, 0, input);
}

TEST(BodyDecoderFixed, ConsumesExactlyTheLength) {
  const Decoded d = decode_whole(BodyFraming::ContentLength, 5, "helloGET /");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.consumed, 5u);
  EXPECT_EQ(d.payload, "hello");
}

TEST(BodyDecoderFixed, AcrossFeeds) {
  const std::string in = "0123456789";
  const Decoded d = decode(BodyFraming::ContentLength, 10, in, {0, 3, 3, 7, 10});
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.consumed, 10u);
  EXPECT_EQ(d.payload, in);

  BodyDecoder decoder;
  decoder.start(BodyFraming::ContentLength, 10);
  BodyDecoder::Result r = decoder.feed("0123", nullptr);
  EXPECT_EQ(r.consumed, 4u);
  EXPECT_FALSE(r.done);
  EXPECT_FALSE(decoder.done());
  r = decoder.feed("456789abc", nullptr);  // no sink: skipped
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_TRUE(r.done);
}

TEST(BodyDecoderFixed, NothingToRead) {
  BodyDecoder decoder;
  decoder.start(BodyFraming::ContentLength, 0);
  EXPECT_TRUE(decoder.done());
  decoder.start(BodyFraming::None, 0);
  EXPECT_TRUE(decoder.done());
  const BodyDecoder::Result r = decoder.feed("GET / HTTP/1.1\r\n", nullptr);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.consumed, 0u);
}

TEST(BodyDecoderFixed, OverLimitIs413) {
  BodyDecoder decoder;
  decoder.start(BodyFraming::ContentLength, kMaxBodyBytes + 1);
  std::string sink;
  const BodyDecoder::Result r = decoder.feed("abc", &sink);
  EXPECT_EQ(r.error_status, 413);
  EXPECT_TRUE(sink.empty());
}

TEST(BodyDecoderFixed, AtLimit) {
  const std::string in(kMaxBodyBytes, 'b');
  const Decoded d = decode_whole(BodyFraming::ContentLength, kMaxBodyBytes, in);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.payload.size(), kMaxBodyBytes);
}

TEST(BodyDecoderChunked, Basic) {
  const std::string body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  const Decoded d = decode_chunked(body + "GET / HTTP/1.1\r\n");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.consumed, body.size());
  EXPECT_EQ(d.payload, "hello world");
}

TEST(BodyDecoderChunked, ExtensionsTrailersAndHex) {
  const std::string body =
      "A;ext=1;other=\"q;x\"\r\n0123456789\r\n"
      "b ; bws\r\nabcdefghijk\r\n"
      "0000000000000001\r\n!\r\n"
      "0;last\r\nX-Checksum: abc\r\nExpires: never\r\n\r\n";
  const Decoded d = decode_chunked(body + "NEXT");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.consumed, body.size());
  EXPECT_EQ(d.payload, "0123456789abcdefghijk!");
}

TEST(BodyDecoderChunked, EmptyBody) {
  const Decoded d = decode_chunked("0\r\n\r\n");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.consumed, 5u);
  EXPECT_TRUE(d.payload.empty());
}

TEST(BodyDecoderChunked, PartialLinesAreNotConsumed) {
  BodyDecoder decoder;
  decoder.start(BodyFraming::Chunked, 0);
  std::string sink;
  BodyDecoder::Result r = decoder.feed("5\r", &sink);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_FALSE(r.done);
  r = decoder.feed("5\r\nhel", &sink);
  EXPECT_EQ(r.consumed, 6u);  // the size line and three data bytes
  EXPECT_EQ(sink, "hel");
  r = decoder.feed("lo\r", &sink);
  EXPECT_EQ(r.consumed, 2u);  // the CR alone waits for its LF
  r = decoder.feed("\r\n0\r\nX: y", &sink);
  EXPECT_EQ(r.consumed, 5u);  // the trailer line is partial
  r = decoder.feed("X: y\r\n\r", &sink);
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_FALSE(r.done);
  r = decoder.feed("\r\n", &sink);
  EXPECT_EQ(r.consumed, 2u);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(sink, "hello");
}

const std::string kChunkedSample =
    "3;a=b\r\nabc\r\n10\r\n0123456789ABCDEF\r\n1\r\nz\r\n0\r\nT: 1\r\nU: 2\r\n\r\n";

TEST(BodyDecoderChunked, SplitAtEveryPoint) {
  const std::string in = kChunkedSample + "GET";
  const Decoded whole = decode_chunked(in);
  ASSERT_TRUE(whole.done);
  EXPECT_EQ(whole.payload, "abc0123456789ABCDEFz");
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    EXPECT_EQ(decode(BodyFraming::Chunked, 0, in, {cut, in.size()}), whole) << "cut at " << cut;
  }
}

TEST(BodyDecoderChunked, ByteByByte) {
  const std::string in = kChunkedSample + "GET";
  std::vector<std::size_t> steps;
  for (std::size_t n = 0; n <= in.size(); ++n) steps.push_back(n);
  EXPECT_EQ(decode(BodyFraming::Chunked, 0, in, steps), decode_chunked(in));
}

TEST(BodyDecoderChunked, BadSyntaxIs400) {
  const char* bodies[] = {
      "\r\n",                                     // empty size
      "g\r\nx\r\n0\r\n\r\n",                      // not hex
      "-1\r\n",                                   // sign
      " 5\r\nhello\r\n0\r\n\r\n",                 // leading space
      "5 \r\nhello\r\n0\r\n\r\n",                 // trailing space without an extension
      "5x\r\nhello\r\n0\r\n\r\n",                 // junk after the size
      "5;a\rb\r\nhello\r\n0\r\n\r\n",             // CR inside an extension
      "00000000000000005\r\nhello\r\n0\r\n\r\n",  // 17 hex digits
      "FFFFFFFFFFFFFFFFF\r\n",                    // overflow
      "5\nhello\r\n0\r\n\r\n",                    // bare LF after the size
      "5\r\nhelloX\r\n0\r\n\r\n",                 // data longer than its size
      "5\r\nhello\n0\r\n\r\n",                    // LF without CR after the data
      "5\r\nhello\rX0\r\n\r\n",                   // CR without LF after the data
      "0\r\n\n",                                  // bare LF ending the trailer section
      "0\r\nX: y\n\r\n",                          // bare LF after a trailer field
      "0\r\nno colon\r\n\r\n",                    // malformed trailer field
      "0\r\n folded: x\r\n\r\n",                  // obs-fold in trailers
      "0\r\nX: a\rbY: c\r\n\r\n",                 // CR inside a trailer value
      "0\r\nX: a\x01z\r\n\r\n",                   // control byte inside a trailer value
      "0\r\nX: a\x7f\r\n\r\n",                    // DEL ending a trailer value
      "0\r\nX\x1b: a\r\n\r\n",                    // control byte in a trailer name
      "5;a\x01z\r\nhello\r\n0\r\n\r\n",           // control byte inside an extension
      "5;a=\"\x7f\"\r\nhello\r\n0\r\n\r\n",       // DEL inside a quoted extension value
  };
  for (const char* body : bodies) {
    const Decoded d = decode_chunked(body);
    EXPECT_EQ(d.error, 400) << body;
    EXPECT_FALSE(d.done) << body;
    // Fed byte by byte the same error comes out.
    std::vector<std::size_t> steps;
    for (std::size_t n = 0; n <= std::string_view(body).size(); ++n) steps.push_back(n);
    EXPECT_EQ(decode(BodyFraming::Chunked, 0, body, steps).error, 400) << body;
  }
}

TEST(BodyDecoderChunked, NulInTrailerIs400) {
  using namespace std::string_literals;
  EXPECT_EQ(decode_chunked("0\r\nX: a\0b\r\n\r\n"s).error, 400);
}

TEST(BodyDecoderChunked, TabAndObsTextAccepted) {
  const std::string body = "5;a=\"\tcaf\xc3\xa9\"\r\nhello\r\n0\r\nX: a\tb \x80\xff\r\n\r\n";
  const Decoded d = decode_chunked(body);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.consumed, body.size());
  EXPECT_EQ(d.payload, "hello");
}

TEST(BodyDecoderChunked, SixteenHexDigitsAccepted) {
  const Decoded d = decode_chunked("0000000000000005\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.payload, "hello");
}

TEST(BodyDecoderChunked, OversizedChunkIs413BeforeItsData) {
  const Decoded d = decode_chunked("100001\r\n");  // kMaxBodyBytes + 1, no data yet
  EXPECT_EQ(d.error, 413);
  EXPECT_EQ(decode_chunked("FFFFFFFFFFFFFFFF\r\n").error, 413);
}

TEST(BodyDecoderChunked, TotalOverLimitIs413) {
  const std::string half(kMaxBodyBytes / 2, 'h');
  const std::string at_limit = "80000\r\n" + half + "\r\n80000\r\n" + half + "\r\n0\r\n\r\n";
  const Decoded ok = decode_chunked(at_limit);
  EXPECT_TRUE(ok.done);
  EXPECT_EQ(ok.payload.size(), kMaxBodyBytes);
  const Decoded over = decode_chunked("80000\r\n" + half + "\r\n80000\r\n" + half + "\r\n1\r\n");
  EXPECT_EQ(over.error, 413);
}

TEST(BodyDecoderChunked, SizeLineLimit) {
  // Exactly 4096 bytes with its CRLF is accepted.
  std::string line = "1;" + std::string(4096 - 4, 'e') + "\r\n";
  ASSERT_EQ(line.size(), 4096u);
  EXPECT_TRUE(decode_chunked(line + "x\r\n0\r\n\r\n").done);
  // One more byte is refused, and so is a long line that has not ended yet.
  line = "1;" + std::string(4096 - 3, 'e') + "\r\n";
  EXPECT_EQ(decode_chunked(line + "x\r\n0\r\n\r\n").error, 400);
  EXPECT_EQ(decode_chunked("1;" + std::string(5000, 'e')).error, 400);
  EXPECT_EQ(decode_chunked("1;" + std::string(4093, 'e')).error, 0);  // could still end
}

TEST(BodyDecoderChunked, TrailerSectionLimit) {
  // Trailer fields of exactly kMaxHeaderBytes are read; one byte more is refused.
  const std::string start = "0\r\n";
  const std::string field = "T: ";
  std::string trailers = field + std::string(kMaxHeaderBytes - field.size() - 2, 't') + "\r\n";
  ASSERT_EQ(trailers.size(), kMaxHeaderBytes);
  EXPECT_TRUE(decode_chunked(start + trailers + "\r\n").done);
  trailers = field + std::string(kMaxHeaderBytes - field.size() - 1, 't') + "\r\n";
  EXPECT_EQ(decode_chunked(start + trailers + "\r\n").error, 400);
  EXPECT_EQ(decode_chunked(start + field + std::string(kMaxHeaderBytes, 't')).error, 400);
  // The limit is on the section, not on each line.
  const std::string half =
      field + std::string(kMaxHeaderBytes / 2 - field.size() - 2, 't') + "\r\n";
  EXPECT_TRUE(decode_chunked(start + half + half + "\r\n").done);
  EXPECT_EQ(decode_chunked(start + half + half + "X: y\r\n\r\n").error, 400);
}

TEST(BodyDecoderChunked, NullSinkSkips) {
  BodyDecoder decoder;
  decoder.start(BodyFraming::Chunked, 0);
  const BodyDecoder::Result r = decoder.feed(kChunkedSample, nullptr);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.consumed, kChunkedSample.size());
}

// ---------------------------------------------------------------------------------------------
// ASCII case folding

TEST(AsciiCase, TableLowersOnlyAsciiLetters) {
  for (int c = 0; c < 256; ++c) {
    const int expected = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
    EXPECT_EQ(kAsciiLower[c], expected) << c;
  }
}

TEST(AsciiCase, Iequals) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("HOST", "host"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("host", "hosts"));
  EXPECT_FALSE(iequals("host", "post"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
  // '@' and '`' are 0x20 apart like 'A'/'a' but are not letters.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
  // Bytes >= 0x80 are compared as they are (no Latin-1 folding).
  EXPECT_FALSE(iequals("\xc0", "\xe0"));
  EXPECT_TRUE(iequals("\xc0", "\xc0"));
}

}  // namespace
}  // namespace tenk::http

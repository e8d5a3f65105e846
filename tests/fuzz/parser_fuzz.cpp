// libFuzzer target for the request parser and the body decoder.
//
// Besides "does not crash" (AddressSanitizer and UBSan watch every access), it checks the
// property the server depends on: the answer does not depend on how TCP cut the bytes. Each
// input is parsed whole, split at a point derived from the data, and one byte at a time, and
// all three must agree. The body after a complete head is decoded whole and byte by byte, too.
// A disagreement aborts, which libFuzzer reports as a crash with the input saved.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/parser.hpp"

namespace {

using tenk::http::BodyDecoder;
using tenk::http::ParseStatus;
using tenk::http::Request;
using tenk::http::RequestParser;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "parser_fuzz: %s\n", what);
    std::abort();
  }
}

struct HeadResult {
  ParseStatus status = ParseStatus::Incomplete;
  int error = 0;
  std::size_t head_length = 0;
  Request request;
};

void finish(HeadResult& r, const RequestParser& parser) {
  if (r.status == ParseStatus::Error) r.error = parser.error_status();
  if (r.status == ParseStatus::Complete) r.head_length = parser.head_length();
}

// Feeds input[0, cut) and then all of it (if the first answer was Incomplete).
void parse_split(std::string_view input, std::size_t cut, HeadResult& r) {
  RequestParser parser;
  r.status = parser.parse(input.substr(0, cut), r.request);
  if (r.status == ParseStatus::Incomplete) r.status = parser.parse(input, r.request);
  finish(r, parser);
}

void parse_bytewise(std::string_view input, HeadResult& r) {
  RequestParser parser;
  for (std::size_t n = 1; n <= input.size() && r.status == ParseStatus::Incomplete; ++n) {
    r.status = parser.parse(input.substr(0, n), r.request);
  }
  finish(r, parser);
}

bool inside(std::string_view v, std::string_view buffer) {
  return v.empty() ||
         (v.data() >= buffer.data() && v.data() + v.size() <= buffer.data() + buffer.size());
}

// Two parses of the same buffer must produce the same views (same bytes at the same place).
void check_same(const HeadResult& a, const HeadResult& b) {
  check(a.status == b.status, "status differs between whole and split feeding");
  check(a.error == b.error, "error status differs between whole and split feeding");
  check(a.head_length == b.head_length, "head_length differs between whole and split feeding");
  if (a.status != ParseStatus::Complete) return;
  const Request& x = a.request;
  const Request& y = b.request;
  auto same = [](std::string_view p, std::string_view q) {
    return p.size() == q.size() && (p.empty() || p.data() == q.data());
  };
  // The path of an absolute-form target without a path is a static "/", compared by value.
  check(x.method == y.method && same(x.method_name, y.method_name) && same(x.target, y.target) &&
            x.path == y.path && x.version == y.version,
        "request line fields differ");
  check(x.header_count == y.header_count, "header_count differs");
  for (std::size_t i = 0; i < x.header_count; ++i) {
    check(
        same(x.headers[i].name, y.headers[i].name) && same(x.headers[i].value, y.headers[i].value),
        "a header differs");
  }
  check(same(x.host, y.host) && same(x.if_none_match, y.if_none_match) &&
            same(x.if_modified_since, y.if_modified_since) && same(x.range, y.range),
        "picked-out headers differ");
  check(x.keep_alive == y.keep_alive && x.connection_keep_alive == y.connection_keep_alive &&
            x.expect_continue == y.expect_continue &&
            x.expect_unsupported == y.expect_unsupported && x.framing == y.framing &&
            x.content_length == y.content_length,
        "flags or framing differ");
}

void check_invariants(const HeadResult& r, std::string_view input) {
  if (r.status == ParseStatus::Error) {
    check(r.error == 400 || r.error == 413 || r.error == 414 || r.error == 431 || r.error == 505,
          "unexpected error status");
  }
  if (r.status != ParseStatus::Complete) return;
  check(r.head_length <= input.size(), "head_length past the input");
  const std::string_view head = input.substr(0, r.head_length);
  check(head.size() >= 4 && head.substr(head.size() - 4) == "\r\n\r\n",
        "a head must end with CRLF CRLF");
  const Request& q = r.request;
  check(inside(q.method_name, head) && inside(q.target, head) && inside(q.host, head),
        "a view points outside the head");
  check(q.header_count <= tenk::http::kMaxHeaderFields, "too many headers");
  for (std::size_t i = 0; i < q.header_count; ++i) {
    check(inside(q.headers[i].name, head) && inside(q.headers[i].value, head),
          "a header view points outside the head");
  }
  check(q.content_length <= tenk::http::kMaxBodyBytes, "Content-Length over the limit accepted");
}

struct BodyResult {
  bool done = false;
  int error = 0;
  std::size_t consumed = 0;
  std::string payload;
};

// Decodes `input` as it arrives `step` bytes at a time, dropping what each feed consumed.
BodyResult decode(const Request& r, std::string_view input, std::size_t step) {
  BodyDecoder decoder;
  decoder.start(r.framing, r.content_length);
  BodyResult b;
  for (std::size_t arrived = 0;; arrived = std::min(input.size(), arrived + step)) {
    const BodyDecoder::Result res =
        decoder.feed(input.substr(b.consumed, arrived - b.consumed), &b.payload);
    check(res.consumed <= arrived - b.consumed, "decoder consumed more than it was given");
    b.consumed += res.consumed;
    b.done = res.done;
    b.error = res.error_status;
    if (b.done || b.error != 0 || arrived == input.size()) break;
  }
  check(b.error == 0 || b.error == 400 || b.error == 413, "unexpected decoder error status");
  check(b.payload.size() <= tenk::http::kMaxBodyBytes, "decoded body over the limit");
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  HeadResult whole;
  {
    RequestParser parser;
    whole.status = parser.parse(input, whole.request);
    finish(whole, parser);
  }
  check_invariants(whole, input);

  // The split point comes from the last byte, so the fuzzer can steer it.
  const std::size_t cut = size == 0 ? 0 : data[size - 1] * (size + 1) / 256;
  HeadResult split;
  parse_split(input, cut, split);
  check_same(whole, split);

  HeadResult bytewise;
  parse_bytewise(input, bytewise);
  check_same(whole, bytewise);

  if (whole.status == ParseStatus::Complete) {
    const std::string_view rest = input.substr(whole.head_length);
    const BodyResult at_once = decode(whole.request, rest, rest.size() + 1);
    const BodyResult trickled = decode(whole.request, rest, 1);
    check(at_once.done == trickled.done && at_once.error == trickled.error &&
              at_once.consumed == trickled.consumed && at_once.payload == trickled.payload,
          "body decoding differs between whole and byte-by-byte feeding");
  }
  return 0;
}

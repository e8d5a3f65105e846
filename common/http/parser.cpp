// The HTTP/1.1 request parser and body decoder (see parser.hpp for the contract).
//
// How a head is parsed, in two passes over bytes that are already in memory:
//
//  1. parse() looks for line ends with memchr, resuming at scanned_ on every call. At each LF it
//     checks the cheap, framing-level rules that must hold even before the head is complete:
//     the LF follows a CR, the request line fits in kMaxRequestLine, the header section fits in
//     kMaxHeaderBytes. Those limits are also checked against a line that has not ended yet, so a
//     client cannot make us wait for (and buffer) more than the limit allows.
//  2. When the empty line that ends the head arrives, parse_head() walks the complete head once
//     and fills the Request: syntax of every line, then the semantics of the few headers the
//     server acts on.
//
// Both passes depend only on the bytes, never on how they were split across calls, so feeding
// a request whole or one byte at a time gives the same answer (the unit tests and the fuzzer
// check exactly that).
#include "http/parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include "http/chars.hpp"

namespace tenk::http {

// clang-format off
const unsigned char kAsciiLower[256] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
// clang-format on

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (kAsciiLower[static_cast<unsigned char>(a[i])] !=
        kAsciiLower[static_cast<unsigned char>(b[i])]) {
      return false;
    }
  }
  return true;
}

namespace {

// RFC 9112 §2.2 asks servers to ignore "at least one" empty line before a request line (old clients
// sent a stray CRLF after a POST body). A few are tolerated; a stream of them is not a client.
constexpr std::size_t kMaxLeadingEmptyLines = 4;

// A chunk-size line (size, extensions, CRLF) longer than this is refused. Extensions carry
// nothing we use, and without a bound a peer could make us scan forever for the CRLF.
constexpr std::size_t kMaxChunkLine = 4096;

// tchar (RFC 9110 §5.6.2): the bytes allowed in a method and a header name.
constexpr std::array<bool, 256> kTokenChar = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// Bytes allowed in a field value (RFC 9110 §5.5): field-vchar (VCHAR, obs-text 0x80-0xFF), SP
// and HTAB. Every other control byte (0x00-0x08, 0x0A-0x1F, 0x7F) is refused, as §5.5 permits:
// a NUL, a stray CR or LF, an ESC or a DEL in a value means something different to every
// program that handles it after us. CR is not in the table, so the scan for the end of a value
// stops at the CR that ends the line.
constexpr std::array<bool, 256> kFieldValueChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x100; ++c) table[c] = c != 0x7F;
  table['\t'] = true;
  return table;
}();

// The end of the field value that starts at `p`: the first byte in [p, end) that may not be in
// a value (for a well-formed line, the CR of its CRLF), or `end`. This one scan both finds the
// line end and checks every value byte, so it takes memchr's place and must keep its pace: a
// byte-at-a-time table loop made the browser-request micro benchmark 38% slower. So eight
// bytes at a time (SWAR): `hits` flags the bytes below 0x20 or equal to 0x7F. The flags above
// the lowest one may be false (a borrow from it), but the lowest is exact and it is the only one
// used; bytes >= 0x80 (obs-text) are never flagged. An HTAB is the one flagged byte a value may
// hold: the scan goes on after it. The last few bytes go through the table, which stays the
// definition of a value byte.
const char* field_value_end(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHigh = kOnes * 0x80;
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t del = word ^ (kOnes * 0x7F);
      const std::uint64_t hits = (((word - kOnes * 0x20) & ~word) | ((del - kOnes) & ~del)) & kHigh;
      if (hits == 0) {
        p += 8;
        continue;
      }
      p += std::countr_zero(hits) / 8;  // little-endian: the first byte is the lowest
      if (*p != '\t') return p;
      ++p;
    }
  }
  while (p != end && kFieldValueChar[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!kTokenChar[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// Bytes allowed in a request-target: visible ASCII. No controls, spaces or bytes >= 0x7F, so a
// target can never smuggle a line end or be read differently by a server behind us.
bool is_target_char(char c) {
  return c > 0x20 && c < 0x7F;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Splits a comma-separated list (RFC 9110 §5.6.1) one element at a time, trimming OWS.
// Returns false when the list is exhausted, which is marked by a null view: an empty list (or
// an empty element after the last comma) is still one empty element, which the callers refuse
// (Content-Length) or ignore (Connection).
bool next_element(std::string_view& list, std::string_view& element) {
  if (list.data() == nullptr) return false;
  const std::size_t comma = list.find(',');
  element = trim_ows(list.substr(0, comma));
  list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  return true;
}

// Parses the field line at the start of `rest` (RFC 9112 §5): token ":" OWS value OWS CRLF.
// Returns the line's length with its CRLF, or 0 when it is malformed. The caller has made sure
// that `rest` holds the whole line and that every LF in it follows a CR. One scan finds the end
// of the value and checks its bytes together: the first byte that may not be in a value must be
// the CR of the line's CRLF; a control byte, or a stray CR, before it is an error.
std::size_t parse_field(std::string_view rest, Header& field) {
  const char* begin = rest.data();
  const char* end = begin + rest.size();
  const auto* colon = static_cast<const char*>(std::memchr(begin, ':', rest.size()));
  if (colon == nullptr) return 0;
  // The name must be a token. That refuses an empty name, whitespace before the colon, a line
  // starting with SP/HTAB (obs-fold), and a colon that is only on a later line (the CRLF in
  // between is not a token byte).
  field.name = std::string_view(begin, static_cast<std::size_t>(colon - begin));
  if (!is_token(field.name)) return 0;
  const char* value = colon + 1;
  const char* cr = field_value_end(value, end);
  if (end - cr < 2 || cr[0] != '\r' || cr[1] != '\n') return 0;
  field.value = trim_ows(std::string_view(value, static_cast<std::size_t>(cr - value)));
  return static_cast<std::size_t>(cr + 2 - begin);
}

Method method_from_token(std::string_view m) {
  // Methods are case-sensitive (RFC 9110 §9.1): "get" is an unknown method, not GET.
  switch (m.size()) {
    case 3:
      if (m == "GET") return Method::Get;
      if (m == "PUT") return Method::Put;
      break;
    case 4:
      if (m == "HEAD") return Method::Head;
      if (m == "POST") return Method::Post;
      break;
    case 5:
      if (m == "TRACE") return Method::Trace;
      if (m == "PATCH") return Method::Patch;
      break;
    case 6:
      if (m == "DELETE") return Method::Delete;
      break;
    case 7:
      if (m == "OPTIONS") return Method::Options;
      if (m == "CONNECT") return Method::Connect;
      break;
    default:
      break;
  }
  return Method::Unknown;
}

// Parses `method SP request-target SP HTTP-version` (the CRLF already cut off).
// Returns 0 or the error status.
int parse_request_line(std::string_view line, Request& out) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return 400;
  out.method_name = line.substr(0, sp1);
  if (!is_token(out.method_name)) return 400;
  out.method = method_from_token(out.method_name);

  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return 400;
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (out.target.empty()) return 400;  // two spaces in a row
  for (char c : out.target) {
    if (!is_target_char(c)) return 400;
  }

  // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive. Any trailing byte (a third space,
  // a stray CR) makes it malformed.
  const std::string_view version = line.substr(sp2 + 1);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[5] < '0' ||
      version[5] > '9' || version[6] != '.' || version[7] < '0' || version[7] > '9') {
    return 400;
  }
  if (version == "HTTP/1.1") {
    out.version = Version::Http11;
  } else if (version == "HTTP/1.0") {
    out.version = Version::Http10;
  } else {
    return 505;
  }

  // The request-target forms of RFC 9112 §3.2 that a static server meets.
  const std::string_view target = out.target;
  if (target.front() == '/') {  // origin-form
    out.path = target.substr(0, target.find('?'));
    return 0;
  }
  if (target == "*") {  // asterisk-form: only OPTIONS asks about "the server as a whole"
    if (out.method != Method::Options) return 400;
    out.path = target;
    return 0;
  }
  // absolute-form, as a proxy would send it: http(s)://authority[/path][?query].
  std::size_t authority = 0;
  if (target.size() > 7 && iequals(target.substr(0, 7), "http://")) {
    authority = 7;
  } else if (target.size() > 8 && iequals(target.substr(0, 8), "https://")) {
    authority = 8;
  } else {
    return 400;
  }
  const std::size_t path_start = target.find_first_of("/?", authority);
  if (path_start == authority) return 400;  // empty authority, e.g. "http:///x"
  if (path_start == std::string_view::npos || target[path_start] == '?') {
    out.path = "/";  // "http://host" and "http://host?q" both mean the root
  } else {
    out.path = target.substr(path_start, target.find('?', path_start) - path_start);
  }
  return 0;
}

// Content-Length = 1*DIGIT, possibly sent as a list or repeated; RFC 9110 §8.6 lets a recipient
// accept the repeats only when they are all the same number. Returns 0 or 400.
int parse_content_length(std::string_view value, bool& seen, std::uint64_t& length) {
  std::string_view element;
  while (next_element(value, element)) {
    if (element.empty()) return 400;
    std::uint64_t n = 0;
    for (char c : element) {
      if (c < '0' || c > '9') return 400;  // no sign, no spaces inside, no hex
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return 400;
      n = n * 10 + digit;
    }
    if (seen && n != length) return 400;
    seen = true;
    length = n;
  }
  return 0;
}

// Parses a complete head (leading empty lines, request line, field lines, final CRLF), whose
// line ends parse() has already checked. Returns 0 or the error status.
int parse_head(std::string_view head, Request& out) {
  out.header_count = 0;
  out.host = out.if_none_match = out.if_modified_since = out.range = {};
  out.keep_alive = true;
  out.connection_keep_alive = out.expect_continue = out.expect_unsupported = false;
  out.framing = BodyFraming::None;
  out.content_length = 0;

  // Control bytes, NUL included, need no pass of their own: the request line admits none
  // (token method, visible-ASCII target, exact version) and parse_field() refuses them in
  // names (token) and values (kFieldValueChar).
  std::size_t pos = 0;
  while (head.substr(pos, 2) == "\r\n") pos += 2;  // the leading empty lines parse() let through

  // The request line ends at its first CR, which must be followed by LF (parse() has checked
  // that every LF follows a CR, so there is one).
  const std::size_t end = head.find('\r', pos);
  if (head[end + 1] != '\n') return 400;  // a stray CR inside the request line
  if (int status = parse_request_line(head.substr(pos, end - pos), out); status != 0) {
    return status;
  }
  pos = end + 2;

  bool host_seen = false;
  bool close = false;
  bool length_seen = false;
  bool chunked = false;
  const std::size_t fields_end = head.size() - 2;  // the final empty line
  while (pos < fields_end) {
    if (out.header_count == kMaxHeaderFields) return 431;
    Header& field = out.headers[out.header_count];
    const std::size_t length = parse_field(head.substr(pos), field);
    if (length == 0) return 400;
    ++out.header_count;
    pos += length;

    // Dispatch on the length first: most headers are compared against at most one name.
    const std::string_view name = field.name;
    const std::string_view value = field.value;
    switch (name.size()) {
      case 4:
        if (iequals(name, "host")) {
          if (host_seen) return 400;  // which one would we believe?
          host_seen = true;
          out.host = value;
        }
        break;
      case 5:
        if (iequals(name, "range")) out.range = value;
        break;
      case 6:
        if (iequals(name, "expect")) {
          if (iequals(value, "100-continue")) {
            out.expect_continue = true;
          } else {
            out.expect_unsupported = true;
          }
        }
        break;
      case 10:
        if (iequals(name, "connection")) {
          std::string_view list = value;
          std::string_view option;
          while (next_element(list, option)) {
            if (iequals(option, "close")) close = true;
            if (iequals(option, "keep-alive")) out.connection_keep_alive = true;
          }
        }
        break;
      case 13:
        if (iequals(name, "if-none-match")) out.if_none_match = value;
        break;
      case 14:
        if (iequals(name, "content-length")) {
          if (parse_content_length(value, length_seen, out.content_length) != 0) return 400;
        }
        break;
      case 17:
        if (iequals(name, "if-modified-since")) {
          out.if_modified_since = value;
        } else if (iequals(name, "transfer-encoding")) {
          // The only coding we decode is chunked, and it must be the only one: "gzip, chunked"
          // would leave a gzip body we cannot read, and a second Transfer-Encoding line would
          // apply chunked twice. Refusing both is the simplest rule that cannot be smuggled
          // past (RFC 9112 §6.3 allows 400 here).
          if (chunked || !iequals(value, "chunked")) return 400;
          chunked = true;
        }
        break;
      default:
        break;
    }
  }

  if (out.version == Version::Http11 && !host_seen) return 400;
  if (chunked) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing, and with Content-Length
    // two parsers could disagree about where the body ends: request smuggling.
    if (out.version == Version::Http10 || length_seen) return 400;
    out.framing = BodyFraming::Chunked;
  } else if (length_seen) {
    if (out.content_length > kMaxBodyBytes) return 413;
    out.framing = BodyFraming::ContentLength;
  }
  out.keep_alive = !close && (out.version == Version::Http11 || out.connection_keep_alive);
  return 0;
}

// The request line did not end within kMaxRequestLine bytes; `line` is its bytes that fall
// inside the limit. The answer may depend only on those bytes (the rest may not have arrived),
// so that a request fed whole or piecemeal gets the same status. 414 when they are a method, a
// space and target bytes, optionally followed by a space and the start of a normal version
// ("HTTP/1.1" and its CR): then the target is what made the line long. Anything else (a huge
// method, junk after the version, a control byte) is a bad request: 400.
int long_request_line_status(std::string_view line) {
  const std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos || !is_token(line.substr(0, sp))) return 400;
  const std::size_t target_end = line.find(' ', sp + 1);
  const std::string_view target = line.substr(sp + 1, target_end - sp - 1);
  if (target.empty()) return 400;
  for (char c : target) {
    if (!is_target_char(c)) return 400;
  }
  if (target_end == std::string_view::npos) return 414;
  constexpr std::string_view kVersionShape = "HTTP/#.#\r";  // '#' stands for a digit
  const std::string_view tail = line.substr(target_end + 1);
  if (tail.size() > kVersionShape.size()) return 400;
  for (std::size_t i = 0; i < tail.size(); ++i) {
    const bool ok =
        kVersionShape[i] == '#' ? tail[i] >= '0' && tail[i] <= '9' : tail[i] == kVersionShape[i];
    if (!ok) return 400;
  }
  return 414;
}

}  // namespace

std::string_view Request::find_header(std::string_view name) const {
  for (std::size_t i = 0; i < header_count; ++i) {
    if (iequals(headers[i].name, name)) return headers[i].value;
  }
  return {};
}

ParseStatus RequestParser::parse(std::string_view input, Request& out) {
  if (error_status_ != 0) return ParseStatus::Error;
  auto fail = [this](int status) {
    error_status_ = status;
    return ParseStatus::Error;
  };
  if (head_length_ != 0) {  // called again after Complete: the same head gives the same answer
    const int status = parse_head(input.substr(0, head_length_), out);
    return status == 0 ? ParseStatus::Complete : fail(status);
  }

  const char* data = input.data();
  for (;;) {
    // How far the line being scanned may reach before a limit is broken. Leading empty lines
    // count toward the request line; the header section may be followed by the final CRLF.
    const std::size_t window =
        request_line_end_ == 0 ? kMaxRequestLine : request_line_end_ + kMaxHeaderBytes + 2;
    const std::size_t end = std::min(input.size(), window);
    const void* lf = scanned_ < end ? std::memchr(data + scanned_, '\n', end - scanned_) : nullptr;
    if (lf == nullptr) {
      scanned_ = end;
      if (input.size() < window) return ParseStatus::Incomplete;
      // The limit is reached and the line has not ended: no need to see the rest of it.
      if (request_line_end_ != 0) return fail(431);
      return fail(long_request_line_status(input.substr(line_start_, end - line_start_)));
    }
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(lf) - data);
    scanned_ = pos + 1;
    if (pos == line_start_ || data[pos - 1] != '\r') return fail(400);  // bare LF
    const bool empty_line = pos == line_start_ + 1;

    if (request_line_end_ == 0) {
      if (!empty_line) {
        request_line_end_ = pos + 1;
      } else if (line_start_ / 2 == kMaxLeadingEmptyLines) {
        return fail(400);
      }
    } else if (empty_line) {
      head_length_ = pos + 1;
      const int status = parse_head(input.substr(0, head_length_), out);
      return status == 0 ? ParseStatus::Complete : fail(status);
    } else if (pos + 1 - request_line_end_ > kMaxHeaderBytes) {
      return fail(431);
    }
    line_start_ = pos + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// BodyDecoder

namespace {

constexpr std::size_t kLineIncomplete = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kLineTooLong = kLineIncomplete - 1;

// Finds the LF ending the line at the start of `input`, looking only at its first `window`
// bytes and skipping the `scanned` bytes an earlier call already searched. Returns the LF's
// index, kLineIncomplete when more bytes could still end the line within the window, or
// kLineTooLong when the window is full without an LF.
std::size_t find_line_end(std::string_view input, std::size_t window, std::size_t& scanned) {
  const std::size_t end = std::min(input.size(), window);
  const void* lf =
      scanned < end ? std::memchr(input.data() + scanned, '\n', end - scanned) : nullptr;
  if (lf != nullptr) {
    scanned = 0;  // the next line starts from scratch
    return static_cast<std::size_t>(static_cast<const char*>(lf) - input.data());
  }
  scanned = end;
  return input.size() < window ? kLineIncomplete : kLineTooLong;
}

// chunk-size [ chunk-ext ] (RFC 9112 §7.1), the CRLF already cut off. Extensions are skipped,
// but may not hide a control byte (a NUL, a stray CR, ...): their tokens and quoted strings
// admit the same bytes as a field value. Returns false on bad syntax.
bool parse_chunk_size(std::string_view line, std::uint64_t& size) {
  std::size_t i = 0;
  size = 0;
  for (; i < line.size(); ++i) {
    const unsigned char digit = kHexValue[static_cast<unsigned char>(line[i])];
    if (digit == kNotHex) break;
    if (i == 16) return false;  // more than 64 bits, even if they are leading zeros
    size = size << 4 | static_cast<std::uint64_t>(digit);
  }
  if (i == 0) return false;
  if (i == line.size()) return true;
  while (i < line.size() && is_ows(line[i])) ++i;  // BWS before ';'
  if (i == line.size() || line[i] != ';') return false;
  for (; i < line.size(); ++i) {
    if (!kFieldValueChar[static_cast<unsigned char>(line[i])]) return false;
  }
  return true;
}

}  // namespace

void BodyDecoder::start(BodyFraming framing, std::uint64_t content_length) {
  *this = BodyDecoder{};
  switch (framing) {
    case BodyFraming::None:
      state_ = State::Done;
      break;
    case BodyFraming::ContentLength:
      remaining_ = content_length;
      state_ = content_length == 0 ? State::Done : State::Fixed;
      break;
    case BodyFraming::Chunked:
      state_ = State::ChunkSize;
      break;
  }
}

BodyDecoder::Result BodyDecoder::feed(std::string_view input, std::string* sink) {
  Result result;
  std::size_t pos = 0;  // bytes fully processed: the caller may drop them
  auto finish = [&](int error_status) {
    result.consumed = pos;
    result.done = state_ == State::Done;
    result.error_status = error_status;
    return result;
  };

  while (state_ != State::Done) {
    const std::string_view rest = input.substr(pos);
    switch (state_) {
      case State::Fixed:
      case State::ChunkData: {
        // Checked before a byte is taken, so an oversized chunk is refused right after its
        // size line, and a Content-Length nobody checked before start() at the first feed.
        if (remaining_ > kMaxBodyBytes - total_) return finish(413);
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
        if (sink != nullptr) sink->append(rest.data(), take);
        pos += take;
        total_ += take;
        remaining_ -= take;
        if (remaining_ != 0) return finish(0);  // all input used, the body goes on
        state_ = state_ == State::Fixed ? State::Done : State::ChunkDataEnd;
        break;
      }
      case State::ChunkSize: {
        const std::size_t lf = find_line_end(rest, kMaxChunkLine, line_scanned_);
        if (lf == kLineIncomplete) return finish(0);
        if (lf == kLineTooLong || lf == 0 || rest[lf - 1] != '\r') return finish(400);
        std::uint64_t size = 0;
        if (!parse_chunk_size(rest.substr(0, lf - 1), size)) return finish(400);
        pos += lf + 1;
        if (size == 0) {
          state_ = State::Trailer;
          remaining_ = kMaxHeaderBytes;
        } else {
          state_ = State::ChunkData;
          remaining_ = size;
        }
        break;
      }
      case State::ChunkDataEnd:
        // The data must be followed by exactly CRLF; check each byte as soon as it is here.
        if (rest.empty()) return finish(0);
        if (rest[0] != '\r') return finish(400);
        if (rest.size() == 1) return finish(0);
        if (rest[1] != '\n') return finish(400);
        pos += 2;
        state_ = State::ChunkSize;
        break;
      case State::Trailer: {
        // Trailer fields are read and dropped; the section shares the header section's size
        // limit (remaining_ is what is left of it), but an oversized one is answered 400 rather
        // than 431 to keep the decoder's errors simple. Searching only the budget for the LF
        // enforces the limit; the window of at least 2 lets the final empty line through when
        // the budget is spent.
        const std::size_t window = std::max<std::size_t>(remaining_, 2);
        const std::size_t lf = find_line_end(rest, window, line_scanned_);
        if (lf == kLineIncomplete) return finish(0);
        if (lf == kLineTooLong || lf == 0 || rest[lf - 1] != '\r') return finish(400);
        if (lf == 1) {
          state_ = State::Done;
        } else {
          Header field;  // checked like a header field, control bytes included
          if (parse_field(rest.substr(0, lf + 1), field) == 0) return finish(400);
          remaining_ -= lf + 1;
        }
        pos += lf + 1;
        break;
      }
      case State::Done:
        break;
    }
  }
  return finish(0);
}

}  // namespace tenk::http

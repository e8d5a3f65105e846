// The HTTP/1.1 request parser (RFC 9112), incremental and zero-copy.
//
// The parser never copies: every string_view in a Request points into the caller's receive
// buffer (Warp's "splicing"), so the Request is valid only while those bytes stay where they are.
// It is fed the whole unconsumed buffer again each time more bytes arrive and resumes scanning
// where it stopped, so a request that trickles in one byte at a time costs O(length), not
// O(length^2).
//
// Framing is strict because a lenient parser in front of another one is how request smuggling
// happens: CRLF line ends only, no whitespace before a colon, no obs-fold, no control bytes in
// a field value but HTAB, one Content-Length (or several identical ones), never both
// Content-Length and Transfer-Encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tenk::http {

// Limits (DESIGN §4). Each is enforced at its bound: exactly the limit is accepted, one more
// byte is refused with the status next to it.
inline constexpr std::size_t kMaxRequestLine = 8 * 1024;  // incl. CRLF; long target → 414, else 400
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;   // field lines incl. CRLFs → 431
inline constexpr std::size_t kMaxHeaderFields = 100;       // → 431
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;  // declared or decoded body → 413

enum class Method : std::uint8_t {
  Get,
  Head,
  Post,
  Put,
  Delete,
  Connect,
  Options,
  Trace,
  Patch,
  Unknown,  // a syntactically valid token we do not know: the server answers 501
};

enum class Version : std::uint8_t { Http10, Http11 };

enum class BodyFraming : std::uint8_t { None, ContentLength, Chunked };

struct Header {
  std::string_view name;   // as received; compare with iequals()
  std::string_view value;  // leading and trailing spaces/tabs removed
};

struct Request {
  Method method = Method::Unknown;
  std::string_view method_name;  // the token as received, e.g. "GET"
  std::string_view target;       // the request-target exactly as received
  std::string_view path;         // origin-form path of the target (absolute-form: after the
                                 // authority), still percent-encoded, query removed
  Version version = Version::Http11;

  Header headers[kMaxHeaderFields];
  std::size_t header_count = 0;

  // Fields the server needs for every request, picked out while parsing so nobody searches the
  // header list twice. Empty when absent.
  std::string_view host;
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view range;

  bool keep_alive = true;              // from the version and the Connection header
  bool connection_keep_alive = false;  // "Connection: keep-alive" was sent (HTTP/1.0 echo)
  bool expect_continue = false;        // "Expect: 100-continue"
  bool expect_unsupported = false;     // an Expect other than 100-continue (→ 417)
  BodyFraming framing = BodyFraming::None;
  std::uint64_t content_length = 0;  // meaningful when framing == ContentLength

  // Linear search, for the rare header the fields above do not cover.
  std::string_view find_header(std::string_view name) const;
};

enum class ParseStatus : std::uint8_t { Incomplete, Complete, Error };

// Parses one request head (request line + header fields + the empty line).
class RequestParser {
 public:
  // `input` starts at the first byte of this request (leading empty lines before a request line
  // are skipped, as RFC 9112 §2.2 allows) and may hold more bytes after it: pipelined requests
  // or body bytes. Call again with the same prefix plus new bytes after Incomplete.
  ParseStatus parse(std::string_view input, Request& out);

  // After Complete: bytes of `input` that the head occupied (including skipped empty lines).
  std::size_t head_length() const { return head_length_; }

  // After Error: the status to answer with (400, 413, 414, 431 or 505).
  int error_status() const { return error_status_; }

  // Forget everything; call before parsing the next request.
  void reset() { *this = RequestParser{}; }

 private:
  std::size_t scanned_ = 0;           // bytes already searched for the end of the head
  std::size_t line_start_ = 0;        // first byte of the head line being scanned
  std::size_t request_line_end_ = 0;  // just past the request line's CRLF; 0 until it is seen
  std::size_t head_length_ = 0;
  int error_status_ = 0;
};

// Decodes a message body: Content-Length counted, or chunked (extensions ignored, trailers
// read and dropped). Payload bytes go to `sink` when one is given (the /echo endpoint) and are
// otherwise skipped, so that a pipelined request after a body is never misread.
class BodyDecoder {
 public:
  void start(BodyFraming framing, std::uint64_t content_length);

  struct Result {
    std::size_t consumed = 0;  // bytes of input used; the caller drops them from its buffer
    bool done = false;         // the whole body (and the chunked trailer section) was read
    int error_status = 0;      // 400 (bad chunk syntax) or 413 (over kMaxBodyBytes); else 0
  };

  // Feed the bytes received so far that follow the head (or the previous call's consumed bytes).
  Result feed(std::string_view input, std::string* sink);

  bool done() const { return state_ == State::Done; }

 private:
  enum class State : std::uint8_t { Fixed, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Done };
  State state_ = State::Done;
  std::uint64_t remaining_ = 0;   // bytes left in the fixed body or the current chunk; in the
                                  // Trailer state, bytes the trailer section may still use
  std::uint64_t total_ = 0;       // decoded bytes so far, checked against kMaxBodyBytes
  std::size_t line_scanned_ = 0;  // partial chunk-size/trailer line bytes already seen
};

// ASCII case-insensitive comparison through a 256-entry table: no locale, no std::tolower
// (the seeds measured locale-aware lowering as ~5x slower).
bool iequals(std::string_view a, std::string_view b);

// The lower-case table itself, exposed for the micro benchmark and for other parsers.
extern const unsigned char kAsciiLower[256];

}  // namespace tenk::http

// An incremental HTTP/1.x response parser for the load generator.
//
// The load generator must know where each response ends, exactly, because on a keep-alive
// connection the next (possibly pipelined) response starts on the very next byte. It does not need
// the header values themselves, only the few that frame the message: the status code,
// Content-Length, Transfer-Encoding and Connection.
//
// The parser is a state machine, so a response may arrive split at any byte and the parser never
// needs the whole header in one buffer: the caller can recv() into one scratch buffer per thread
// and feed it piece by piece. Bodies are skipped in bulk (they are counted, not stored). Because
// the load generator must not be the bottleneck, a line that lies whole in the buffer (nearly
// always) is parsed in one go, and only split lines go byte by byte; a unit test checks that both
// paths agree wherever the bytes are split. It allocates nothing: one parser per connection serves
// every response.
//
// Known limits (fine for a benchmark client, not for a general client):
// - Only the last Transfer-Encoding value that fits in kMaxValue bytes is inspected; a longer value
//   is a parse error.
// - Header names longer than kMaxName bytes are skipped without being looked at (no framing header
//   is that long).
// - obs-fold (a header line starting with whitespace) is a parse error, as RFC 9112 allows.
// - A response carrying both Content-Length and Transfer-Encoding is a parse error: RFC 9112 lets a
//   client prefer Transfer-Encoding, but from a static-file server it is a bug worth reporting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tenk::loadgen {

class ResponseParser {
 public:
  /// Where the current response stands after Feed().
  enum class State {
    kIncomplete,  ///< more bytes are needed
    kComplete,    ///< the response ended; status() and keep_alive() are valid
    kError,       ///< the bytes are not a valid HTTP/1.x response; error() says why
  };

  /// What the end of the connection meant for the current response (see OnEof()).
  enum class EofOutcome {
    kComplete,    ///< the body ran to the end of the connection, as its headers said it would
    kBeforeBody,  ///< the connection ended in the status line or headers (a reset, for the caller)
    kInBody,      ///< the connection ended before the body was complete (a short body)
  };

  /// Largest status line / header line / chunk-size line accepted, and the whole header section.
  static constexpr std::size_t kMaxLine = 16 * 1024;
  static constexpr std::size_t kMaxHeaderSection = 64 * 1024;
  static constexpr std::size_t kMaxName = 24;
  static constexpr std::size_t kMaxValue = 128;

  ResponseParser() { Reset(false); }

  /// Prepares for the next response. `head_request` is true when the request was HEAD: the
  /// response then has no body whatever its Content-Length says (RFC 9110 §9.3.2).
  void Reset(bool head_request);

  /// Consumes bytes up to the end of the current response and returns how many it used; the rest
  /// belongs to the next response. Once state() is kComplete or kError it consumes nothing until
  /// Reset().
  std::size_t Feed(const char* data, std::size_t len);

  /// Tells the parser the peer closed the connection. A response framed by the end of the
  /// connection (no Content-Length, no chunked coding) becomes kComplete; otherwise it says what
  /// was missing.
  EofOutcome OnEof();

  State state() const;
  /// The status code; valid once the status line is parsed.
  int status() const { return status_; }
  /// True when the connection may carry another request after this response: HTTP/1.1 without
  /// "Connection: close", or HTTP/1.0 with "Connection: keep-alive", and a body that is not
  /// delimited by closing the connection.
  bool keep_alive() const { return keep_alive_; }
  /// A short, static reason for kError (for debugging and tests).
  const char* error() const { return error_; }

 private:
  enum class Phase : std::uint8_t {
    kVersion,       // "HTTP/1.x"
    kStatusSpace,   // the space before the code
    kCode,          // three digits
    kAfterCode,     // a space (then a reason) or the CR
    kReason,        // anything up to CR
    kStatusLf,      // LF ending the status line
    kFieldStart,    // a field name, or CR of the blank line ending the header section
    kFieldName,     // up to ':'
    kFieldValueWs,  // optional whitespace before the value
    kFieldValue,    // up to CR
    kFieldLf,       // LF ending a field line
    kHeadersLf,     // LF ending the header section
    kBodyLength,    // Content-Length body: skip remaining_ bytes
    kBodyUntilEof,  // body delimited by the end of the connection
    kChunkSize,     // hex digits
    kChunkExt,      // ";ext=..." up to CR
    kChunkSizeLf,   // LF after the chunk-size line
    kChunkData,     // skip remaining_ bytes
    kChunkDataCr,   // CR after chunk data
    kChunkDataLf,   // LF after chunk data
    kTrailerStart,  // a trailer field or the CR of the final blank line
    kTrailer,       // a trailer field, up to CR
    kTrailerLf,     // LF after a trailer field
    kTrailerEndLf,  // LF of the final blank line
    kDone,
    kFailed,
  };

  // The header fields that frame a response; the others are skipped.
  enum class Field : std::uint8_t { kOther, kContentLength, kTransferEncoding, kConnection };

  // Starts over at the status line, keeping head_request_ (also used after a 1xx interim response).
  void StartResponse();
  // Parses a status line or header line that lies whole in [p, end) and advances p past it; false
  // (p unchanged) when it is not whole there or not of the simple, valid shape.
  bool ParseWholeLine(const char*& p, const char* end, const char** why);
  // Handles one byte outside bodies and runs of text; returns why it is invalid, or nullptr.
  const char* Step(char c);
  // Counts and steps over the byte at p.
  const char* StepOne(const char*& p);
  // Called on the LF of a CRLF: moves to what follows that line.
  const char* EndLine();
  // Adds n bytes to the current line (and header section) and checks the limits.
  const char* Count(std::size_t n);
  void AppendName(const char* bytes, std::size_t n);
  void AppendValue(const char* bytes, std::size_t n);
  static Field FieldOf(std::string_view lower_name);
  // Acts on one complete header field (name_ / value_); returns why it is invalid, or nullptr.
  const char* ApplyField();
  // Decides how the body is framed once the header section ended.
  void HeadersDone();
  void Fail(const char* why);

  Phase phase_ = Phase::kVersion;
  bool head_request_ = false;
  std::uint8_t pos_ = 0;  // bytes matched in the current fixed-width token (version, code)
  int http_minor_ = 1;
  int status_ = 0;
  std::size_t line_len_ = 0;     // bytes of the current line, to bound it
  std::size_t header_len_ = 0;   // bytes of the status line and header section, to bound them
  std::uint64_t remaining_ = 0;  // body or chunk bytes still to skip
  std::uint64_t content_length_ = 0;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  bool chunked_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool keep_alive_ = false;
  bool chunk_has_digit_ = false;
  Field field_ = Field::kOther;  // the field whose value is being read
  std::uint8_t name_len_ = 0;    // kMaxName + 1 means "too long, not a framing header"
  std::uint8_t value_len_ = 0;   // kMaxValue + 1 means "too long"
  char name_[kMaxName];          // lower-cased
  char value_[kMaxValue];
  const char* error_ = nullptr;
};

}  // namespace tenk::loadgen

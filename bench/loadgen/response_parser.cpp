#include "response_parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace tenk::loadgen {
namespace {

// Byte classes, as a table built at compile time: one load per byte and no locale.
enum : std::uint8_t {
  kTchar = 1,     // RFC 9110 token character: what a header field name is made of
  kTextStop = 2,  // ends a run of text (reason phrase, field value, chunk extension, trailer): the
                  // CR, or a control character other than HTAB, which is invalid there
};
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> table{};
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  for (int c = 0; c < 256; ++c) {
    const bool tchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       kTokenPunctuation.find(static_cast<char>(c)) != std::string_view::npos;
    const bool stop = (c < 0x20 && c != '\t') || c == 0x7f;
    table[c] = static_cast<std::uint8_t>((tchar ? kTchar : 0) | (stop ? kTextStop : 0));
  }
  return table;
}();

bool Is(char c, std::uint8_t byte_class) {
  return (kByteClass[static_cast<unsigned char>(c)] & byte_class) != 0;
}

constexpr char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(token) for each comma-separated, trimmed, non-empty element of a header list value.
template <typename F>
void ForEachToken(std::string_view value, F f) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view token = Trim(value.substr(0, comma));
    if (!token.empty()) f(token);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ToLowerAscii(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void ResponseParser::Reset(bool head_request) {
  head_request_ = head_request;
  StartResponse();
}

void ResponseParser::StartResponse() {
  phase_ = Phase::kVersion;
  pos_ = 0;
  http_minor_ = 1;
  status_ = 0;
  line_len_ = 0;
  header_len_ = 0;
  remaining_ = 0;
  content_length_ = 0;
  has_content_length_ = false;
  has_transfer_encoding_ = false;
  chunked_ = false;
  connection_close_ = false;
  connection_keep_alive_ = false;
  keep_alive_ = false;
  chunk_has_digit_ = false;
  name_len_ = 0;
  value_len_ = 0;
  field_ = Field::kOther;
  error_ = nullptr;
}

ResponseParser::State ResponseParser::state() const {
  if (phase_ == Phase::kDone) return State::kComplete;
  if (phase_ == Phase::kFailed) return State::kError;
  return State::kIncomplete;
}

void ResponseParser::Fail(const char* why) {
  phase_ = Phase::kFailed;
  error_ = why;
}

std::size_t ResponseParser::Feed(const char* data, std::size_t len) {
  const char* p = data;
  const char* const end = data + len;
  while (p < end) {
    const char* why = nullptr;  // set when the bytes make the response invalid
    switch (phase_) {
      case Phase::kDone:
      case Phase::kFailed:
        return static_cast<std::size_t>(p - data);
      // Bodies are skipped in bulk.
      case Phase::kBodyLength:
      case Phase::kChunkData: {
        const auto take = std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p));
        p += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          phase_ = phase_ == Phase::kBodyLength ? Phase::kDone : Phase::kChunkDataCr;
        }
        continue;
      }
      case Phase::kBodyUntilEof:
        return len;
      // The common case, a whole status line or header line in this buffer, is parsed in one go;
      // otherwise (a line split across reads, or one with an error to name) byte by byte.
      case Phase::kVersion:
      case Phase::kFieldStart:
        if (!ParseWholeLine(p, end, &why)) why = StepOne(p);
        break;
      // Runs of text and field names are scanned in tight loops; the byte that ends a run is then
      // handled by Step().
      case Phase::kReason:
      case Phase::kFieldValue:
      case Phase::kChunkExt:
      case Phase::kTrailer: {
        const char* start = p;
        while (p < end && !Is(*p, kTextStop)) ++p;
        if (phase_ == Phase::kFieldValue) AppendValue(start, static_cast<std::size_t>(p - start));
        why = Count(static_cast<std::size_t>(p - start));
        if (why == nullptr && p < end) why = StepOne(p);
        break;
      }
      case Phase::kFieldName: {
        const char* start = p;
        while (p < end && Is(*p, kTchar)) ++p;
        AppendName(start, static_cast<std::size_t>(p - start));
        why = Count(static_cast<std::size_t>(p - start));
        if (why == nullptr && p < end) why = StepOne(p);
        break;
      }
      default:
        why = StepOne(p);
        break;
    }
    if (why != nullptr) {
      Fail(why);
      return static_cast<std::size_t>(p - data);
    }
  }
  return static_cast<std::size_t>(p - data);
}

bool ResponseParser::ParseWholeLine(const char*& p, const char* end, const char** why) {
  if (phase_ == Phase::kVersion && pos_ != 0) return false;  // a status line already begun
  const char* cr = p;
  while (cr < end && !Is(*cr, kTextStop)) ++cr;
  if (end - cr < 2 || cr[0] != '\r' || cr[1] != '\n') return false;
  const std::string_view line(p, static_cast<std::size_t>(cr - p));

  if (phase_ == Phase::kVersion) {
    // "HTTP/1.x NNN reason", the reason optional.
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
        line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
      return false;
    }
    int status = 0;
    for (char c : line.substr(9, 3)) {
      if (c < '0' || c > '9') return false;
      status = status * 10 + (c - '0');
    }
    if (status < 100 || status > 599) return false;
    if ((*why = Count(line.size() + 2)) != nullptr) return true;
    http_minor_ = line[7] - '0';
    status_ = status;
    phase_ = Phase::kFieldStart;
  } else if (line.empty()) {
    if ((*why = Count(2)) != nullptr) return true;
    HeadersDone();  // the blank line that ends the header section
    *why = error_;
  } else {
    // "name: value"; the value's trailing whitespace is trimmed by ApplyField().
    std::size_t colon = 0;
    while (colon < line.size() && Is(line[colon], kTchar)) ++colon;
    if (colon == 0 || colon == line.size() || line[colon] != ':') return false;
    if ((*why = Count(line.size() + 2)) != nullptr) return true;
    name_len_ = 0;
    AppendName(line.data(), colon);
    field_ = FieldOf(std::string_view(name_, name_len_ <= kMaxName ? name_len_ : 0));
    std::size_t value = colon + 1;
    while (value < line.size() && (line[value] == ' ' || line[value] == '\t')) ++value;
    value_len_ = 0;
    AppendValue(line.data() + value, line.size() - value);
    *why = ApplyField();
  }
  line_len_ = 0;
  p = cr + 2;
  return true;
}

const char* ResponseParser::StepOne(const char*& p) {
  const char* why = Count(1);
  return why != nullptr ? why : Step(*p++);
}

const char* ResponseParser::Count(std::size_t n) {
  line_len_ += n;
  if (line_len_ > kMaxLine) return "line too long";
  if (phase_ < Phase::kBodyLength) {
    header_len_ += n;
    if (header_len_ > kMaxHeaderSection) return "header section too long";
  }
  return nullptr;
}

void ResponseParser::AppendName(const char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (name_len_ >= kMaxName) {
      name_len_ = kMaxName + 1;  // too long to be a framing header: its value is ignored
      return;
    }
    name_[name_len_++] = ToLowerAscii(bytes[i]);
  }
}

void ResponseParser::AppendValue(const char* bytes, std::size_t n) {
  if (field_ == Field::kOther) return;  // only the framing headers' values are looked at
  if (value_len_ + n > kMaxValue) {
    value_len_ = kMaxValue + 1;
    return;
  }
  std::memcpy(value_ + value_len_, bytes, n);
  value_len_ = static_cast<std::uint8_t>(value_len_ + n);
}

// One byte of the parts of a response that are not bulk: the fixed tokens of the status line,
// line ends, and the byte that ended a run of text or a field name.
const char* ResponseParser::Step(char c) {
  switch (phase_) {
    case Phase::kVersion: {
      static constexpr char kPrefix[] = "HTTP/1.";
      if (pos_ < sizeof(kPrefix) - 1) {
        if (c != kPrefix[pos_++]) return "bad HTTP version";
      } else {
        if (c != '0' && c != '1') return "bad HTTP version";
        http_minor_ = c - '0';
        phase_ = Phase::kStatusSpace;
      }
      return nullptr;
    }
    case Phase::kStatusSpace:
      if (c != ' ') return "bad status line";
      phase_ = Phase::kCode;
      pos_ = 0;
      return nullptr;
    case Phase::kCode:
      if (c < '0' || c > '9') return "bad status code";
      status_ = status_ * 10 + (c - '0');
      if (++pos_ == 3) {
        if (status_ < 100 || status_ > 599) return "bad status code";
        phase_ = Phase::kAfterCode;
      }
      return nullptr;
    case Phase::kAfterCode:
      if (c == ' ') {
        phase_ = Phase::kReason;
      } else if (c == '\r') {
        phase_ = Phase::kStatusLf;
      } else {
        return "bad status line";
      }
      return nullptr;
    case Phase::kStatusLf:
    case Phase::kFieldLf:
    case Phase::kHeadersLf:
    case Phase::kChunkSizeLf:
    case Phase::kChunkDataLf:
    case Phase::kTrailerLf:
    case Phase::kTrailerEndLf:
      if (c != '\n') return "expected LF after CR";
      return EndLine();
    case Phase::kChunkDataCr:
      if (c != '\r') return "missing CRLF after chunk data";
      phase_ = Phase::kChunkDataLf;
      return nullptr;
    case Phase::kFieldStart:
      if (c == '\r') {
        phase_ = Phase::kHeadersLf;
      } else if (Is(c, kTchar)) {
        name_len_ = 0;
        value_len_ = 0;
        AppendName(&c, 1);
        phase_ = Phase::kFieldName;
      } else {
        return "bad header field name";  // includes obs-fold (a line starting with whitespace)
      }
      return nullptr;
    case Phase::kFieldName:  // the scan in Feed() took every token character: this must be ':'
      if (c != ':') return "bad header field name";
      field_ = FieldOf(std::string_view(name_, name_len_ <= kMaxName ? name_len_ : 0));
      phase_ = Phase::kFieldValueWs;
      return nullptr;
    case Phase::kFieldValueWs:
      if (c == ' ' || c == '\t') return nullptr;
      if (c == '\r') {
        phase_ = Phase::kFieldLf;
        return nullptr;
      }
      if (Is(c, kTextStop)) return "control character in a header field";
      AppendValue(&c, 1);
      phase_ = Phase::kFieldValue;
      return nullptr;
    // The scan in Feed() stopped at a CR or at an invalid control character.
    case Phase::kReason:
    case Phase::kFieldValue:
    case Phase::kChunkExt:
    case Phase::kTrailer:
      if (c != '\r') return "control character in the response";
      phase_ = phase_ == Phase::kReason       ? Phase::kStatusLf
               : phase_ == Phase::kFieldValue ? Phase::kFieldLf
               : phase_ == Phase::kChunkExt   ? Phase::kChunkSizeLf
                                              : Phase::kTrailerLf;
      return nullptr;
    case Phase::kChunkSize: {
      const int digit = HexDigit(c);
      if (digit >= 0) {
        if (remaining_ > (UINT64_MAX >> 4)) return "chunk size too large";
        remaining_ = remaining_ * 16 + static_cast<unsigned>(digit);
        chunk_has_digit_ = true;
      } else if (!chunk_has_digit_) {
        return "bad chunk size";
      } else if (c == ';' || c == ' ' || c == '\t') {
        phase_ = Phase::kChunkExt;
      } else if (c == '\r') {
        phase_ = Phase::kChunkSizeLf;
      } else {
        return "bad chunk size";
      }
      return nullptr;
    }
    case Phase::kTrailerStart:
      phase_ = c == '\r' ? Phase::kTrailerEndLf : Phase::kTrailer;
      return (c == '\r' || !Is(c, kTextStop)) ? nullptr : "control character in a trailer";
    default:  // the bulk phases never get here
      return nullptr;
  }
}

// The LF of a CRLF: where the line leads depends on which line it ended.
const char* ResponseParser::EndLine() {
  line_len_ = 0;
  switch (phase_) {
    case Phase::kStatusLf:
      phase_ = Phase::kFieldStart;
      return nullptr;
    case Phase::kFieldLf:
      phase_ = Phase::kFieldStart;
      return ApplyField();
    case Phase::kHeadersLf:
      HeadersDone();
      return error_;
    case Phase::kChunkSizeLf:
      phase_ = remaining_ == 0 ? Phase::kTrailerStart : Phase::kChunkData;
      return nullptr;
    case Phase::kChunkDataLf:
      remaining_ = 0;
      chunk_has_digit_ = false;
      phase_ = Phase::kChunkSize;
      return nullptr;
    case Phase::kTrailerLf:
      phase_ = Phase::kTrailerStart;
      return nullptr;
    default:  // kTrailerEndLf: the blank line after the trailers ends the response
      phase_ = Phase::kDone;
      return nullptr;
  }
}

ResponseParser::Field ResponseParser::FieldOf(std::string_view lower_name) {
  if (lower_name == "content-length") return Field::kContentLength;
  if (lower_name == "transfer-encoding") return Field::kTransferEncoding;
  if (lower_name == "connection") return Field::kConnection;
  return Field::kOther;
}

const char* ResponseParser::ApplyField() {
  const bool value_fits = value_len_ <= kMaxValue;
  const std::string_view value = Trim(std::string_view(value_, value_fits ? value_len_ : 0));
  switch (field_) {
    case Field::kContentLength: {
      if (!value_fits || value.empty() || value.size() > 19) return "bad Content-Length";
      std::uint64_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return "bad Content-Length";
        n = n * 10 + static_cast<unsigned>(c - '0');
      }
      if (has_content_length_ && n != content_length_) return "conflicting Content-Length";
      has_content_length_ = true;
      content_length_ = n;
      break;
    }
    case Field::kTransferEncoding:
      if (!value_fits) return "Transfer-Encoding too long";
      has_transfer_encoding_ = true;
      // Only the last coding decides the framing: chunked must be the final one.
      ForEachToken(value, [this](std::string_view coding) {
        chunked_ = EqualsIgnoreCase(coding, "chunked");
      });
      break;
    case Field::kConnection:
      ForEachToken(value, [this](std::string_view option) {
        if (EqualsIgnoreCase(option, "close")) connection_close_ = true;
        if (EqualsIgnoreCase(option, "keep-alive")) connection_keep_alive_ = true;
      });
      break;
    case Field::kOther:
      break;
  }
  return nullptr;
}

void ResponseParser::HeadersDone() {
  // An interim response (100 Continue, 103 Early Hints) is followed by the real one.
  if (status_ >= 100 && status_ < 200 && status_ != 101) {
    StartResponse();
    return;
  }
  if (has_content_length_ && has_transfer_encoding_) {
    Fail("both Content-Length and Transfer-Encoding");
    return;
  }
  keep_alive_ =
      http_minor_ >= 1 ? !connection_close_ : (connection_keep_alive_ && !connection_close_);

  // RFC 9112 §6.3: the order in which a response's length is decided.
  if (head_request_ || status_ == 101 || status_ == 204 || status_ == 304) {
    if (status_ == 101) keep_alive_ = false;  // the connection now speaks another protocol
    phase_ = Phase::kDone;
  } else if (has_transfer_encoding_) {
    if (chunked_) {
      remaining_ = 0;
      chunk_has_digit_ = false;
      phase_ = Phase::kChunkSize;
    } else {
      phase_ = Phase::kBodyUntilEof;
      keep_alive_ = false;
    }
  } else if (has_content_length_) {
    remaining_ = content_length_;
    phase_ = remaining_ == 0 ? Phase::kDone : Phase::kBodyLength;
  } else {
    phase_ = Phase::kBodyUntilEof;
    keep_alive_ = false;
  }
}

ResponseParser::EofOutcome ResponseParser::OnEof() {
  if (phase_ == Phase::kBodyUntilEof || phase_ == Phase::kDone) {
    phase_ = Phase::kDone;
    return EofOutcome::kComplete;
  }
  const bool in_body = phase_ >= Phase::kBodyLength && phase_ < Phase::kDone;
  Fail("connection closed mid-response");
  return in_body ? EofOutcome::kInBody : EofOutcome::kBeforeBody;
}

}  // namespace tenk::loadgen

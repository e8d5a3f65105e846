// The file application: what the server answers for a path, whichever step moves the bytes.
//
// Everything here works on fixed-size buffers inside Reply or on strings the caller reserved, so
// serving a file allocates nothing; the one exception is a 301's Location, built in a
// std::string because redirects are rare and not on the benchmark's path.
#include "app/files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>

#include "http/chars.hpp"
#include "http/date.hpp"
#include "http/mime.hpp"

namespace tenk::app {

namespace {

// ---------------------------------------------------------------------------------------------
// Numbers and escapes written by hand: snprintf would parse a format string on every request.

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kUpperHexDigits[] = "0123456789ABCDEF";

// Writes `value` in lower-case hex without leading zeros; returns the end of what it wrote.
char* put_hex(char* out, std::uint64_t value) {
  int shift = 60;
  while (shift > 0 && (value >> shift) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *out++ = kHexDigits[(value >> shift) & 0xF];
  return out;
}

char* put_text(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// ---------------------------------------------------------------------------------------------
// Validators (ETag, Last-Modified) and conditional requests.

// A strong ETag from what changes when the file changes: size and modification time to the
// nanosecond, e.g. "97-3b9aca00-5". Known limit: a file rewritten with the same size within the
// same timestamp tick (coarse on some filesystems) keeps its tag; nginx and lighttpd accept the
// same risk. The inode is left out so that a copy restored elsewhere keeps its tag.
std::string_view write_etag(const struct stat& info, char (&buffer)[48]) {
  char* p = buffer;
  *p++ = '"';
  p = put_hex(p, static_cast<std::uint64_t>(info.st_size));
  *p++ = '-';
  p = put_hex(p, static_cast<std::uint64_t>(info.st_mtim.tv_sec));
  *p++ = '-';
  p = put_hex(p, static_cast<std::uint64_t>(info.st_mtim.tv_nsec));
  *p++ = '"';  // at most 1 + 16 + 1 + 16 + 1 + 8 + 1 = 44 bytes
  return {buffer, static_cast<std::size_t>(p - buffer)};
}

// If-None-Match (RFC 9110 §13.1.2): "*" or a comma-separated list of entity-tags. It uses the
// weak comparison: a "W/" prefix is ignored and the quoted tags compared byte for byte. A list
// that stops making sense stops the search: what was not matched by then does not match.
bool none_match_matches(std::string_view list, std::string_view etag) {
  std::size_t i = 0;
  while (i < list.size()) {
    if (http::is_ows(list[i]) || list[i] == ',') {
      ++i;
      continue;
    }
    if (list[i] == '*') return true;
    if (list.substr(i, 2) == "W/") i += 2;
    if (i >= list.size() || list[i] != '"') return false;
    const std::size_t close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (list.substr(i, close + 1 - i) == etag) return true;
    i = close + 1;
  }
  return false;
}

// RFC 9110 §13.2.2: If-None-Match, when present, decides alone; If-Modified-Since is only looked
// at without it. Dates have one-second resolution, so the file's time is compared in seconds,
// as Last-Modified announced it. An unparsable date is ignored (§13.1.3).
bool is_not_modified(const http::Request& request, std::string_view etag, std::time_t mtime) {
  if (!request.if_none_match.empty()) return none_match_matches(request.if_none_match, etag);
  std::time_t since = 0;
  return !request.if_modified_since.empty() &&
         http::parse_http_date(request.if_modified_since, since) && mtime <= since;
}

// ---------------------------------------------------------------------------------------------
// Byte ranges (RFC 9110 §14).

enum class RangeOutcome : std::uint8_t {
  WholeFile,      // no Range, one we do not serve (several ranges), or an invalid one: 200
  Partial,        // one satisfiable range: 206
  Unsatisfiable,  // 416
};

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive, as in Content-Range
};

// Digits only, at least one. Saturates instead of overflowing: a position past any real file is
// as good as the largest number.
bool parse_position(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    out = out > (kMax - digit) / 10 ? kMax : out * 10 + digit;
  }
  return true;
}

// Range: bytes=a-b | bytes=a- | bytes=-n. A Range we cannot parse is ignored, not refused
// (§14.2), and so are several ranges: DESIGN §4 answers them with the whole file rather than a
// multipart/byteranges body. Known limit: "bytes=0-9," (an empty list element, which the list
// syntax allows) counts as several ranges.
RangeOutcome parse_range(std::string_view value, std::uint64_t size, ByteRange& out) {
  constexpr std::string_view kUnit = "bytes=";
  if (value.size() < kUnit.size() || !http::iequals(value.substr(0, kUnit.size()), kUnit)) {
    return RangeOutcome::WholeFile;
  }
  std::string_view spec = value.substr(kUnit.size());
  while (!spec.empty() && http::is_ows(spec.front())) spec.remove_prefix(1);
  while (!spec.empty() && http::is_ows(spec.back())) spec.remove_suffix(1);
  if (spec.find(',') != std::string_view::npos) return RangeOutcome::WholeFile;
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeOutcome::WholeFile;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  if (first_text.empty()) {  // "-n": the last n bytes, all of them if the file is shorter
    std::uint64_t length = 0;
    if (!parse_position(last_text, length)) return RangeOutcome::WholeFile;
    if (length == 0 || size == 0) return RangeOutcome::Unsatisfiable;
    out.first = size - (length < size ? length : size);
    out.last = size - 1;
    return RangeOutcome::Partial;
  }
  std::uint64_t first = 0;
  std::uint64_t last = std::numeric_limits<std::uint64_t>::max();  // "a-": to the end
  if (!parse_position(first_text, first)) return RangeOutcome::WholeFile;
  if (!last_text.empty() && (!parse_position(last_text, last) || last < first)) {
    return RangeOutcome::WholeFile;
  }
  // Nothing of the file lies at or after `first`; this includes every range of an empty file.
  if (first >= size) return RangeOutcome::Unsatisfiable;
  out.first = first;
  out.last = last < size ? last : size - 1;
  return RangeOutcome::Partial;
}

// If-Range (RFC 9110 §13.1.5) guards a resumed download: the range applies only if the client's
// validator still names this version of the file, otherwise the whole new file is sent. An
// entity-tag must match strongly (a weak one never does); a date must equal Last-Modified.
// Known limit: §13.1.5 wants a date used only when it is a strong validator; we do not track
// whether the file changed twice within that second.
bool if_range_allows(const http::Request& request, std::string_view etag, std::time_t mtime) {
  const std::string_view validator = request.find_header("If-Range");
  if (validator.empty()) return true;
  if (validator.front() == '"') return validator == etag;
  if (validator.starts_with("W/")) return false;
  std::time_t date = 0;
  return http::parse_http_date(validator, date) && date == mtime;
}

// "bytes 0-9/151". Returns an empty view if the text would not fit, which needs a file of
// over 10^18 bytes; the caller then sends the whole file.
std::string_view write_content_range(const ByteRange& range, std::uint64_t size,
                                     char (&buffer)[64]) {
  constexpr std::string_view kPrefix = "bytes ";
  const std::size_t length = kPrefix.size() + http::decimal_digits(range.first) + 1 +
                             http::decimal_digits(range.last) + 1 + http::decimal_digits(size);
  if (length > sizeof buffer) return {};
  char* p = put_text(buffer, kPrefix);
  p = http::put_decimal(p, range.first);
  *p++ = '-';
  p = http::put_decimal(p, range.last);
  *p++ = '/';
  http::put_decimal(p, size);
  return {buffer, length};
}

// "bytes */151": how a 416 tells the client the size it may ask for (at most 6+2+20 bytes).
std::string_view write_unsatisfied_range(std::uint64_t size, char (&buffer)[64]) {
  char* p = put_text(buffer, "bytes */");
  p = http::put_decimal(p, size);
  return {buffer, static_cast<std::size_t>(p - buffer)};
}

// ---------------------------------------------------------------------------------------------
// Errors from opening, and the directory redirect.

int status_for_open_error(int error) {
  switch (error) {
    case ENOENT:        // no such file
    case ENOTDIR:       // "file.txt/..." : a path component is not a directory
    case ENAMETOOLONG:  // longer than any name the filesystem can hold: it cannot exist
    case EXDEV:         // RESOLVE_BENEATH: the path, or a symlink on it, leads out of the root
    case ELOOP:         // a symlink loop, or a /proc "magic link"
    case ENXIO:         // a Unix socket file: not something we serve
    // Not readable by the server. 403 would be accurate, but it would tell a prober that the
    // file exists; like a missing file it is answered 404, which reveals nothing.
    case EACCES:
      return 404;
    case EMFILE:  // out of file descriptors: a temporary condition, the client may retry
    case ENFILE:
      return 503;
    default:
      return 500;
  }
}

// The bytes a path may carry unescaped in Location (RFC 3986 pchar, plus '/'); everything else,
// including '%' itself, ' ', '?', '#', controls and non-ASCII bytes, is percent-encoded.
bool is_location_safe(unsigned char c) {
  constexpr std::string_view kSafePunctuation = "-._~!$&'()*+,;=:@/";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSafePunctuation.find(static_cast<char>(c)) != std::string_view::npos;
}

// "dir" → 301 to "/dir/". Relative links inside dir/index.html resolve against the URL the
// browser shows, so serving the index without the slash would break them. The query, which the
// server ignores everywhere, is not carried over.
void redirect_to_directory(std::string_view relative_path, Reply& out) {
  reply_with_error(301, out);
  out.location.assign(1, '/');
  for (char ch : relative_path) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_location_safe(c)) {
      out.location.push_back(ch);
    } else {
      out.location.push_back('%');
      out.location.push_back(kUpperHexDigits[c >> 4]);
      out.location.push_back(kUpperHexDigits[c & 0xF]);
    }
  }
  out.location.push_back('/');
  out.head.location = out.location;
}

}  // namespace

void reply_with_file(const http::Request& request, const std::string& relative_path,
                     FileOpener& files, std::string& scratch, Reply& out) {
  const bool names_directory = relative_path.empty() || relative_path.back() == '/';
  const std::string* path = &relative_path;
  if (names_directory) {  // "" or "dir/": its index.html (reserved scratch: no allocation)
    scratch.assign(relative_path);
    scratch.append("index.html");
    path = &scratch;
  }
  if (const int error = files.open(*path, out.file); error != 0) {
    reply_with_error(status_for_open_error(error), out);
    return;
  }

  const struct stat& info = out.file.info;
  if (!S_ISREG(info.st_mode)) {
    // A directory named without its slash is redirected. Anything else that is not a regular
    // file (a directory called "index.html", a FIFO, a device) is not served: 404, as for a
    // missing file, and no directory listings either.
    const bool redirect = S_ISDIR(info.st_mode) && !names_directory;
    files.release(out.file);
    out.file = OpenFile{};  // the caller must not release it a second time
    if (redirect) {
      redirect_to_directory(relative_path, out);
    } else {
      reply_with_error(404, out);
    }
    return;
  }

  http::ResponseHead& head = out.head;
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const std::time_t mtime = info.st_mtim.tv_sec;
  http::format_http_date_fast(mtime, out.last_modified);
  head.last_modified = {out.last_modified, http::kHttpDateLength};
  head.etag = write_etag(info, out.etag);

  if (is_not_modified(request, head.etag, mtime)) {
    // 304 carries the validators and nothing else about the representation (RFC 9110 §15.4.5).
    // The file stays in out.file like any other opened file: the caller releases it.
    head.status = 304;
    head.has_content_length = false;
    out.body = ResponseBody{};
    return;
  }

  head.status = 200;
  head.content_type = http::mime_type_for(*path);
  head.accept_ranges = true;
  head.content_length = size;
  out.body.kind = ResponseBody::Kind::File;
  out.body.file_fd = out.file.fd;
  out.body.file_offset = 0;
  out.body.length = size;
  // Range is defined for GET only; a server must ignore it on any other method, HEAD included
  // (RFC 9110 §14.2).
  if (request.method != http::Method::Get || request.range.empty() ||
      !if_range_allows(request, head.etag, mtime)) {
    return;
  }

  ByteRange range;
  switch (parse_range(request.range, size, range)) {
    case RangeOutcome::WholeFile:
      return;
    case RangeOutcome::Unsatisfiable:
      reply_with_error(416, out);  // the file stays open for the caller to release, unsent
      head.content_range = write_unsatisfied_range(size, out.content_range);
      return;
    case RangeOutcome::Partial:
      head.content_range = write_content_range(range, size, out.content_range);
      if (head.content_range.empty()) return;
      head.status = 206;
      head.content_length = range.last - range.first + 1;
      out.body.file_offset = range.first;
      out.body.length = head.content_length;
      return;
  }
}

int DirectFileOpener::open(const std::string& relative_path, OpenFile& out) {
  open_how how{};
  // O_NONBLOCK only matters for a FIFO in the root: a blocking open would wait for a writer and
  // freeze the server's thread. It changes nothing for regular files: read() and sendfile() on
  // them ignore the flag.
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // Known limit: a device file in the root is opened (and possibly woken) before reply_with_file
  // refuses it; the root is expected to hold files and directories only.
  const char* path = relative_path.empty() ? "." : relative_path.c_str();  // "" is the root
  long fd = -1;
  do {
    fd = syscall(SYS_openat2, root_fd_, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);  // only a slow filesystem (NFS, FUSE) can be interrupted
  if (fd < 0) return errno;

  struct stat info {};
  if (fstat(static_cast<int>(fd), &info) != 0) {
    const int error = errno;
    ::close(static_cast<int>(fd));
    return error;
  }
  out.fd = static_cast<int>(fd);
  out.info = info;
  return 0;
}

void DirectFileOpener::release(OpenFile& file) {
  if (file.fd >= 0) ::close(file.fd);
  file.fd = -1;
}

int decode_target_path(std::string_view path, std::string& out) {
  out.clear();
  if (path.empty() || path.front() != '/') return 400;
  // One segment per turn of the loop: decode it into `out`, then judge it whole, so that an
  // attack spelled with escapes ("%2e%2e") is caught exactly like the plain one (".."). Runs of
  // '/' count as one, as in a filesystem path. The first problem found decides the status.
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i == path.size()) break;  // a trailing '/' was already written after the last segment

    const std::size_t segment_start = out.size();
    while (i < path.size() && path[i] != '/') {
      // A run of plain bytes is copied in one append (most paths have no escape at all); an
      // escape is decoded on its own.
      std::size_t run_end = i;
      while (run_end < path.size() && path[run_end] != '/' && path[run_end] != '%' &&
             path[run_end] != '\0') {
        ++run_end;
      }
      if (run_end > i) {
        out.append(path.data() + i, run_end - i);
        i = run_end;
        continue;
      }
      auto c = static_cast<unsigned char>(path[i]);
      if (c == '%') {
        if (path.size() - i < 3) return 400;  // "%" or "%4" at the end
        const unsigned char high = http::kHexValue[static_cast<unsigned char>(path[i + 1])];
        const unsigned char low = http::kHexValue[static_cast<unsigned char>(path[i + 2])];
        if (high == http::kNotHex || low == http::kNotHex) return 400;
        c = static_cast<unsigned char>(high << 4 | low);
        // An encoded '/' would merge two segments after they were checked one by one; no file
        // name can contain '/', so nothing can be found under such a name anyway.
        if (c == '/') return 404;
        i += 3;
      } else {
        ++i;
      }
      if (c == '\0') return 400;  // would cut the C string handed to the kernel short
      out.push_back(static_cast<char>(c));
    }

    const std::string_view segment(out.data() + segment_start, out.size() - segment_start);
    if (segment == "..") return 400;  // climbing out is an attack, not a typo
    // Dotfiles (.git, .htaccess, .env) are where secrets live in a document root; "." is
    // caught here as well.
    if (segment.front() == '.') return 404;
    if (i < path.size()) out.push_back('/');
  }
  return 0;
}

}  // namespace tenk::app

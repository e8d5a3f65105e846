// Content-Type by extension: a sorted table and a binary search.
//
// Known limit: the table is small and fixed at compile time; anything it does not name is served
// as application/octet-stream, which browsers download rather than display. That is the safe
// default: guessing a type from the content ("sniffing") is how uploaded files turn into scripts.
#include "http/mime.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace tenk::http {

namespace {

struct MimeEntry {
  std::string_view extension;  // lower case, without the dot
  std::string_view type;
};

// Sorted by extension (byte order) for std::lower_bound; the static_assert below keeps it so.
// Text types name their charset: without it a browser guesses, and may guess wrong.
// JSON takes no charset parameter (RFC 8259 §11: it is always UTF-8).
constexpr MimeEntry kTable[] = {
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},  // source maps are JSON
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp4", "video/mp4"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "application/xml"},
    {"zip", "application/zip"},
};

constexpr bool by_extension(const MimeEntry& a, const MimeEntry& b) {
  return a.extension < b.extension;
}
static_assert(std::is_sorted(std::begin(kTable), std::end(kTable), by_extension),
              "kTable must stay sorted for the binary search");

// The longest extension in the table; a longer one cannot match, so it needs no lowering.
constexpr std::size_t kMaxExtension = 5;

constexpr std::string_view kDefaultType = "application/octet-stream";

// ASCII-only lowering: the locale must not decide which file is HTML.
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view mime_type_for(std::string_view path) {
  // Only the last segment counts: in "/v1.2/readme" the dot belongs to a directory.
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  // No dot, a dot at the start (".hidden": a name, not an extension) or at the end ("file."):
  // no extension.
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return kDefaultType;
  const std::string_view extension = name.substr(dot + 1);
  if (extension.size() > kMaxExtension) return kDefaultType;

  // Lower-case copy on the stack: no allocation.
  char lowered[kMaxExtension];
  for (std::size_t i = 0; i < extension.size(); ++i) lowered[i] = ascii_lower(extension[i]);
  const MimeEntry key{std::string_view(lowered, extension.size()), {}};
  const MimeEntry* found =
      std::lower_bound(std::begin(kTable), std::end(kTable), key, by_extension);
  if (found == std::end(kTable) || found->extension != key.extension) return kDefaultType;
  return found->type;
}

}  // namespace tenk::http

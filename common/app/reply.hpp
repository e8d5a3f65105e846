// What the server sends for one request: a response head, and the body that follows it.
//
// The file app (files.hpp) and the session (session.hpp) fill a Reply; a step only ever sees
// its two halves, the composed header and a ResponseBody, through the session.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/response.hpp"

namespace tenk::app {

// A file opened for one response.
struct OpenFile {
  int fd = -1;
  struct stat info {};  // fstat() of fd, taken when it was opened
};

// What goes on the wire after the header: nothing (HEAD, 304, "100 Continue"), bytes in
// memory, or a range of an open file. A step sends exactly `length` bytes of it.
struct ResponseBody {
  enum class Kind : std::uint8_t { None, Memory, File };
  Kind kind = Kind::None;
  std::uint64_t length = 0;       // bytes to send; the head's Content-Length says the same
  std::string_view memory;        // Kind::Memory: static error text, or the echo payload
  int file_fd = -1;               // Kind::File: `length` bytes of this file...
  std::uint64_t file_offset = 0;  // ...starting here (non-zero for a byte range)
};

struct Reply {
  http::ResponseHead head;
  ResponseBody body;
  OpenFile file;  // the file opened for this reply, even when nothing of it is sent (HEAD, 304)

  // Storage the head's string_views point into, so a Reply owns everything it describes.
  char last_modified[32];
  char etag[48];
  char content_range[64];
  std::string location;  // 301 only (allocates; not on the hot path)

  // Step 12: the whole response prepared ahead by a PreparedResponses (its header, Date
  // current, then the body when it is kept in memory), instead of `head`. Shared with the
  // cache, so that the bytes outlive a cache entry dropped while a slow response still sends
  // them. `body` says what follows the prepared bytes: nothing when the body is in them, or the
  // file.
  std::shared_ptr<const std::string> prepared;
  std::size_t prepared_head_length = 0;  // the header's share of *prepared

  // Back to an empty reply, keeping the storage. Does not release `file`.
  void reset();
};

// Whole 200 responses prepared ahead, for the plain GET and HEAD most requests are (step 12's
// response cache, cache/response_cache.hpp). The session asks only for a request that nothing
// can change the answer to: HTTP/1.1, keep-alive, no body, no conditional, no range.
class PreparedResponses {
 public:
  virtual ~PreparedResponses() = default;

  // Fills `out` (empty, as for reply_with_file) with the prepared 200 for `relative_path`
  // (from decode_target_path), its Date set to `date`, and returns true; or returns false and
  // leaves `out` empty: nothing prepared (not a regular file, changed, the cache full...), and
  // the caller answers the usual way. A prepared body that is not in memory comes as an open
  // file in out.file, which the caller releases through its FileOpener as usual.
  virtual bool find(const std::string& relative_path, std::string_view date, Reply& out) = 0;
};

// An error reply: a short text/plain body naming the status ("404 Not Found\n", the words of
// http::status_text). `allow` is the Allow header for 405.
void reply_with_error(int status, Reply& out, std::string_view allow = {});

// POST /echo: the request body back as application/octet-stream (no copy: `body` must outlive
// the reply).
void reply_with_echo(std::string_view body, Reply& out);

// The body's bytes in memory, the naive way of steps 01-05: `body.memory` as it is, or the
// file range read into `storage` (one copy into user space, and one more out again when it is
// sent; step 06 sends files with sendfile() instead). `bytes` is set to what to send. Returns
// false when the file could not be read whole (it shrank, or failed): the response must then
// be cut short, since its Content-Length can no longer be honoured.
bool load_body(const ResponseBody& body, std::string& storage, std::string_view& bytes);

// A whole error response, head and body, that ends the connection ("Connection: close"): for
// refusing a connection that never gets a session (step 02's descriptor wall). Allocates.
std::string error_response(int status, std::string_view date);

}  // namespace tenk::app

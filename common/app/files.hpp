// The file application: from a request target to a reply, confined to the document root.
//
// The steps differ in how they move bytes, never in what they answer, so all of the "what" is
// here: path decoding and its attack rules, index.html and the directory redirect, ETag and
// Last-Modified, conditional requests (304), byte ranges (206/416), error bodies.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "http/parser.hpp"
#include "http/response.hpp"

namespace tenk::app {

// A file opened for one response.
struct OpenFile {
  int fd = -1;
  struct stat info {};  // fstat() of fd, taken when it was opened
};

// Where replies get their open files. Steps 01-07 open and close a file per request
// (DirectFileOpener); step 08 puts a cache behind this interface.
class FileOpener {
 public:
  virtual ~FileOpener() = default;

  // Opens `relative_path` (decoded, checked, no leading '/', NUL-terminated by the std::string)
  // beneath the document root. Returns 0, or an errno value (ENOENT, EACCES, EXDEV when the path
  // would leave the root, ELOOP, ENOTDIR, EMFILE...). A directory is opened too; the caller
  // looks at out.info.st_mode.
  virtual int open(const std::string& relative_path, OpenFile& out) = 0;

  // The response that used `file` has been sent (or abandoned).
  virtual void release(OpenFile& file) = 0;
};

// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) + fstat per request; release() closes.
// RESOLVE_BENEATH makes the kernel refuse any resolution that leaves the root: "..", absolute
// symlinks and relative symlinks pointing outside alike (Linux >= 5.6). Stateless apart from the
// root fd, so one instance may be shared by threads.
class DirectFileOpener final : public FileOpener {
 public:
  explicit DirectFileOpener(int root_fd) : root_fd_(root_fd) {}
  int open(const std::string& relative_path, OpenFile& out) override;
  void release(OpenFile& file) override;

 private:
  int root_fd_;
};

// Opens the document root directory (O_PATH | O_DIRECTORY). Returns -1 and sets errno on failure.
int open_document_root(const std::string& directory);

// Percent-decodes the path of a request target (Request::path, "/a%20b/c") into `out` as a
// path relative to the root ("a b/c"; "" for "/"), with a lookup table. Returns 0, or the status
// to answer: 400 for a bad escape, %00, a ".." segment, or a path not starting with '/';
// 404 for an encoded '/' (%2F) or a segment starting with '.' (dotfiles such as .git).
// `out` is cleared first; give it reserved capacity to keep the hot path allocation-free.
int decode_target_path(std::string_view path, std::string& out);

// What the server sends for one request: a head plus at most one body.
struct Reply {
  http::ResponseHead head;

  enum class Body : std::uint8_t { None, Memory, File };
  Body body = Body::None;
  std::string_view memory;       // Body::Memory: static error text, or the echo payload
  OpenFile file;                 // Body::File (and any opened file, even for HEAD or 304)
  std::uint64_t file_offset = 0;  // Body::File: send head.content_length bytes from here

  // Storage the head's string_views point into, so a Reply owns everything it describes.
  char last_modified[32];
  char etag[48];
  char content_range[64];
  std::string location;  // 301 only (allocates; not on the hot path)

  // Back to an empty reply, keeping the storage. Does not release `file`.
  void reset();
};

// GET or HEAD of a file. `relative_path` comes from decode_target_path(); `scratch` is a
// reusable string (for "index.html" appended to a directory path). Fills `out` with a
// 200/206/304/301/404/416 reply; out.file holds an open file the caller must release through
// `files` after sending. The caller sets out.head.date and out.head.connection.
void reply_with_file(const http::Request& request, const std::string& relative_path,
                     FileOpener& files, std::string& scratch, Reply& out);

// An error reply: a short text/plain body naming the status ("404 Not Found\n"). `allow` is
// the Allow header for 405.
void reply_with_error(int status, Reply& out, std::string_view allow = {});

// POST /echo: the request body back as application/octet-stream.
void reply_with_echo(std::string_view body, Reply& out);

}  // namespace tenk::app

// The file application: from a request target to a reply, confined to the document root.
//
// The steps differ in how they move bytes, never in what they answer, so all of the "what" is
// here: path decoding and its attack rules, index.html and the directory redirect, ETag and
// Last-Modified, conditional requests (304), byte ranges (206/416). Error replies and the Reply
// itself are in reply.hpp.
#pragma once

#include <string>
#include <string_view>

#include "app/reply.hpp"
#include "http/parser.hpp"

namespace tenk::app {

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

// Percent-decodes the path of a request target (Request::path, "/a%20b/c") into `out` as a
// path relative to the root ("a b/c"; "" for "/"), with a lookup table. Returns 0, or the status
// to answer: 400 for a bad escape, %00, a ".." segment, or a path not starting with '/';
// 404 for an encoded '/' (%2F) or a segment starting with '.' (dotfiles such as .git).
// `out` is cleared first; give it reserved capacity to keep the hot path allocation-free.
int decode_target_path(std::string_view path, std::string& out);

// GET or HEAD of a file. `relative_path` comes from decode_target_path(); `scratch` is a
// reusable string (for "index.html" appended to a directory path). Fills `out` with a
// 200/206/304/301/404/416 reply; out.file holds an open file the caller must release through
// `files` after sending. The reply is GET's: the caller drops the body for HEAD, and sets
// out.head.date and out.head.connection. `out` must be empty (fresh, or Reply::reset()): only
// the fields this reply has are written.
void reply_with_file(const http::Request& request, const std::string& relative_path,
                     FileOpener& files, std::string& scratch, Reply& out);

}  // namespace tenk::app

// Step 12's response cache: whole 200 responses prepared ahead, per file.
//
// After step 11, a plain GET of a small file still costs the file app (path to file, stat to
// ETag and Last-Modified, MIME type: ~1,400 instructions), the header composer (~600), and two
// system calls to send it: send(MSG_MORE) for the header, sendfile() for the body. All of that
// gives the same bytes for every request of the same file, except the Date. So the cache keeps,
// per file, the composed 200 header and, for a file of at most `body_limit` bytes, the body
// right after it in the same buffer: the response is one send() of bytes that are already
// there. The Date is patched in place (29 bytes) when the second changes, as step 07 formats
// it at most once a second. A larger file keeps its prepared header, and its body still leaves
// by sendfile() from the fd cache's descriptor (a hit there: no system call).
//
// What is prepared is exactly what the usual path (app::reply_with_file) answers to a plain GET:
// the cache builds it by asking that path once, so the two cannot disagree. Only plain requests
// use it (HTTP/1.1, keep-alive, no body, no If-None-Match, If-Modified-Since or Range: see
// app::PreparedResponses); conditional and range requests take the usual path, through the fd
// cache, and answer from the same validators.
//
// The body limit: the file-size study of the reference run (05's read-and-send against 06's
// sendfile, book/appendix-benchmark.md) found a copy through user space no dearer than
// sendfile() up to 16 KiB, and twice as dear at 64 KiB. kDefaultBodyLimit is 16 KiB.
//
// Staleness: as the fd cache (cache/fd_cache.hpp), with the same period: a prune compares every
// entry with the file on disk (fstatat) and drops the changed ones, and drops the ones unused
// for a whole period. Until then a changed file is served as it was prepared, bytes and headers
// together (a rewrite in place cannot mix old headers with new bytes here, since the bytes are
// a copy). A prepared header whose body comes from the fd cache is checked against the
// descriptor's stat at every use and dropped when they differ.
//
// Memory: at most `capacity` entries (the fd cache's capacity, so a bound derived from the
// open-files limit), each at most one header (~250 bytes) plus `body_limit` bytes: 4,096 × 16
// KiB = 64 MiB in the worst case, per process, with the defaults. A full cache prepares nothing
// more until the next prune drops the entries unused for a period (those requests take the
// usual path meanwhile). Paths that cannot be prepared (a 404, a directory redirect) are
// remembered as such until the next prune, so they cost one lookup, not a second trip through
// the file app.
//
// The bytes are shared (std::shared_ptr) with the replies that send them: an entry dropped or
// re-dated while a slow response is still sending its bytes leaves that response's copy intact
// (re-dating a buffer in use copies it first, at most once a second). One cache per thread, like
// the fd cache: no lock.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "app/files.hpp"
#include "app/reply.hpp"
#include "cache/prune_timer.hpp"

namespace tenk::cache {

class ResponseCache final : public app::PreparedResponses {
 public:
  // Bodies of at most this many bytes are kept in memory, after their header.
  static constexpr std::size_t kDefaultBodyLimit = 16 << 10;

  // `files` opens what is prepared (the fd cache); `root_fd` anchors the prune's fstatat. A
  // zero `period` turns the cache off (find() always says no), like --fd-cache 0.
  ResponseCache(int root_fd, app::FileOpener& files, std::chrono::seconds period,
                std::size_t capacity, std::size_t body_limit = kDefaultBodyLimit);

  bool find(const std::string& relative_path, std::string_view date, app::Reply& out) override;

  // The timer, as FdCache's: call prune_if_due() on every wakeup of the loop (or from a pruner
  // fiber); milliseconds_until_prune() is -1 when the cache is off.
  void prune_if_due();
  int milliseconds_until_prune() const;
  void prune();

  std::size_t entries() const { return entries_.size(); }
  // Bytes the cache holds in prepared responses (headers and bodies).
  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::shared_ptr<std::string> response;  // null: this path cannot be prepared
    std::size_t head_length = 0;            // the header's share of *response
    std::size_t date_offset = 0;            // where the 29 bytes of the Date value are
    bool body_in_memory = false;            // the body follows the header in *response
    std::string file_path;                  // what is served ("dir/" → "dir/index.html")
    struct stat identity {};                // the file when prepared: device, inode, size, mtime
    bool active = true;                     // used since the last prune
  };
  using Map = std::map<std::string, Entry, std::less<>>;

  Entry prepare(const std::string& relative_path, std::string_view date);
  void set_date(Entry& entry, std::string_view date);
  void drop(Map::iterator entry);

  int root_fd_;
  app::FileOpener& files_;
  PruneTimer timer_;
  std::size_t capacity_;
  std::size_t body_limit_;
  Map entries_;
  std::size_t bytes_ = 0;
};

}  // namespace tenk::cache

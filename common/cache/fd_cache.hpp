// Step 08's file opener: open file descriptors kept for reuse, with their stat information.
//
// Serving a file costs openat2 + fstat + close: three system calls per request for the same
// few files. FdCache keeps the descriptor and its stat (size, mtime: what Content-Length, ETag
// and Last-Modified are made of) after the response, in a multimap from path to open files
// (std::multimap: O(log n) lookup, O(n) prune), so the next request for the path needs no
// system call at all.
//
// Pruning is the Active/Inactive scheme of the seeds' Warp, driven by a timer in the event
// loop (prune_if_due) every `period`:
//   - a lookup that finds an entry marks it Active;
//   - a prune turns Active entries Inactive and closes Inactive ones (unused for a whole
//     period), so an idle file's descriptor lives between one and two periods;
//   - a prune also compares each entry with the file on disk (fstatat of the path: device,
//     inode, size, mtime) and retires the entries whose file was replaced, truncated or
//     rewritten. A retired entry is never handed out again; it is closed once the responses
//     using it are sent.
// Unlike Warp, entries count the responses in flight that use them (release() is called by
// the session's destructor, so a count cannot leak), and a prune never closes a descriptor a
// slow response is still reading: closing it could let the number be reused for another file
// under that response.
//
// Staleness, stated: a file changed on disk is served as it was when opened until the next
// prune, so for at most one period (two if the change lands just after a prune's check). Within
// that window a replaced file (a new inode) is served whole in its old version; a file truncated
// in place makes sendfile() end early, and the step closes the connection rather than send
// fewer bytes than its Content-Length (step 06); a file rewritten in place with the same size
// within the same mtime tick can be served with mixed content. This is the risk that made Warp
// turn its cache off by default; `--fd-cache 0` does the same here.
//
// Several descriptors per path: a retired entry still in use stays in the map beside the fresh
// one opened after it. One cache per worker process: no lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "app/files.hpp"

namespace tenk::cache {

class FdCache final : public app::FileOpener {
 public:
  using Clock = std::chrono::steady_clock;

  // `root_fd` as for app::DirectFileOpener. A zero `period` turns the cache off: every open()
  // opens and every release() closes, like DirectFileOpener.
  FdCache(int root_fd, std::chrono::seconds period);
  ~FdCache() override;  // closes every cached descriptor
  FdCache(const FdCache&) = delete;
  FdCache& operator=(const FdCache&) = delete;

  int open(const std::string& relative_path, app::OpenFile& out) override;
  void release(app::OpenFile& file) override;

  // The timer: prunes when a period has passed since the last prune. Call from the event loop
  // on every wakeup; milliseconds_until_prune() says how long the loop may sleep (-1: forever,
  // the cache is off).
  void prune_if_due();
  int milliseconds_until_prune() const;

  // One prune now (the timer calls it; tests call it directly).
  void prune();

  // Descriptors the cache holds open (entries in use, idle and retired alike).
  std::size_t open_descriptors() const { return entries_.size(); }

 private:
  struct Entry {
    app::OpenFile file;
    bool active = true;    // used since the last prune
    bool retired = false;  // the file changed on disk: never handed out again
    unsigned in_use = 0;   // responses in flight that use this descriptor
  };
  using Map = std::multimap<std::string, Entry, std::less<>>;

  bool changed_on_disk(const std::string& path, const Entry& entry) const;
  void close_entry(Map::iterator entry);

  app::DirectFileOpener direct_;
  int root_fd_;
  std::chrono::seconds period_;
  Clock::time_point next_prune_;
  Map entries_;
  std::map<int, Map::iterator> by_fd_;  // release() finds an entry by descriptor in O(log n)
};

}  // namespace tenk::cache

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
// Capacity: a cache holds at most `capacity` descriptors (entries in use, idle and retired
// alike). Without a bound, a crawler asking for more distinct files than the process may open,
// within one period, filled the cache until every open() failed, and the server answered 503 to
// everyone until the next prune. A miss beyond the capacity closes the least recently used
// entry that no response is using (an LRU list of the idle entries, O(1) to update); when every
// entry is in use, the file is served uncached (opened, and closed by release()), like
// DirectFileOpener. And when open() fails for want of descriptors (EMFILE, ENFILE) while the
// cache holds an idle one, the least recently used is closed and the open tried once more. So
// no request fails for a descriptor its cache keeps idle (known limit: step 11's threads each
// have their own cache, and one thread cannot close another's idle entries).
// capacity_per_cache() derives the default from the open-files limit; `--fd-cache-max N` sets it.
//
// Staleness, stated: a hit answers with the stat taken when the file was opened, and sends the
// bytes its descriptor reads now. The first prune after the file changes retires the entry, so
// what a hit says is at most one period old, plus however late the timer runs (a loop busy with
// a batch of events, a scheduler busy with other fibers). Within that window:
//   - a file replaced by a rename (a new inode, the way deploys do it) is served whole in its
//     old version, bytes and headers alike;
//   - a file rewritten in place (the same inode: truncated and written again, or appended to) is
//     served with its NEW bytes under its OLD stat: the old Content-Length, ETag and
//     Last-Modified. A file that grew or kept its size is cut to the old length; one that shrank
//     makes sendfile() end early, and the step closes the connection rather than send fewer
//     bytes than its Content-Length (step 06). A client may keep such a copy under the old ETag
//     until it revalidates after the window (the ETag then differs: it gets the new file).
// Closing this hole would take a stat per hit, one of the three system calls the cache exists to
// remove. nginx accepts the same window (open_file_cache_valid, 60 s by default); it is the risk
// that made Warp turn its cache off by default, and `--fd-cache 0` does the same here. Deploy by
// rename and the window only ever serves whole old versions.
//
// Several descriptors per path: a retired entry still in use stays in the map beside the fresh
// one opened after it. One cache per worker process (per I/O thread in step 11): no lock.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <string>
#include <string_view>

#include "app/files.hpp"
#include "cache/prune_timer.hpp"

namespace tenk::cache {

// The default capacity of one process's caches together: a quarter of the open-files limit, so
// that connections keep at least three quarters of it, and at most this many: a prune stats
// every entry (fstatat, about half a microsecond each on the 2-core VM this was written on, the
// path being in the kernel's cache), and 4,096 entries keep a prune's pause near 2 ms.
inline constexpr std::size_t kMaxDefaultCapacity = 4096;

// The capacity of each of the `caches_in_process` caches one process holds (one per I/O thread
// in step 11, else one): `fd_cache_max` entries for the process (--fd-cache-max), or, when it
// is 0, the default above, read from the soft RLIMIT_NOFILE now (call it after startup raised
// the limit). Split evenly between the caches, and at least 1 each.
std::size_t capacity_per_cache(int fd_cache_max, std::size_t caches_in_process = 1);

// True when `then` (an fstat taken earlier) no longer describes the file `path` names beneath
// `root_fd` now: it does not resolve, or resolves to another file (a rename over it, a symlink
// swapped in), or the same file with another size or mtime. One fstatat; what a prune asks of
// each entry (this cache and step 12's response cache).
bool changed_on_disk(int root_fd, const std::string& path, const struct stat& then);
// The same file with the same size and mtime: what changed_on_disk() compares.
bool same_file_version(const struct stat& a, const struct stat& b);

class FdCache final : public app::FileOpener {
 public:
  // `root_fd` as for app::DirectFileOpener. At most `capacity` descriptors are kept open. A zero
  // `period` turns the cache off: every open() opens and every release() closes, like
  // DirectFileOpener.
  FdCache(int root_fd, std::chrono::seconds period, std::size_t capacity);
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

  // Descriptors the cache holds open (entries in use, idle and retired alike), at most capacity.
  std::size_t open_descriptors() const { return entries_.size(); }

 private:
  // Each entry's descriptor sits in one of two lists, moved between them by splice() (no
  // allocation after the miss that created it): idle_ while no response uses it, ordered from
  // least to most recently released, and in_use_ otherwise, where its order means nothing.
  using FdList = std::list<int>;
  struct Entry {
    app::OpenFile file;
    bool active = true;      // used since the last prune
    bool retired = false;    // the file changed on disk: never handed out again
    unsigned in_use = 0;     // responses in flight that use this descriptor
    FdList::iterator place;  // in idle_ when in_use == 0, else in in_use_
  };
  using Map = std::multimap<std::string, Entry, std::less<>>;

  bool close_least_recently_used();  // false when no entry is idle
  void close_entry(Map::iterator entry);

  app::DirectFileOpener direct_;
  int root_fd_;
  PruneTimer timer_;
  std::size_t capacity_;
  Map entries_;
  std::map<int, Map::iterator> by_fd_;  // release() finds an entry by descriptor in O(log n)
  FdList idle_;
  FdList in_use_;
};

}  // namespace tenk::cache

#include "cache/fd_cache.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace tenk::cache {

std::size_t capacity_per_cache(int fd_cache_max, std::size_t caches_in_process) {
  std::size_t per_process = kMaxDefaultCapacity;
  if (fd_cache_max > 0) {
    per_process = static_cast<std::size_t>(fd_cache_max);
  } else if (rlimit limit{};
             getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    per_process = std::min(static_cast<std::size_t>(limit.rlim_cur / 4), kMaxDefaultCapacity);
  }
  return std::max<std::size_t>(per_process / std::max<std::size_t>(caches_in_process, 1), 1);
}

FdCache::FdCache(int root_fd, std::chrono::seconds period, std::size_t capacity)
    : direct_(root_fd), root_fd_(root_fd), timer_(period), capacity_(capacity) {}

FdCache::~FdCache() {
  for (auto& [path, entry] : entries_) ::close(entry.file.fd);
}

int FdCache::open(const std::string& relative_path, app::OpenFile& out) {
  if (timer_.off()) return direct_.open(relative_path, out);
  // Heterogeneous lookup (std::less<>): no std::string is built for the search.
  auto [first, last] = entries_.equal_range(std::string_view(relative_path));
  for (auto it = first; it != last; ++it) {
    Entry& entry = it->second;
    if (entry.retired) continue;
    entry.active = true;
    if (entry.in_use == 0) in_use_.splice(in_use_.end(), idle_, entry.place);  // not idle now
    ++entry.in_use;
    out = entry.file;
    return 0;
  }
  // A miss: open as DirectFileOpener does (openat2 beneath the root, fstat), and keep it.
  int error = direct_.open(relative_path, out);
  if ((error == EMFILE || error == ENFILE) && close_least_recently_used()) {
    error = direct_.open(relative_path, out);  // once: the descriptor just closed is free
  }
  if (error != 0) return error;
  // Full, and every entry in use: served uncached, and release() closes it.
  if (entries_.size() >= capacity_ && !close_least_recently_used()) return 0;
  Entry entry;
  entry.file = out;
  entry.in_use = 1;
  // Allocates (a list node, two map nodes): on a miss only.
  entry.place = in_use_.insert(in_use_.end(), out.fd);
  by_fd_.emplace(out.fd, entries_.emplace(relative_path, entry));
  return 0;
}

void FdCache::release(app::OpenFile& file) {
  if (file.fd < 0) return;
  auto found = by_fd_.find(file.fd);
  if (found == by_fd_.end()) {  // not an entry: the cache is off, or was full when it opened
    direct_.release(file);
    return;
  }
  file.fd = -1;
  Map::iterator entry = found->second;
  if (--entry->second.in_use > 0) return;
  idle_.splice(idle_.end(), in_use_, entry->second.place);  // idle now: the most recently used
  if (entry->second.retired) close_entry(entry);            // changed on disk: not kept
}

void FdCache::prune_if_due() {
  timer_.prune_if_due([this] { prune(); });
}

int FdCache::milliseconds_until_prune() const {
  return timer_.milliseconds_until_prune();
}

void FdCache::prune() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto current = it++;  // close_entry() erases `current`; `it` stays valid
    Entry& entry = current->second;
    if (!entry.retired && changed_on_disk(root_fd_, current->first, entry.file.info)) {
      entry.retired = true;
    }
    if (entry.in_use > 0) {
      entry.active = false;  // a response still reads it: never closed under it
      continue;
    }
    if (entry.retired || !entry.active) {
      close_entry(current);
    } else {
      entry.active = false;  // used in the last period: one more period to be used again
    }
  }
}

bool changed_on_disk(int root_fd, const std::string& path, const struct stat& then) {
  // The path as it resolves now against what was opened. Following symlinks here is harmless:
  // nothing is served from this stat; a changed entry is only retired, and the next request
  // opens the path again with openat2(RESOLVE_BENEATH).
  struct stat now {};
  const char* name = path.empty() ? "." : path.c_str();
  if (fstatat(root_fd, name, &now, 0) != 0) return true;
  return !same_file_version(now, then);
}

bool same_file_version(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

bool FdCache::close_least_recently_used() {
  if (idle_.empty()) return false;
  close_entry(by_fd_.find(idle_.front())->second);
  return true;
}

void FdCache::close_entry(Map::iterator entry) {
  Entry& closing = entry->second;
  idle_.erase(closing.place);  // only an idle entry is ever closed: never under a response
  ::close(closing.file.fd);
  by_fd_.erase(closing.file.fd);
  entries_.erase(entry);
}

}  // namespace tenk::cache

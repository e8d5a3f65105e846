// FdCache (step 08) on real files: hits reuse the descriptor, prunes close idle ones and never
// one in use, a file changed on disk is noticed by the next prune, the capacity holds (least
// recently used idle entries go first, a full cache serves uncached, out of descriptors an idle
// entry makes room), and no descriptor leaks.
#include "cache/fd_cache.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include "net/startup.hpp"
#include "test_support.hpp"

namespace tenk::cache {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::size_t open_fd_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

using tenk::testing::is_open;

// A capacity above the number of files any case opens: it plays no part.
constexpr std::size_t kRoomy = 100;

// Sets this process's soft RLIMIT_NOFILE (the hard limit at most) for the life of the object,
// then restores it.
class SoftOpenFilesLimit {
 public:
  explicit SoftOpenFilesLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit changed = saved_;
    changed.rlim_cur = std::min(soft, saved_.rlim_max);
    setrlimit(RLIMIT_NOFILE, &changed);
  }
  ~SoftOpenFilesLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  SoftOpenFilesLimit(const SoftOpenFilesLimit&) = delete;
  SoftOpenFilesLimit& operator=(const SoftOpenFilesLimit&) = delete;

 private:
  rlimit saved_{};
};

int highest_open_fd() {
  int highest = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  }
  return highest;
}

// Leaves this process no free descriptor while it lives: the soft limit just above the highest
// one open, and every free number below it taken by /dev/null.
class AllDescriptorsTaken {
 public:
  AllDescriptorsTaken() : limit_(static_cast<rlim_t>(highest_open_fd()) + 1) {
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) taken_.push_back(fd);
  }
  ~AllDescriptorsTaken() {
    for (int fd : taken_) close(fd);
  }

 private:
  SoftOpenFilesLimit limit_;
  std::vector<int> taken_;
};

class FdCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tenk-fdcache-XXXXXX";
    dir_ = mkdtemp(pattern);
    write("a.txt", "hello");
    write("b.txt", "world!");
    fs::create_directories(dir_ + "/sub");
    root_fd_ = net::open_document_root(dir_);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override {
    close(root_fd_);
    fs::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary | std::ios::trunc) << text;
  }
  static std::string contents(const app::OpenFile& file) {
    std::string text(static_cast<std::size_t>(file.info.st_size), '\0');
    EXPECT_EQ(pread(file.fd, text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
    return text;
  }

  std::string dir_;
  int root_fd_ = -1;
};

TEST_F(FdCacheTest, HitReusesTheDescriptorAndItsStat) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile first;
  ASSERT_EQ(cache.open("a.txt", first), 0);
  const int fd = first.fd;
  cache.release(first);
  EXPECT_EQ(first.fd, -1) << "the caller's copy is forgotten";
  EXPECT_TRUE(is_open(fd)) << "the cache keeps it";

  app::OpenFile second;
  ASSERT_EQ(cache.open("a.txt", second), 0);
  EXPECT_EQ(second.fd, fd);
  EXPECT_EQ(second.info.st_size, 5);
  EXPECT_EQ(contents(second), "hello");
  cache.release(second);
  EXPECT_EQ(cache.open_descriptors(), 1u);
}

TEST_F(FdCacheTest, IdleEntriesCloseAfterTwoPrunesAndNothingLeaks) {
  const std::size_t baseline = open_fd_count();
  FdCache cache(root_fd_, 10s, kRoomy);
  for (const char* name : {"a.txt", "b.txt", "sub"}) {
    app::OpenFile file;
    ASSERT_EQ(cache.open(name, file), 0) << name;
    cache.release(file);
  }
  EXPECT_EQ(open_fd_count(), baseline + 3);
  cache.prune();  // Active → Inactive
  EXPECT_EQ(cache.open_descriptors(), 3u);
  cache.prune();  // Inactive → closed
  EXPECT_EQ(cache.open_descriptors(), 0u);
  EXPECT_EQ(open_fd_count(), baseline);
}

TEST_F(FdCacheTest, UseBetweenPrunesKeepsAnEntry) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  cache.release(file);
  for (int period = 0; period < 5; ++period) {
    cache.prune();
    ASSERT_EQ(cache.open("a.txt", file), 0);  // used in every period
    cache.release(file);
  }
  EXPECT_EQ(cache.open_descriptors(), 1u);
}

TEST_F(FdCacheTest, ADescriptorInUseIsNeverClosedByAPrune) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile slow_response;
  ASSERT_EQ(cache.open("a.txt", slow_response), 0);
  const int fd = slow_response.fd;
  for (int period = 0; period < 5; ++period) cache.prune();
  EXPECT_TRUE(is_open(fd));
  EXPECT_EQ(contents(slow_response), "hello");
  cache.release(slow_response);
  cache.prune();
  cache.prune();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(FdCacheTest, AReplacedFileIsServedNewAfterTheNextPrune) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  const int old_fd = file.fd;
  cache.release(file);
  // Replaced the way deploys do it: write a new file, rename it over the old one.
  write("a.txt.new", "a new version");
  fs::rename(dir_ + "/a.txt.new", dir_ + "/a.txt");
  ASSERT_EQ(cache.open("a.txt", file), 0);
  EXPECT_EQ(contents(file), "hello") << "stale until the next prune, but whole and consistent";
  cache.release(file);

  cache.prune();
  EXPECT_FALSE(is_open(old_fd)) << "retired and unused: closed at once";
  ASSERT_EQ(cache.open("a.txt", file), 0);
  EXPECT_EQ(file.info.st_size, 13);
  EXPECT_EQ(contents(file), "a new version");
  cache.release(file);
}

TEST_F(FdCacheTest, ATruncatedFileIsRetiredButItsReaderKeepsTheDescriptor) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile reader;
  ASSERT_EQ(cache.open("b.txt", reader), 0);
  write("b.txt", "w");  // truncated in place: same inode, new size
  cache.prune();
  EXPECT_TRUE(is_open(reader.fd)) << "a response still uses it";

  app::OpenFile fresh;
  ASSERT_EQ(cache.open("b.txt", fresh), 0);
  EXPECT_NE(fresh.fd, reader.fd) << "the retired entry is never handed out again";
  EXPECT_EQ(fresh.info.st_size, 1);
  EXPECT_EQ(cache.open_descriptors(), 2u) << "two descriptors for one path, for a while";
  const int retired = reader.fd;
  cache.release(reader);
  EXPECT_FALSE(is_open(retired)) << "closed when its last response is sent";
  cache.release(fresh);
  EXPECT_EQ(cache.open_descriptors(), 1u);
}

TEST_F(FdCacheTest, ADeletedFileIsForgotten) {
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  cache.release(file);
  fs::remove(dir_ + "/a.txt");
  cache.prune();
  EXPECT_EQ(cache.open("a.txt", file), ENOENT);
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, TheCapacityBoundsTheDescriptorsHeld) {
  const std::size_t baseline = open_fd_count();
  FdCache cache(root_fd_, 10s, 3);
  for (int i = 0; i < 10; ++i) {
    const std::string name = "file-" + std::to_string(i) + ".txt";
    write(name, name);
    app::OpenFile file;
    ASSERT_EQ(cache.open(name, file), 0) << name;
    EXPECT_EQ(contents(file), name);
    cache.release(file);
    EXPECT_LE(cache.open_descriptors(), 3u);
  }
  EXPECT_EQ(cache.open_descriptors(), 3u);
  EXPECT_EQ(open_fd_count(), baseline + 3);
}

TEST_F(FdCacheTest, TheLeastRecentlyUsedIdleEntryGoesFirst) {
  write("c.txt", "third");
  FdCache cache(root_fd_, 10s, 2);
  auto open_and_release = [&](const char* name) {
    app::OpenFile file;
    EXPECT_EQ(cache.open(name, file), 0) << name;
    const int fd = file.fd;
    cache.release(file);
    return fd;
  };
  const int a = open_and_release("a.txt");
  const int b = open_and_release("b.txt");
  EXPECT_EQ(open_and_release("a.txt"), a) << "a hit: a.txt is now the most recently used";
  const int c = open_and_release("c.txt");  // full: b.txt goes
  EXPECT_FALSE(is_open(b));
  EXPECT_TRUE(is_open(a));
  EXPECT_TRUE(is_open(c));
  EXPECT_EQ(cache.open_descriptors(), 2u);
}

TEST_F(FdCacheTest, AFullCacheNeverClosesAnEntryInUseAndServesUncached) {
  const std::size_t baseline = open_fd_count();
  FdCache cache(root_fd_, 10s, 1);
  app::OpenFile slow_response;
  ASSERT_EQ(cache.open("a.txt", slow_response), 0);

  app::OpenFile uncached;
  ASSERT_EQ(cache.open("b.txt", uncached), 0) << "the cache is never why a request fails";
  EXPECT_EQ(contents(uncached), "world!");
  EXPECT_EQ(cache.open_descriptors(), 1u);
  EXPECT_EQ(contents(slow_response), "hello") << "the entry in use was left alone";
  const int uncached_fd = uncached.fd;
  cache.release(uncached);
  EXPECT_FALSE(is_open(uncached_fd)) << "closed at release, like DirectFileOpener";

  const int cached_fd = slow_response.fd;
  cache.release(slow_response);
  EXPECT_TRUE(is_open(cached_fd)) << "kept: idle now";
  app::OpenFile next;
  ASSERT_EQ(cache.open("b.txt", next), 0);
  EXPECT_FALSE(is_open(cached_fd)) << "idle, so it makes room";
  cache.release(next);
  EXPECT_EQ(open_fd_count(), baseline + 1);
}

TEST_F(FdCacheTest, OutOfDescriptorsAnIdleEntryMakesRoomOnce) {
  write("c.txt", "third");
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile a, b, c, d;
  ASSERT_EQ(cache.open("a.txt", a), 0);
  const int a_fd = a.fd;
  cache.release(a);
  ASSERT_EQ(cache.open("b.txt", b), 0);
  const int b_fd = b.fd;
  cache.release(b);
  {
    AllDescriptorsTaken exhausted;
    ASSERT_EQ(cache.open("c.txt", c), 0) << "EMFILE, then a.txt closed and the open retried";
    EXPECT_EQ(contents(c), "third");
    EXPECT_EQ(c.fd, a_fd) << "the one number free: a.txt's, the least recently used idle entry";
    EXPECT_TRUE(is_open(b_fd));
    ASSERT_EQ(cache.open("b.txt", b), 0) << "a hit needs no descriptor";
    EXPECT_EQ(cache.open("a.txt", d), EMFILE) << "nothing idle left: the honest answer";
    cache.release(b);
    cache.release(c);
  }
  EXPECT_EQ(cache.open_descriptors(), 2u);
}

TEST(FdCacheCapacity, AGivenMaximumIsSplitBetweenTheProcesssCaches) {
  EXPECT_EQ(capacity_per_cache(64), 64u);
  EXPECT_EQ(capacity_per_cache(64, 4), 16u);
  EXPECT_EQ(capacity_per_cache(3, 4), 1u) << "at least one entry each";
}

TEST(FdCacheCapacity, TheDefaultIsAQuarterOfTheOpenFilesLimitAndCapped) {
  {
    SoftOpenFilesLimit limit(400);
    EXPECT_EQ(capacity_per_cache(0), 100u);
    EXPECT_EQ(capacity_per_cache(0, 2), 50u);
  }
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  if (now.rlim_max == RLIM_INFINITY || now.rlim_max >= 8 * kMaxDefaultCapacity) {
    SoftOpenFilesLimit limit(8 * kMaxDefaultCapacity);
    EXPECT_EQ(capacity_per_cache(0), kMaxDefaultCapacity);
  }
}

TEST_F(FdCacheTest, ErrorsAreNotCachedAndTheRootStillHolds) {
  fs::create_symlink("/etc/passwd", dir_ + "/escape");
  FdCache cache(root_fd_, 10s, kRoomy);
  app::OpenFile file;
  EXPECT_EQ(cache.open("missing.txt", file), ENOENT);
  EXPECT_EQ(cache.open("escape", file), EXDEV);  // RESOLVE_BENEATH, as without the cache
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, PeriodZeroIsNoCache) {
  const std::size_t baseline = open_fd_count();
  FdCache cache(root_fd_, 0s, kRoomy);
  EXPECT_EQ(cache.milliseconds_until_prune(), -1);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  EXPECT_EQ(open_fd_count(), baseline + 1);
  cache.release(file);
  EXPECT_EQ(open_fd_count(), baseline) << "closed at release, like DirectFileOpener";
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, TheTimerPrunesOncePerPeriod) {
  FdCache cache(root_fd_, 1s, kRoomy);
  EXPECT_GT(cache.milliseconds_until_prune(), 0);
  EXPECT_LE(cache.milliseconds_until_prune(), 1000);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  cache.release(file);
  cache.prune_if_due();  // not due yet
  EXPECT_EQ(cache.open_descriptors(), 1u);
}

}  // namespace
}  // namespace tenk::cache

// FdCache (step 08) on real files: hits reuse the descriptor, prunes close idle ones and never
// one in use, a file changed on disk is noticed by the next prune, and no descriptor leaks.
#include "cache/fd_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
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
  FdCache cache(root_fd_, 10s);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  cache.release(file);
  fs::remove(dir_ + "/a.txt");
  cache.prune();
  EXPECT_EQ(cache.open("a.txt", file), ENOENT);
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, ErrorsAreNotCachedAndTheRootStillHolds) {
  fs::create_symlink("/etc/passwd", dir_ + "/escape");
  FdCache cache(root_fd_, 10s);
  app::OpenFile file;
  EXPECT_EQ(cache.open("missing.txt", file), ENOENT);
  EXPECT_EQ(cache.open("escape", file), EXDEV);  // RESOLVE_BENEATH, as without the cache
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, PeriodZeroIsNoCache) {
  const std::size_t baseline = open_fd_count();
  FdCache cache(root_fd_, 0s);
  EXPECT_EQ(cache.milliseconds_until_prune(), -1);
  app::OpenFile file;
  ASSERT_EQ(cache.open("a.txt", file), 0);
  EXPECT_EQ(open_fd_count(), baseline + 1);
  cache.release(file);
  EXPECT_EQ(open_fd_count(), baseline) << "closed at release, like DirectFileOpener";
  EXPECT_EQ(cache.open_descriptors(), 0u);
}

TEST_F(FdCacheTest, TheTimerPrunesOncePerPeriod) {
  FdCache cache(root_fd_, 1s);
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

// A crawler against the file cache. A client that asks for more distinct files
// than the server has descriptors, within one prune period, must not fill the cache until every
// open() fails: the cache has a capacity well under the open-files limit and evicts the least
// recently used idle entries, so every file is served and the next client is too.
#include <filesystem>
#include <fstream>
#include <string>

#include "conformance.hpp"

namespace tenk::testing {
namespace {

namespace fs = std::filesystem;

// A document root of its own, with more files than the crawl case lets its server open.
class CrawlRoot {
 public:
  static constexpr int kFiles = 600;

  CrawlRoot() {
    char pattern[] = "/tmp/tenk-crawl-XXXXXX";
    root = mkdtemp(pattern);
    for (int i = 0; i < kFiles; ++i) std::ofstream(root + "/" + name(i)) << contents(i);
  }
  ~CrawlRoot() { fs::remove_all(root); }
  CrawlRoot(const CrawlRoot&) = delete;
  CrawlRoot& operator=(const CrawlRoot&) = delete;

  static std::string name(int i) { return "page-" + std::to_string(i) + ".txt"; }
  static std::string target(int i) { return std::string("/").append(name(i)); }
  static std::string contents(int i) { return "page " + std::to_string(i) + "\n"; }

  std::string root;
};

// Asks for every file of the CrawlRoot, one after another on `crawler`'s connection; returns
// how many came back 200 with the right body.
int crawl(Client& crawler) {
  int served = 0;
  for (int i = 0; i < CrawlRoot::kFiles; ++i) {
    if (!crawler.send(get_request(CrawlRoot::target(i)))) break;
    const Response response = crawler.read_response();
    if (response.status == 200 && response.body == CrawlRoot::contents(i)) ++served;
  }
  return served;
}

TEST_P(Conformance, ACrawlLargerThanTheDescriptorLimitIsServedWhole) {
  if (!GetParam().has_fd_cache) GTEST_SKIP() << GetParam().binary << " has no file cache";
  constexpr long kOpenFilesLimit = 256;  // well under CrawlRoot::kFiles
  static_assert(CrawlRoot::kFiles > 2 * kOpenFilesLimit);
  CrawlRoot site;
  // The default period (10 s) is far longer than the crawl: no prune helps, only the capacity.
  auto server = start({"--root", site.root}, kOpenFilesLimit);
  ASSERT_NE(server->port(), 0);

  Client crawler(server->port());  // one keep-alive connection, one file after another
  EXPECT_EQ(crawl(crawler), CrawlRoot::kFiles);

  const Response newcomer = round_trip(server->port(), get_request(CrawlRoot::target(0)));
  EXPECT_EQ(newcomer.status, 200) << "a new client after the crawl";
  EXPECT_EQ(newcomer.body, CrawlRoot::contents(0));
}

// Every step accepts --fd-cache-max (DESIGN §3); a step with a cache keeps at most that many
// files open, however many it served.
TEST_P(Conformance, FdCacheMaxBoundsTheFilesACrawlLeavesOpen) {
  constexpr int kMaxCachedFiles = 16;
  CrawlRoot site;
  auto server = start({"--root", site.root, "--fd-cache-max", std::to_string(kMaxCachedFiles)});
  ASSERT_NE(server->port(), 0);
  EXPECT_EQ(round_trip(server->port(), get_request(CrawlRoot::target(0))).status, 200);
  // Steps 01-05 answer a keep-alive request in two sends, and Nagle with the delayed ACK makes
  // each take 40 ms (chapter 1): a crawl would take half a minute to show nothing.
  if (!GetParam().has_fd_cache) GTEST_SKIP() << GetParam().binary << " has no file cache to bound";
  const int before = server->open_fds();

  Client crawler(server->port());
  EXPECT_EQ(crawl(crawler), CrawlRoot::kFiles);
  EXPECT_LE(server->open_fds(), before + 1 + kMaxCachedFiles)
      << "the crawler's connection, and at most the cache's files";
}

}  // namespace
}  // namespace tenk::testing

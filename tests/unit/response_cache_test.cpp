// ResponseCache (step 12): whole 200 responses prepared ahead. The prepared bytes must be what
// the usual path answers, byte for byte, with the Date kept current; and a prepared response
// must never outlive, or be changed under, the reply that sends it.
#include "cache/response_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/session.hpp"
#include "cache/fd_cache.hpp"
#include "http/response.hpp"
#include "net/startup.hpp"
#include "test_support.hpp"

namespace tenk::cache {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::string_view kMonday = "Mon, 30 Nov 2026 10:00:00 GMT";
constexpr std::string_view kMondayLater = "Mon, 30 Nov 2026 10:00:01 GMT";
constexpr std::string_view kTuesday = "Tue, 01 Dec 2026 10:00:00 GMT";  // the same time of day
constexpr std::size_t kCapacity = 100;
constexpr std::size_t kBodyLimit = 1024;  // small.txt is below it, large.bin above

class ResponseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tenk-response-cache-XXXXXX";
    dir_ = mkdtemp(pattern);
    write("small.txt", "hello");
    write("large.bin", std::string(5000, 'x'));
    fs::create_directories(dir_ + "/sub");
    write("sub/index.html", "<p>sub</p>");
    root_fd_ = net::open_document_root(dir_);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override {
    close(root_fd_);
    fs::remove_all(dir_);
  }
  void write(const std::string& name, std::string_view text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
  }

  // What the usual path answers to a plain GET of `path` at `date`: header, then the body.
  std::string usual_answer(app::FileOpener& files, const std::string& path, std::string_view date) {
    http::Request plain;
    plain.method = http::Method::Get;
    app::Reply reply;
    std::string scratch;
    app::reply_with_file(plain, path, files, scratch, reply);
    reply.head.date = date;
    std::string answer(http::composed_length(reply.head), '\0');
    http::compose(reply.head, answer.data());
    std::string body_storage;
    std::string_view body;
    EXPECT_TRUE(app::load_body(reply.body, body_storage, body));
    answer.append(body);
    files.release(reply.file);
    return answer;
  }

  std::string dir_;
  int root_fd_ = -1;
};

TEST_F(ResponseCacheTest, ASmallFileIsTheUsualAnswerInOneBuffer) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  for (const std::string path : {"small.txt", "sub/"}) {
    app::Reply reply;
    ASSERT_TRUE(cache.find(path, kMonday, reply)) << path;
    ASSERT_TRUE(reply.prepared);
    EXPECT_EQ(*reply.prepared, usual_answer(files, path, kMonday)) << path;
    EXPECT_EQ(reply.body.kind, app::ResponseBody::Kind::None) << "the body is in the buffer";
    EXPECT_EQ(reply.file.fd, -1) << "nothing to release";
    EXPECT_EQ(reply.prepared->substr(reply.prepared_head_length - 4, 4), "\r\n\r\n");
  }
}

TEST_F(ResponseCacheTest, ALargeFileKeepsItsHeaderAndSendsItsBodyFromTheFile) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  app::Reply reply;
  ASSERT_TRUE(cache.find("large.bin", kMonday, reply));
  const std::string usual = usual_answer(files, "large.bin", kMonday);
  EXPECT_EQ(*reply.prepared, usual.substr(0, usual.size() - 5000)) << "the header alone";
  EXPECT_EQ(reply.prepared_head_length, reply.prepared->size());
  EXPECT_EQ(reply.body.kind, app::ResponseBody::Kind::File);
  EXPECT_EQ(reply.body.length, 5000u);
  EXPECT_GE(reply.file.fd, 0);
  EXPECT_EQ(reply.body.file_fd, reply.file.fd);
  files.release(reply.file);
}

TEST_F(ResponseCacheTest, TheDateIsPatchedAndABufferInUseIsNeverChanged) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  app::Reply sending;  // a slow reader still sending Monday's bytes
  ASSERT_TRUE(cache.find("small.txt", kMonday, sending));
  const std::string monday = *sending.prepared;
  app::Reply later;
  ASSERT_TRUE(cache.find("small.txt", kMondayLater, later));
  EXPECT_EQ(*sending.prepared, monday) << "patched under a reply that sends it";
  EXPECT_EQ(*later.prepared, usual_answer(files, "small.txt", kMondayLater));
  EXPECT_NE(sending.prepared, later.prepared) << "copied before it was patched";

  sending.reset();
  later.reset();  // nobody sends it now: the next second is patched in place
  app::Reply again;
  ASSERT_TRUE(cache.find("small.txt", kMonday, again));
  EXPECT_EQ(*again.prepared, monday);
  again.reset();
  app::Reply next_day;  // differs in the first bytes only
  ASSERT_TRUE(cache.find("small.txt", kTuesday, next_day));
  EXPECT_EQ(*next_day.prepared, usual_answer(files, "small.txt", kTuesday));
}

TEST_F(ResponseCacheTest, WhatCannotBePreparedIsLeftToTheUsualPathAndRemembered) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  for (const std::string path : {"missing.txt", "sub"}) {  // a 404, a 301
    app::Reply reply;
    EXPECT_FALSE(cache.find(path, kMonday, reply)) << path;
    EXPECT_FALSE(reply.prepared);
    EXPECT_EQ(reply.head.status, 200) << "left empty for the usual path";
  }
  EXPECT_EQ(cache.entries(), 2u) << "asked once, remembered until the next prune";
  cache.prune();
  EXPECT_EQ(cache.entries(), 0u) << "asked again after a prune: the file may exist now";
}

TEST_F(ResponseCacheTest, AChangedFileIsPreparedAgainAfterAPrune) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  app::Reply before;
  ASSERT_TRUE(cache.find("small.txt", kMonday, before));
  write("small.txt", "hello, again");  // a new size: changed on disk
  files.prune();
  cache.prune();
  app::Reply after;
  ASSERT_TRUE(cache.find("small.txt", kMonday, after));
  EXPECT_NE(after.prepared->find("hello, again"), std::string::npos) << *after.prepared;
  EXPECT_NE(before.prepared->find("\r\n\r\nhello"), std::string::npos) << "kept for its reply";
}

TEST_F(ResponseCacheTest, AnUnusedEntryLivesOnePeriodAndCapacityBoundsTheEntries) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, /*capacity=*/1, kBodyLimit);
  app::Reply first, second;
  ASSERT_TRUE(cache.find("small.txt", kMonday, first));
  EXPECT_FALSE(cache.find("sub/", kMonday, second)) << "full: the usual path answers";
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_GT(cache.bytes(), 5u);
  cache.prune();  // used in the period: kept, inactive
  EXPECT_EQ(cache.entries(), 1u);
  cache.prune();  // unused for a whole period: dropped
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_NE(first.prepared->find("hello"), std::string::npos) << "its reply keeps the bytes";
}

TEST_F(ResponseCacheTest, AZeroPeriodTurnsItOff) {
  FdCache files(root_fd_, 0s, kCapacity);
  ResponseCache cache(root_fd_, files, 0s, kCapacity, kBodyLimit);
  app::Reply reply;
  EXPECT_FALSE(cache.find("small.txt", kMonday, reply));
  EXPECT_EQ(cache.milliseconds_until_prune(), -1);
}

// Through a session: only plain requests take the prepared answer, and it is the same answer.
TEST_F(ResponseCacheTest, TheSessionUsesItForPlainRequestsOnly) {
  FdCache files(root_fd_, 10s, kCapacity);
  ResponseCache cache(root_fd_, files, 10s, kCapacity, kBodyLimit);
  tenk::testing::FixedDate date;
  struct Answer {
    std::string header;  // what the step sends first
    app::ResponseBody::Kind body;
  };
  auto answer = [&](std::string_view request) {
    app::HttpSession session(files, date, &cache);
    std::span<char> space = session.receive_space();
    std::copy(request.begin(), request.end(), space.begin());
    session.received(request.size());
    EXPECT_EQ(session.next(), app::HttpSession::Action::Respond);
    Answer out{std::string(session.header()), session.body().kind};
    session.sent();
    return out;
  };
  const std::string usual = usual_answer(files, "small.txt", date.now());
  const Answer plain = answer("GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.header, usual) << "the whole answer in what is sent first";
  EXPECT_EQ(plain.body, app::ResponseBody::Kind::None);
  EXPECT_EQ(cache.entries(), 1u);
  const Answer head = answer("HEAD /small.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.header + "hello", usual) << "HEAD: the same header, no body";
  EXPECT_EQ(head.body, app::ResponseBody::Kind::None);
  // Each of these takes the usual path: its own status or its Connection header, and the body,
  // when there is one, from the file.
  const std::pair<std::string, std::string> others[] = {
      {"Range: bytes=0-1\r\n", "HTTP/1.1 206 "},
      {"If-None-Match: *\r\n", "HTTP/1.1 304 "},
      {"If-Modified-Since: Sat, 01 Jan 2100 00:00:00 GMT\r\n", "HTTP/1.1 304 "},
      {"Connection: close\r\n", "Connection: close\r\n"},
  };
  for (const auto& [extra, expected] : others) {
    const Answer out = answer("GET /small.txt HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n");
    EXPECT_NE(out.header.find(expected), std::string::npos) << extra << out.header;
    EXPECT_EQ(out.header.find("hello"), std::string::npos) << extra << "took the prepared answer";
  }
  const Answer http10 = answer("GET /small.txt HTTP/1.0\r\n\r\n");
  EXPECT_NE(http10.header.find("Connection: close\r\n"), std::string::npos) << http10.header;
  EXPECT_EQ(http10.body, app::ResponseBody::Kind::File);
}

}  // namespace
}  // namespace tenk::cache

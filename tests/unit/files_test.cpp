// Unit tests for the file application (common/app/files.hpp): target path decoding and the
// attacks it must stop, confinement to the document root tried with real files and symlinks in
// a temporary directory, and the replies built from them (200, 206, 301, 304, 404, 416).
#include "app/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "http/date.hpp"
#include "http/mime.hpp"
#include "http/parser.hpp"
#include "http/response.hpp"
#include "net/startup.hpp"

namespace {

namespace app = tenk::app;
namespace http = tenk::http;
namespace net = tenk::net;
using Body = app::ResponseBody::Kind;

// ---------------------------------------------------------------------------------------------
// DecodeTargetPath

struct DecodeCase {
  std::string_view target;
  int status;                 // 0: decoded
  std::string_view expected;  // the decoded path when status is 0
};

constexpr DecodeCase kDecodeCases[] = {
    // Ordinary paths.
    {"/", 0, ""},
    {"/index.html", 0, "index.html"},
    {"/a/b", 0, "a/b"},
    {"/a%20b", 0, "a b"},
    {"/dir/", 0, "dir/"},   // the trailing slash says "directory": kept
    {"//a///b", 0, "a/b"},  // runs of '/' count as one
    {"/a//", 0, "a/"},
    {"/%C3%A9t%c3%a9", 0, "\xC3\xA9t\xC3\xA9"},  // UTF-8 bytes pass through, either hex case
    {"/a..b/c.d", 0, "a..b/c.d"},                // dots inside a name are harmless
    {"/a%2Eb", 0, "a.b"},
    {"/echo", 0, "echo"},
    // Climbing out: 400, however it is spelled.
    {"/../x", 400, ""},
    {"/..", 400, ""},
    {"/a/../b", 400, ""},
    {"/a/..", 400, ""},
    {"/%2e%2e/etc/passwd", 400, ""},
    {"/%2E%2E/etc/passwd", 400, ""},
    {"/.%2e/x", 400, ""},
    {"/a//..//b", 400, ""},
    // Dotfiles and "." segments: 404.
    {"/.git/config", 404, ""},
    {"/a/.hidden", 404, ""},
    {"/.htaccess", 404, ""},
    {"/./a", 404, ""},
    {"/a/.", 404, ""},
    {"/%2e/a", 404, ""},
    {"/...", 404, ""},
    // An encoded '/': 404.
    {"/%2F", 404, ""},
    {"/a%2fb", 404, ""},
    {"/..%2f", 404, ""},
    // NUL and bad escapes: 400.
    {"/%00", 400, ""},
    {"/a%00.html", 400, ""},
    {"/%zz", 400, ""},
    {"/%G1", 400, ""},
    {"/%1G", 400, ""},
    {"/%4", 400, ""},
    {"/%", 400, ""},
    {"/a%", 400, ""},
    // Not an origin-form path.
    {"", 400, ""},
    {"a/b", 400, ""},
    {"*", 400, ""},
};

TEST(DecodeTargetPath, Table) {
  std::string out;
  for (const DecodeCase& c : kDecodeCases) {
    SCOPED_TRACE(std::string(c.target));
    EXPECT_EQ(app::decode_target_path(c.target, out), c.status);
    if (c.status == 0) {
      EXPECT_EQ(out, c.expected);
    }
  }
}

TEST(DecodeTargetPath, RawNulIsRefused) {
  std::string out;
  EXPECT_EQ(app::decode_target_path(std::string_view("/a\0b", 4), out), 400);
}

TEST(DecodeTargetPath, ClearsOutputAndKeepsItsBuffer) {
  std::string out;
  out.reserve(64);
  out = "left over";
  const char* buffer = out.data();
  const std::size_t capacity = out.capacity();
  ASSERT_EQ(app::decode_target_path("/", out), 0);
  EXPECT_EQ(out, "");
  ASSERT_EQ(app::decode_target_path("/some/longer%20path/", out), 0);
  EXPECT_EQ(out, "some/longer path/");
  EXPECT_EQ(out.data(), buffer);  // no reallocation: the hot path stays allocation-free
  EXPECT_EQ(out.capacity(), capacity);
}

// ---------------------------------------------------------------------------------------------
// A real document root in a temporary directory:
//
//   base/outside.txt                      outside the root
//   base/outside_dir/secret.txt           outside the root
//   base/root/file.txt                    151 bytes, mtime 1000000000.000000005
//   base/root/index.html
//   base/root/empty.txt                   0 bytes
//   base/root/dir/{index.html,nested.txt}
//   base/root/empty_dir/                  no index.html
//   base/root/a b%/, q?#\xC3\xA9/          directories whose names need escaping in Location
//   base/root/index_is_dir/index.html/    an "index.html" that is a directory
//   base/root/link_inside       -> file.txt
//   base/root/link_passwd       -> /etc/passwd
//   base/root/link_outside      -> ../outside.txt
//   base/root/link_dir_outside  -> ../outside_dir
//   base/root/fifo                        a named pipe
//   base/root/socket                      a Unix socket (open() fails with ENXIO)

constexpr std::uint64_t kFileSize = 151;
constexpr std::time_t kFileMtime = 1000000000;  // Sun, 09 Sep 2001 01:46:40 GMT
constexpr long kFileMtimeNanoseconds = 5;
constexpr std::string_view kFileLastModified = "Sun, 09 Sep 2001 01:46:40 GMT";
constexpr std::string_view kFileEtag = "\"97-3b9aca00-5\"";  // hex size-seconds-nanoseconds
constexpr std::string_view kRootIndex = "<h1>root</h1>\n";
constexpr std::string_view kDirIndex = "<h1>dir</h1>\n";

int remove_entry(const char* path, const struct stat*, int, FTW*) {
  return ::remove(path);
}

std::size_t open_fd_count() {
  std::size_t count = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count;
}

class DocumentRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tenk_files_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    base_ = pattern;
    root_ = base_ + "/root";

    make_dir("outside_dir");
    write_file("outside.txt", "outside");
    write_file("outside_dir/secret.txt", "secret");
    make_dir("root");
    write_file("root/file.txt", std::string(kFileSize, 'x'));
    const timespec times[2] = {{kFileMtime, kFileMtimeNanoseconds},
                               {kFileMtime, kFileMtimeNanoseconds}};
    ASSERT_EQ(utimensat(AT_FDCWD, (root_ + "/file.txt").c_str(), times, 0), 0);
    write_file("root/index.html", kRootIndex);
    write_file("root/empty.txt", "");
    make_dir("root/dir");
    write_file("root/dir/index.html", kDirIndex);
    write_file("root/dir/nested.txt", "nested");
    make_dir("root/empty_dir");
    make_dir("root/a b%");
    make_dir("root/q?#\xC3\xA9");
    make_dir("root/index_is_dir");
    make_dir("root/index_is_dir/index.html");
    make_link("file.txt", "root/link_inside");
    make_link("/etc/passwd", "root/link_passwd");
    make_link("../outside.txt", "root/link_outside");
    make_link("../outside_dir", "root/link_dir_outside");
    ASSERT_EQ(mkfifo((root_ + "/fifo").c_str(), 0600), 0);
    make_socket("root/socket");

    root_fd_ = net::open_document_root(root_);
    ASSERT_GE(root_fd_, 0);
  }

  void TearDown() override {
    if (root_fd_ >= 0) ::close(root_fd_);
    if (!base_.empty()) nftw(base_.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  }

  void make_dir(const std::string& relative) {
    ASSERT_EQ(mkdir((base_ + "/" + relative).c_str(), 0755), 0) << relative;
  }

  void make_link(const std::string& target, const std::string& relative) {
    ASSERT_EQ(symlink(target.c_str(), (base_ + "/" + relative).c_str()), 0) << relative;
  }

  // The socket is closed at once; its file stays, which is all the tests need.
  void make_socket(const std::string& relative) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = base_ + "/" + relative;
    ASSERT_LT(path.size(), sizeof address.sun_path);
    path.copy(address.sun_path, path.size());
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ::close(fd);
  }

  void write_file(const std::string& relative, std::string_view content) {
    const int fd = ::open((base_ + "/" + relative).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0) << relative;
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }

  // Runs `work`, which opens root/fifo, and reports whether it finished. If it is stuck in open()
  // waiting for a writer, a writer is provided so that the test fails instead of hanging.
  bool finishes_despite_fifo(const std::function<void()>& work) {
    auto done = std::async(std::launch::async, work);
    if (done.wait_for(std::chrono::seconds(5)) == std::future_status::ready) return true;
    const int writer = ::open((root_ + "/fifo").c_str(), O_WRONLY | O_NONBLOCK);
    done.wait();
    if (writer >= 0) ::close(writer);
    return false;
  }

  std::string base_;
  std::string root_;
  int root_fd_ = -1;
};

// ---------------------------------------------------------------------------------------------
// DirectFileOpener

class DirectFileOpener : public DocumentRoot {
 protected:
  // Opens `path`; returns the errno value and leaves the file in file_ for inspection.
  int open(const std::string& path) {
    app::DirectFileOpener opener(root_fd_);
    opener.release(file_);
    return opener.open(path, file_);
  }

  void TearDown() override {
    app::DirectFileOpener(root_fd_).release(file_);
    DocumentRoot::TearDown();
  }

  app::OpenFile file_;
};

TEST_F(DirectFileOpener, OpensRegularFile) {
  ASSERT_EQ(open("file.txt"), 0);
  EXPECT_GE(file_.fd, 0);
  EXPECT_TRUE(S_ISREG(file_.info.st_mode));
  EXPECT_EQ(static_cast<std::uint64_t>(file_.info.st_size), kFileSize);
  char byte = 0;
  EXPECT_EQ(::read(file_.fd, &byte, 1), 1);  // opened for reading
  EXPECT_EQ(byte, 'x');
}

TEST_F(DirectFileOpener, OpensNestedFile) {
  ASSERT_EQ(open("dir/nested.txt"), 0);
  EXPECT_TRUE(S_ISREG(file_.info.st_mode));
  EXPECT_EQ(file_.info.st_size, 6);
}

TEST_F(DirectFileOpener, MissingFileIsEnoent) {
  EXPECT_EQ(open("missing.txt"), ENOENT);
  EXPECT_EQ(file_.fd, -1);
  EXPECT_EQ(open("dir/missing/x"), ENOENT);
}

TEST_F(DirectFileOpener, FileUsedAsDirectoryIsEnotdir) {
  EXPECT_EQ(open("file.txt/x"), ENOTDIR);
}

TEST_F(DirectFileOpener, DirectoryOpens) {
  ASSERT_EQ(open("dir"), 0);
  EXPECT_TRUE(S_ISDIR(file_.info.st_mode));
}

TEST_F(DirectFileOpener, EmptyPathIsTheRoot) {
  ASSERT_EQ(open(""), 0);
  EXPECT_TRUE(S_ISDIR(file_.info.st_mode));
  struct stat root_info {};
  ASSERT_EQ(stat(root_.c_str(), &root_info), 0);
  EXPECT_EQ(file_.info.st_ino, root_info.st_ino);
}

TEST_F(DirectFileOpener, SymlinkInsideRootIsFollowed) {
  ASSERT_EQ(open("link_inside"), 0);
  EXPECT_TRUE(S_ISREG(file_.info.st_mode));
  EXPECT_EQ(static_cast<std::uint64_t>(file_.info.st_size), kFileSize);
}

TEST_F(DirectFileOpener, AbsoluteSymlinkIsRefused) {
  EXPECT_EQ(open("link_passwd"), EXDEV);
  EXPECT_EQ(file_.fd, -1);
}

TEST_F(DirectFileOpener, RelativeSymlinkLeavingRootIsRefused) {
  EXPECT_EQ(open("link_outside"), EXDEV);
}

TEST_F(DirectFileOpener, SymlinkedDirectoryLeavingRootIsRefused) {
  EXPECT_EQ(open("link_dir_outside/secret.txt"), EXDEV);
  EXPECT_EQ(open("link_dir_outside"), EXDEV);
}

// decode_target_path() never lets these through; the kernel refuses them anyway.
TEST_F(DirectFileOpener, DotDotAndAbsolutePathsAreRefused) {
  EXPECT_EQ(open("../outside.txt"), EXDEV);
  EXPECT_EQ(open("dir/../../outside.txt"), EXDEV);
  EXPECT_EQ(open("/etc/passwd"), EXDEV);
}

TEST_F(DirectFileOpener, FifoOpensWithoutWaitingForAWriter) {
  int error = -1;
  ASSERT_TRUE(finishes_despite_fifo([&] { error = open("fifo"); }));
  ASSERT_EQ(error, 0);
  EXPECT_TRUE(S_ISFIFO(file_.info.st_mode));
}

TEST_F(DirectFileOpener, ReleaseClosesOnceAndForgets) {
  ASSERT_EQ(open("file.txt"), 0);
  const int fd = file_.fd;
  app::DirectFileOpener opener(root_fd_);
  opener.release(file_);
  EXPECT_EQ(file_.fd, -1);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);  // closed
  opener.release(file_);              // releasing an empty OpenFile is harmless
  EXPECT_EQ(file_.fd, -1);
}

// ---------------------------------------------------------------------------------------------
// ReplyWithFile

class ReplyWithFile : public DocumentRoot {
 protected:
  void SetUp() override {
    DocumentRoot::SetUp();
    opener_.emplace(root_fd_);
    scratch_.reserve(256);
  }

  void TearDown() override {
    release();
    DocumentRoot::TearDown();
  }

  // Releases the previous answer, then answers `request` for the decoded `path`.
  const app::Reply& answer(const http::Request& request, const std::string& path) {
    release();
    app::reply_with_file(request, path, *opener_, scratch_, reply_);
    return reply_;
  }

  void release() {
    if (opener_) opener_->release(reply_.file);
    reply_.reset();
  }

  static http::Request request(http::Method method = http::Method::Get) {
    http::Request r;
    r.method = method;
    return r;
  }

  static http::Request with_range(std::string_view range) {
    http::Request r = request();
    r.range = range;
    return r;
  }

  static http::Request with_if_range(std::string_view range, std::string_view validator) {
    http::Request r = with_range(range);
    r.headers[0] = {"If-Range", validator};
    r.header_count = 1;
    return r;
  }

  std::optional<app::DirectFileOpener> opener_;
  std::string scratch_;
  app::Reply reply_;
};

TEST_F(ReplyWithFile, ServesRegularFile) {
  const app::Reply& r = answer(request(), "file.txt");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_TRUE(r.head.has_content_length);
  EXPECT_EQ(r.head.content_length, kFileSize);
  EXPECT_EQ(r.head.content_type, http::mime_type_for("file.txt"));
  EXPECT_EQ(r.head.etag, kFileEtag);
  EXPECT_EQ(r.head.last_modified, kFileLastModified);
  EXPECT_TRUE(r.head.accept_ranges);
  EXPECT_TRUE(r.head.content_range.empty());
  EXPECT_TRUE(r.head.location.empty());
  EXPECT_EQ(r.body.kind, Body::File);
  EXPECT_EQ(r.body.file_offset, 0u);
  EXPECT_GE(r.file.fd, 0);  // left open for the caller to send and release
  // The caller's fields stay untouched.
  EXPECT_TRUE(r.head.date.empty());
  EXPECT_EQ(r.head.connection, http::ConnectionHeader::None);
}

TEST_F(ReplyWithFile, EtagChangesWithTheFile) {
  const std::string before(answer(request(), "file.txt").head.etag);
  write_file("root/file.txt", std::string(kFileSize, 'y'));  // same size, new mtime
  EXPECT_NE(answer(request(), "file.txt").head.etag, before);
}

TEST_F(ReplyWithFile, HeadGetsTheReplyOfGet) {
  // The session leaves the body out for HEAD (session_test.cpp); the reply is GET's.
  const app::Reply& r = answer(request(http::Method::Head), "file.txt");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, kFileSize);
  EXPECT_EQ(r.head.etag, kFileEtag);
  EXPECT_EQ(r.head.last_modified, kFileLastModified);
  EXPECT_EQ(r.body.kind, Body::File);
}

TEST_F(ReplyWithFile, SymlinkInsideRootIsServed) {
  const app::Reply& r = answer(request(), "link_inside");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, kFileSize);
}

TEST_F(ReplyWithFile, RootServesItsIndex) {
  const app::Reply& r = answer(request(), "");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, kRootIndex.size());
  EXPECT_EQ(r.head.content_type, http::mime_type_for("index.html"));
  EXPECT_EQ(r.body.kind, Body::File);
}

TEST_F(ReplyWithFile, DirectoryWithSlashServesItsIndex) {
  const app::Reply& r = answer(request(), "dir/");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, kDirIndex.size());
  EXPECT_EQ(r.head.content_type, http::mime_type_for("index.html"));
  EXPECT_EQ(r.body.kind, Body::File);
}

TEST_F(ReplyWithFile, DirectoryWithoutSlashRedirects) {
  const app::Reply& r = answer(request(), "dir");
  EXPECT_EQ(r.head.status, 301);
  EXPECT_EQ(r.head.location, "/dir/");
  EXPECT_EQ(r.body.kind, Body::Memory);
  EXPECT_EQ(r.body.memory, "301 Moved Permanently\n");
  EXPECT_EQ(r.head.content_length, r.body.memory.size());
  EXPECT_EQ(r.file.fd, -1);  // the directory was released here
}

TEST_F(ReplyWithFile, RedirectEscapesTheLocation) {
  EXPECT_EQ(answer(request(), "a b%").head.location, "/a%20b%25/");
  EXPECT_EQ(answer(request(), "q?#\xC3\xA9").head.location, "/q%3F%23%C3%A9/");
}

TEST_F(ReplyWithFile, HeadRedirectsLikeGet) {
  const app::Reply& r = answer(request(http::Method::Head), "dir");
  EXPECT_EQ(r.head.status, 301);
  EXPECT_EQ(r.head.location, "/dir/");
}

TEST_F(ReplyWithFile, NotFound) {
  // Missing, a file used as a directory, no index, an index that is a directory, symlinks
  // leaving the root, a socket: all the same 404, with nothing left open.
  for (const char* path : {"missing.txt", "file.txt/", "empty_dir/", "index_is_dir/", "link_passwd",
                           "link_outside", "link_dir_outside/secret.txt", "socket"}) {
    SCOPED_TRACE(path);
    const app::Reply& r = answer(request(), path);
    EXPECT_EQ(r.head.status, 404);
    EXPECT_EQ(r.body.kind, Body::Memory);
    EXPECT_EQ(r.body.memory, "404 Not Found\n");
    EXPECT_EQ(r.head.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(r.file.fd, -1);
  }
}

TEST_F(ReplyWithFile, FifoIsNotServed) {
  ASSERT_TRUE(finishes_despite_fifo([&] { answer(request(), "fifo"); }));
  EXPECT_EQ(reply_.head.status, 404);
  EXPECT_EQ(reply_.file.fd, -1);
}

void expect_not_modified(const app::Reply& r) {
  EXPECT_EQ(r.head.status, 304);
  EXPECT_FALSE(r.head.has_content_length);
  EXPECT_EQ(r.body.kind, Body::None);
  EXPECT_EQ(r.head.etag, kFileEtag);
  EXPECT_EQ(r.head.last_modified, kFileLastModified);
  EXPECT_TRUE(r.head.content_type.empty());
  EXPECT_TRUE(r.head.content_range.empty());
  EXPECT_GE(r.file.fd, 0);  // the caller releases it, as for a 200
}

TEST_F(ReplyWithFile, IfNoneMatchThatMatchesIs304) {
  for (std::string_view value :
       {std::string_view(kFileEtag), std::string_view("W/\"97-3b9aca00-5\""),
        std::string_view("\"old\", W/\"97-3b9aca00-5\""),
        std::string_view("\"a\",\"b\" ,\t\"97-3b9aca00-5\""), std::string_view("*")}) {
    SCOPED_TRACE(std::string(value));
    http::Request r = request();
    r.if_none_match = value;
    expect_not_modified(answer(r, "file.txt"));
  }
}

TEST_F(ReplyWithFile, IfNoneMatchThatDoesNotMatchIs200) {
  for (std::string_view value :
       {"\"old\"", "\"97-3b9aca00-6\"", "W/\"old\", \"other\"", "97-3b9aca00-5", "\"unclosed"}) {
    SCOPED_TRACE(std::string(value));
    http::Request r = request();
    r.if_none_match = value;
    const app::Reply& reply = answer(r, "file.txt");
    EXPECT_EQ(reply.head.status, 200);
    EXPECT_EQ(reply.body.kind, Body::File);
  }
}

TEST_F(ReplyWithFile, HeadIfNoneMatchIs304) {
  http::Request r = request(http::Method::Head);
  r.if_none_match = kFileEtag;
  expect_not_modified(answer(r, "file.txt"));
}

TEST_F(ReplyWithFile, IfModifiedSince) {
  struct Case {
    std::string_view date;
    int status;
  };
  const Case cases[] = {
      {kFileLastModified, 304},                // equal
      {"Mon, 10 Sep 2001 00:00:00 GMT", 304},  // later
      {"Sun, 09 Sep 2001 01:46:39 GMT", 200},  // one second earlier
      {"yesterday", 200},                      // not a date: ignored
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.date));
    http::Request r = request();
    r.if_modified_since = c.date;
    const app::Reply& reply = answer(r, "file.txt");
    EXPECT_EQ(reply.head.status, c.status);
    if (c.status == 304) {
      expect_not_modified(reply);
    }
  }
}

TEST_F(ReplyWithFile, IfNoneMatchOverridesIfModifiedSince) {
  http::Request r = request();
  r.if_none_match = "\"old\"";
  r.if_modified_since = kFileLastModified;
  EXPECT_EQ(answer(r, "file.txt").head.status, 200);
}

TEST_F(ReplyWithFile, NotModifiedWinsOverRange) {
  http::Request r = with_range("bytes=0-9");
  r.if_none_match = kFileEtag;
  expect_not_modified(answer(r, "file.txt"));
}

struct RangeCase {
  std::string_view range;
  int status;
  std::uint64_t offset;  // 200 and 206
  std::uint64_t length;
  std::string_view content_range;
};

constexpr std::string_view k416Text = "416 Range Not Satisfiable\n";

constexpr RangeCase kRangeCases[] = {
    {"bytes=0-9", 206, 0, 10, "bytes 0-9/151"},
    {"bytes=5-", 206, 5, 146, "bytes 5-150/151"},
    {"bytes=-3", 206, 148, 3, "bytes 148-150/151"},
    {"bytes=0-999999", 206, 0, 151, "bytes 0-150/151"},  // clipped to the file
    {"bytes=150-150", 206, 150, 1, "bytes 150-150/151"},
    {"bytes=-500", 206, 0, 151, "bytes 0-150/151"},  // longer suffix than file: all of it
    {"BYTES=1-2", 206, 1, 2, "bytes 1-2/151"},       // the unit is case-insensitive
    {"bytes= 1-2 ", 206, 1, 2, "bytes 1-2/151"},
    {"bytes=0-99999999999999999999999", 206, 0, 151, "bytes 0-150/151"},
    // Unsatisfiable.
    {"bytes=151-", 416, 0, k416Text.size(), "bytes */151"},
    {"bytes=151-200", 416, 0, k416Text.size(), "bytes */151"},
    {"bytes=99999999999999999999999-", 416, 0, k416Text.size(), "bytes */151"},
    {"bytes=-0", 416, 0, k416Text.size(), "bytes */151"},
    // Ignored: the whole file.
    {"bytes=0-1,5-6", 200, 0, 151, ""},
    {"bytes=0-1, 5-6", 200, 0, 151, ""},
    {"bytes=abc", 200, 0, 151, ""},
    {"items=0-1", 200, 0, 151, ""},
    {"bytes=5-2", 200, 0, 151, ""},
    {"bytes=-", 200, 0, 151, ""},
    {"bytes=1", 200, 0, 151, ""},
    {"bytes 0-1", 200, 0, 151, ""},
    {"bytes=", 200, 0, 151, ""},
    {"bytes=1-2-3", 200, 0, 151, ""},
    {"bytes=+1-2", 200, 0, 151, ""},
};

TEST_F(ReplyWithFile, Ranges) {
  for (const RangeCase& c : kRangeCases) {
    SCOPED_TRACE(std::string(c.range));
    const app::Reply& r = answer(with_range(c.range), "file.txt");
    EXPECT_EQ(r.head.status, c.status);
    EXPECT_EQ(r.head.content_length, c.length);
    EXPECT_EQ(r.head.content_range, c.content_range);
    if (c.status == 416) {
      EXPECT_EQ(r.body.kind, Body::Memory);
      EXPECT_EQ(r.body.memory, k416Text);
    } else {
      EXPECT_EQ(r.body.kind, Body::File);
      EXPECT_EQ(r.body.file_offset, c.offset);
      EXPECT_EQ(r.head.etag, kFileEtag);
      EXPECT_TRUE(r.head.accept_ranges);
    }
  }
}

TEST_F(ReplyWithFile, HeadIgnoresRange) {
  // Range is defined for GET only; HEAD gets the 200 head (RFC 9110 §14.2).
  http::Request r = with_range("bytes=0-9");
  r.method = http::Method::Head;
  const app::Reply& reply = answer(r, "file.txt");
  EXPECT_EQ(reply.head.status, 200);
  EXPECT_EQ(reply.head.content_length, kFileSize);
  EXPECT_EQ(reply.body.file_offset, 0u);
}

TEST_F(ReplyWithFile, AnyRangeOfAnEmptyFileIsUnsatisfiable) {
  EXPECT_EQ(answer(request(), "empty.txt").head.content_length, 0u);
  for (std::string_view range : {"bytes=0-", "bytes=0-0", "bytes=-1"}) {
    SCOPED_TRACE(std::string(range));
    const app::Reply& r = answer(with_range(range), "empty.txt");
    EXPECT_EQ(r.head.status, 416);
    EXPECT_EQ(r.head.content_range, "bytes */0");
  }
}

TEST_F(ReplyWithFile, IfRange) {
  struct Case {
    std::string_view validator;
    int status;
  };
  const Case cases[] = {
      {kFileEtag, 206},                        // still the same file: the range applies
      {"\"old\"", 200},                        // changed: the whole new file
      {"W/\"97-3b9aca00-5\"", 200},            // weak tags never match here
      {kFileLastModified, 206},                // the date it was last modified
      {"Sun, 09 Sep 2001 01:46:39 GMT", 200},  // any other date
      {"garbage", 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.validator));
    EXPECT_EQ(answer(with_if_range("bytes=0-9", c.validator), "file.txt").head.status, c.status);
  }
}

TEST_F(ReplyWithFile, ReleasesEverythingItOpened) {
  const std::size_t before = open_fd_count();
  for (const char* path :
       {"file.txt", "dir", "dir/", "empty_dir/", "index_is_dir/", "missing", "link_outside", ""}) {
    answer(request(), path);
    answer(with_range("bytes=999-"), path);
    http::Request r = request();
    r.if_none_match = "*";
    answer(r, path);
  }
  release();
  EXPECT_EQ(open_fd_count(), before);
}

// ---------------------------------------------------------------------------------------------
// ReplyWithError

TEST(ReplyWithError, NotFound) {
  app::Reply r;
  app::reply_with_error(404, r);
  EXPECT_EQ(r.head.status, 404);
  EXPECT_EQ(r.body.kind, Body::Memory);
  EXPECT_EQ(r.body.memory, "404 Not Found\n");
  EXPECT_TRUE(r.head.has_content_length);
  EXPECT_EQ(r.head.content_length, r.body.memory.size());
  EXPECT_EQ(r.head.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(r.head.allow.empty());
}

TEST(ReplyWithError, MethodNotAllowedCarriesAllow) {
  app::Reply r;
  app::reply_with_error(405, r, "GET, HEAD");
  EXPECT_EQ(r.head.status, 405);
  EXPECT_EQ(r.head.allow, "GET, HEAD");
  EXPECT_EQ(r.body.memory, "405 Method Not Allowed\n");
}

TEST(ReplyWithError, EveryBodyNamesItsStatus) {
  for (int status : {301, 400, 403, 404, 405, 408, 413, 414, 416, 417, 431, 500, 501, 503, 505}) {
    SCOPED_TRACE(status);
    app::Reply first;
    app::Reply second;
    app::reply_with_error(status, first);
    app::reply_with_error(status, second);
    EXPECT_EQ(first.body.memory,
              std::to_string(status) + " " + std::string(http::reason_phrase(status)) + "\n");
    EXPECT_EQ(first.head.content_length, first.body.memory.size());
    EXPECT_EQ(first.body.memory.data(),
              second.body.memory.data());  // static text, nothing allocated
  }
}

TEST(ReplyWithError, ResetForgetsTheReply) {
  app::Reply r;
  app::reply_with_error(405, r, "GET, HEAD");
  r.location = "/dir/";
  r.head.location = r.location;
  r.file.fd = 42;  // reset() forgets the file without closing it: releasing is the caller's job
  r.body.file_offset = 7;
  r.reset();
  EXPECT_EQ(r.head.status, 200);
  EXPECT_TRUE(r.head.allow.empty());
  EXPECT_TRUE(r.head.location.empty());
  EXPECT_TRUE(r.head.content_type.empty());
  EXPECT_EQ(r.body.kind, Body::None);
  EXPECT_TRUE(r.body.memory.empty());
  EXPECT_EQ(r.file.fd, -1);
  EXPECT_EQ(r.body.file_offset, 0u);
  EXPECT_TRUE(r.location.empty());
}

// ---------------------------------------------------------------------------------------------
// ReplyWithEcho

TEST(ReplyWithEcho, SendsThePayloadBack) {
  const std::string payload("hello\r\n\0world", 13);
  app::Reply r;
  app::reply_with_echo(payload, r);
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_type, "application/octet-stream");
  EXPECT_EQ(r.head.content_length, payload.size());
  EXPECT_EQ(r.body.kind, Body::Memory);
  EXPECT_EQ(r.body.memory.data(), payload.data());  // no copy
  EXPECT_EQ(r.body.memory.size(), payload.size());
}

TEST(ReplyWithEcho, EmptyPayload) {
  app::Reply r;
  app::reply_with_echo({}, r);
  EXPECT_EQ(r.head.status, 200);
  EXPECT_TRUE(r.head.has_content_length);
  EXPECT_EQ(r.head.content_length, 0u);
  EXPECT_EQ(r.body.kind, Body::Memory);
}

}  // namespace

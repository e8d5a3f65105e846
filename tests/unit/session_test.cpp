// HttpSession: the protocol side of a connection, driven here without a socket. The tests play
// the part of a step: they feed bytes in, carry out each Action, and read what would be sent.
#include "app/session.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <string>

#include "net/startup.hpp"
#include "test_support.hpp"

// Counts heap allocations made by this thread while `counting` is set, so a test can check
// that the hot path allocates nothing. Replacing the global operator new is the one way to see
// every allocation, the standard library's included.
namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that every operator new here allocates with malloc, and takes the free() below
// for a mismatched deallocation when it inlines both (-Wmismatched-new-delete); it is not one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace tenk::app {
namespace {

namespace fs = std::filesystem;

using tenk::testing::FixedDate;

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tenk-session-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::ofstream(dir_ + "/hello.txt") << "hello";
    root_fd_ = net::open_document_root(dir_);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override {
    close(root_fd_);
    fs::remove_all(dir_);
  }

  // Feeds `input` in pieces of `piece` bytes (the whole input once it is all in), carrying out
  // the session's actions; returns every byte the session would have sent.
  std::string converse(HttpSession& session, std::string_view input, std::size_t piece,
                       bool close_input_at_end = true) {
    std::string output;
    for (int guard = 0; guard < 100000; ++guard) {
      switch (session.next()) {
        case HttpSession::Action::Receive: {
          if (input.empty()) {
            if (!close_input_at_end) return output;
            session.peer_closed();
            break;
          }
          std::span<char> space = session.receive_space();
          std::size_t n = std::min({piece, input.size(), space.size()});
          std::copy_n(input.data(), n, space.data());
          input.remove_prefix(n);
          session.received(n);
          break;
        }
        case HttpSession::Action::Respond: {
          output += session.header();
          const ResponseBody& body = session.body();
          if (body.kind == ResponseBody::Kind::Memory) output += body.memory;
          if (body.kind == ResponseBody::Kind::File) {
            std::string bytes(body.length, '\0');
            EXPECT_EQ(pread(body.file_fd, bytes.data(), bytes.size(),
                            static_cast<off_t>(body.file_offset)),
                      static_cast<ssize_t>(bytes.size()));
            output += bytes;
          }
          session.sent();
          break;
        }
        case HttpSession::Action::Close:
          output += "<close>";
          return output;
      }
    }
    ADD_FAILURE() << "the session never finished";
    return output;
  }

  std::string dir_;
  int root_fd_ = -1;
  FixedDate date_;
};

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(SessionTest, OneGetThenPeerClose) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 1 << 20);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\n\r\nhello<close>"), std::string::npos) << out;
}

TEST_F(SessionTest, SameTranscriptWhateverTheSplit) {
  const std::string input =
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
      "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  DirectFileOpener files(root_fd_);
  HttpSession reference(files, date_);
  const std::string expected = converse(reference, input, input.size());
  EXPECT_EQ(count(expected, "HTTP/1.1 "), 4u) << expected;
  for (std::size_t piece = 1; piece < 64; ++piece) {
    HttpSession session(files, date_);
    EXPECT_EQ(converse(session, input, piece), expected) << "piece " << piece;
  }
}

TEST_F(SessionTest, ErrorClosesAfterAnswer) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out =
      converse(session, "GET / HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 1 << 20,
               /*close_input_at_end=*/false);
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(count(out, "HTTP/1.1 "), 1u) << "nothing is answered after an error";
  EXPECT_NE(out.find("<close>"), std::string::npos);
}

TEST_F(SessionTest, ExpectContinueSendsInterimFirst) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session,
                             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                             "Expect: 100-continue\r\n\r\nok",
                             1 << 20);
  EXPECT_EQ(out.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\r\n\r\nok<close>"), std::string::npos);
}

// client_ends_after() lets step 13 hold an answer back until close(): true only when nothing
// can follow the answer, never for an interim response or a close the server chose.
TEST_F(SessionTest, ClientEndsAfterOnlyWhenTheClientSaidSoAndNothingFollows) {
  DirectFileOpener files(root_fd_);
  auto first_answer = [&](std::string_view input) {
    auto session = std::make_unique<HttpSession>(files, date_);
    for (int guard = 0; guard < 1000 && session->next() == HttpSession::Action::Receive; ++guard) {
      std::span<char> space = session->receive_space();
      const std::size_t n = std::min(input.size(), space.size());
      std::copy_n(input.data(), n, space.data());
      input.remove_prefix(n);
      session->received(n);
    }
    return session;
  };
  EXPECT_TRUE(first_answer("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  ->client_ends_after());
  EXPECT_TRUE(first_answer("GET /hello.txt HTTP/1.0\r\n\r\n")->client_ends_after());
  EXPECT_FALSE(first_answer("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")->client_ends_after());
  EXPECT_FALSE(first_answer("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            "GET / HTTP/1.1\r\n")
                   ->client_ends_after())
      << "bytes after the request: a close would reset the connection";
  EXPECT_FALSE(first_answer("GET / HTTP/1.1\r\n\r\n")->client_ends_after())
      << "a 400 is the server's choice to close";
  EXPECT_FALSE(first_answer("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n")
                   ->client_ends_after())
      << "100 Continue: the real answer follows";
}

TEST_F(SessionTest, StopClosesIdleAndMarksLastResponse) {
  DirectFileOpener files(root_fd_);
  HttpSession idle(files, date_);
  EXPECT_EQ(idle.next(), HttpSession::Action::Receive);
  EXPECT_TRUE(idle.idle());
  idle.stop();
  EXPECT_EQ(idle.next(), HttpSession::Action::Close);

  HttpSession busy(files, date_);
  std::string request = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(busy.next(), HttpSession::Action::Receive);
  std::span<char> space = busy.receive_space();
  std::copy(request.begin(), request.end(), space.begin());
  busy.received(request.size());
  busy.stop();
  ASSERT_EQ(busy.next(), HttpSession::Action::Respond);
  EXPECT_NE(busy.header().find("Connection: close\r\n"), std::string::npos);
  busy.sent();
  EXPECT_EQ(busy.next(), HttpSession::Action::Close);
}

TEST_F(SessionTest, Http10KeepAliveEchoed) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session,
                             "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                             "GET /hello.txt HTTP/1.0\r\n\r\n",
                             7);
  EXPECT_EQ(count(out, "Connection: keep-alive\r\n"), 1u) << out;
  EXPECT_EQ(count(out, "Connection: close\r\n"), 1u) << out;
}

TEST_F(SessionTest, HeadSendsTheHeadOfGetAndNoBody) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session, "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 1 << 20);
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\n<close>"), std::string::npos) << out;
}

// A body the server does not want is still read before the answer, so bad framing gets a 400
// (and a close) instead of a 200 followed by a close, whatever the split.
TEST_F(SessionTest, MalformedBodyOfGetIsAnswered400) {
  const std::string bad_bodies[] = {
      "5\r\nhelloXX0\r\n\r\n",     // chunk data not followed by CRLF
      "5\nhello\r\n0\r\n\r\n",     // chunk size line ended by a bare LF
      "zz\r\nhello\r\n0\r\n\r\n",  // not a chunk size
  };
  DirectFileOpener files(root_fd_);
  for (const std::string& body : bad_bodies) {
    const std::string input =
        "GET /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, input.size()}) {
      HttpSession session(files, date_);
      std::string out = converse(session, input, piece, /*close_input_at_end=*/false);
      EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << body << out;
      EXPECT_EQ(count(out, "HTTP/1.1 "), 1u) << out;
      EXPECT_NE(out.find("<close>"), std::string::npos) << out;
    }
  }
}

TEST_F(SessionTest, OversizedBodyOfGetIsAnswered413) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session,
                             "GET /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n200000\r\n",
                             1 << 20, /*close_input_at_end=*/false);
  EXPECT_EQ(out.rfind("HTTP/1.1 413 Content Too Large\r\n", 0), 0u) << out;
}

TEST_F(SessionTest, WellFramedBodyOfGetIsSkipped) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  std::string out = converse(session,
                             "GET /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: t\r\n\r\n"
                             "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
                             3);
  EXPECT_EQ(count(out, "HTTP/1.1 200 OK\r\n"), 2u) << out;
}

// An idle connection holds no workspace (receive buffer, request, reply): that is what keeps
// 10,000 idle keep-alive connections small.
TEST_F(SessionTest, IdleSessionHoldsNoWorkspace) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  EXPECT_FALSE(session.holds_workspace());
  ASSERT_EQ(session.next(), HttpSession::Action::Receive);
  session.receive_space();
  EXPECT_TRUE(session.holds_workspace());
  session.receive_would_block();  // nothing arrived
  EXPECT_FALSE(session.holds_workspace());

  const std::string request = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  std::span<char> space = session.receive_space();
  std::copy(request.begin(), request.end(), space.begin());
  session.received(request.size() - 5);  // a partial request keeps its buffer
  ASSERT_EQ(session.next(), HttpSession::Action::Receive);
  session.receive_would_block();
  EXPECT_TRUE(session.holds_workspace());
  session.receive_space();  // the rest of the request is already in place
  session.received(5);
  ASSERT_EQ(session.next(), HttpSession::Action::Respond);
  session.receive_would_block();  // ignored while a response is out
  EXPECT_TRUE(session.holds_workspace());
  session.sent();
  ASSERT_EQ(session.next(), HttpSession::Action::Receive);
  session.receive_would_block();
  EXPECT_FALSE(session.holds_workspace());
}

// A session destroyed in the middle of a response (its client reset; sent() never ran) hands
// its workspace back to the thread's pool with the reply half-used. The next session on the
// thread takes that workspace, and its answer must owe nothing to the previous one.
TEST_F(SessionTest, AbandonedResponseLeavesNothingForTheNextSession) {
  DirectFileOpener files(root_fd_);
  const std::string requests[] = {
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=1-2\r\n\r\n",  // 206
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n",  // 304
      "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n",                        // 404
  };
  for (const std::string& request : requests) {
    {
      HttpSession abandoned(files, date_);
      ASSERT_EQ(abandoned.next(), HttpSession::Action::Receive);
      std::span<char> space = abandoned.receive_space();
      std::copy(request.begin(), request.end(), space.begin());
      abandoned.received(request.size());
      ASSERT_EQ(abandoned.next(), HttpSession::Action::Respond);
    }  // destroyed while responding
    HttpSession next(files, date_);
    std::string out = converse(next, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 1 << 20);
    EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
    EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos) << "after " << request << out;
    EXPECT_EQ(out.find("Content-Range"), std::string::npos) << "after " << request << out;
    EXPECT_NE(out.find("\r\n\r\nhello<close>"), std::string::npos) << out;
  }
}

// Keep-alive requests served the way an event loop serves them (receive, respond, wait)
// allocate nothing once the thread's pool holds a workspace.
TEST_F(SessionTest, KeepAliveRequestsDoNotAllocate) {
  DirectFileOpener files(root_fd_);
  HttpSession session(files, date_);
  const std::string request = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  auto serve_one = [&] {
    EXPECT_EQ(session.next(), HttpSession::Action::Receive);
    std::span<char> space = session.receive_space();
    std::copy(request.begin(), request.end(), space.begin());
    session.received(request.size());
    EXPECT_EQ(session.next(), HttpSession::Action::Respond);
    session.sent();
    EXPECT_EQ(session.next(), HttpSession::Action::Receive);
    session.receive_would_block();
  };
  serve_one();  // warm-up: the pool's first workspace is allocated here
  allocations = 0;
  counting = true;
  for (int i = 0; i < 100; ++i) serve_one();
  counting = false;
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace tenk::app

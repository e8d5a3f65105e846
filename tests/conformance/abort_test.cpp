// What one client leaves behind for the next. A client that goes away in the middle of a
// response (a reset, a close) ends its connection on a path the happy cases never take: the
// send fails, and the session is destroyed without its response ever being "sent". Whatever
// that session held (its workspace, its reply, its open file) must come back clean, or the next
// connection served by the same thread answers with a stranger's headers.
//
// Every case here: client A does something rude, then a victim connection B asks for two
// ordinary files on one keep-alive connection, and each answer must be exactly right: the
// status, a Content-Length equal to the body, and no header that belongs to A's answer. The
// server runs one worker and one thread, so that A and B are served by the same thread (and so
// by the same workspace pool).
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace tenk::testing {
namespace {

using std::chrono::milliseconds;

class AbortedResponse : public Conformance {
 protected:
  void SetUp() override {
    if (const std::string why = why_unrunnable(GetParam()); !why.empty()) {
      GTEST_SKIP() << GetParam().binary << ": " << why;
    }
    server_ = start({"--workers", "1", "--threads", "1"});
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  // A client whose receive buffer is small, so that the server's send() runs out of space
  // early and the response is still in flight when the client goes away.
  std::unique_ptr<Client> slow_client() {
    auto client = std::make_unique<Client>(port_);
    int small = 16 << 10;
    setsockopt(client->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    return client;
  }

  // Reads from `client` until `bytes` bytes have arrived (or 5 s passed).
  static void read_some(Client& client, std::size_t bytes) {
    std::vector<char> chunk(4096);
    for (std::size_t got = 0; got < bytes;) {
      ssize_t n = recv(client.fd(), chunk.data(), chunk.size(), 0);
      if (n <= 0) return;
      got += static_cast<std::size_t>(n);
    }
  }

  // Client A is gone; give the server a moment to notice (its send fails) before the victim.
  static void let_the_server_notice() { std::this_thread::sleep_for(milliseconds(150)); }

  // The victim: two ordinary GETs on one keep-alive connection, each answered exactly.
  void expect_next_client_answered_exactly() {
    Client victim(port_);
    ASSERT_TRUE(victim.connected());
    expect_exact_200(victim, "/hello.txt", "hello, world\n", "text/plain; charset=utf-8");
    expect_exact_200(victim, "/index.html", DocumentRoot::kIndex, "text/html; charset=utf-8");
  }

  static void expect_exact_200(Client& client, std::string_view target, std::string_view body,
                               std::string_view content_type) {
    ASSERT_TRUE(client.send(get_request(target)));
    Response response = client.read_response();
    EXPECT_EQ(response.status_line, "HTTP/1.1 200 OK") << target;
    EXPECT_EQ(response.header("Content-Length"), std::to_string(body.size())) << target;
    EXPECT_EQ(response.body, body) << target;
    EXPECT_EQ(response.header("Content-Type"), content_type) << target;
    // Exactly the fields of a 200 for a file, each once: nothing left over from another answer
    // (Content-Range, Location, Allow, Connection: close...).
    const std::multiset<std::string> expected = {"Server",         "Date",          "Content-Type",
                                                 "Content-Length", "Last-Modified", "ETag",
                                                 "Accept-Ranges"};
    std::multiset<std::string> names;
    for (const auto& [name, value] : response.headers) names.insert(name);
    EXPECT_EQ(names, expected) << target << " answered with the wrong header fields";
  }
};

TEST_P(AbortedResponse, ARangeResetAfterItsHead) {
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Range: bytes=100-16000000\r\n")));
  read_some(*a, 1000);  // the head and a little of the body
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, AWholeFileResetAfterItsHead) {
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin")));
  read_some(*a, 1000);
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, ANotModifiedResetAtOnce) {
  // The 304 has no Content-Length; a victim that inherited that would hang a keep-alive client.
  Client a(port_);
  ASSERT_TRUE(a.send(get_request("/hello.txt", "If-None-Match: *\r\n")));
  a.reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, ARedirectResetAtOnce) {
  Client a(port_);
  ASSERT_TRUE(a.send(get_request("/sub")));  // 301 with Location: /sub/
  a.reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, ARangePipelinedWithANotModifiedReset) {
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Range: bytes=5-9999999\r\n") +
                      get_request("/hello.txt", "If-None-Match: *\r\n")));
  read_some(*a, 1000);
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, AnEchoThenARangeReset) {
  auto a = slow_client();
  ASSERT_TRUE(a->send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello" +
                      get_request("/huge.bin", "Range: bytes=0-9999999\r\n")));
  read_some(*a, 1000);
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, ASlowReaderResetMidBody) {
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Range: bytes=1-12000000\r\n")));
  for (int i = 0; i < 10; ++i) {  // reads a little at a time, then gives up
    read_some(*a, 16 << 10);
    std::this_thread::sleep_for(milliseconds(10));
  }
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, AClientThatClosesWithoutReadingAnything) {
  // A plain close (FIN, not a reset) with the answer unread: the server's send fails later,
  // on the reset the client's kernel sends back.
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Range: bytes=7-8000000\r\n")));
  std::this_thread::sleep_for(milliseconds(50));
  a->close();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, AClientThatAskedToCloseResetMidBody) {
  // The answer to "Connection: close" may be corked until close() (step 13): resetting in the
  // middle of it must leave nothing behind either.
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Connection: close\r\n")));
  read_some(*a, 1000);
  a->reset();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

TEST_P(AbortedResponse, AClientThatAskedToCloseThenSendsMoreAndNeverReads) {
  // Against RFC 9112 section 9.6, bytes after its own "close" request, and the answer never
  // read: the server's close() meets unread input and resets the connection.
  auto a = slow_client();
  ASSERT_TRUE(a->send(get_request("/huge.bin", "Connection: close\r\n")));
  std::this_thread::sleep_for(milliseconds(50));
  ASSERT_TRUE(a->send(get_request("/hello.txt")));
  std::this_thread::sleep_for(milliseconds(50));
  a->close();
  let_the_server_notice();
  expect_next_client_answered_exactly();
}

INSTANTIATE_TEST_SUITE_P(Steps, AbortedResponse, ::testing::ValuesIn(kSteps), step_name);

}  // namespace
}  // namespace tenk::testing

// The conformance suite's main file: files, methods, bodies, limits, timeouts, descriptors,
// signals and flags. The fixture and the step table are in conformance.hpp; the cases about
// what one client leaves behind for the next are in abort_test.cpp.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace tenk::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------- files

TEST_P(Conformance, GetIndexFromRoot) {
  Response response = round_trip(port_, get_request("/"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, DocumentRoot::kIndex);
  EXPECT_EQ(response.header("Content-Length"), std::to_string(DocumentRoot::kIndex.size()));
  EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(response.header("Server"), "tenk");
  EXPECT_EQ(response.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(response.header("Date").size(), 29u);
  EXPECT_EQ(response.header("Last-Modified").size(), 29u);
  EXPECT_FALSE(response.header("ETag").empty());
}

TEST_P(Conformance, GetTypedFilesAndSubdirectory) {
  Response css = round_trip(port_, get_request("/style.css"));
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  Response sub = round_trip(port_, get_request("/sub/"));
  EXPECT_EQ(sub.status, 200);
  EXPECT_EQ(sub.body, "<p>sub</p>\n");
  Response spaced = round_trip(port_, get_request("/a%20b.txt"));
  EXPECT_EQ(spaced.status, 200);
  EXPECT_EQ(spaced.body, "space in name\n");
  Response with_query = round_trip(port_, get_request("/hello.txt?x=1&y=2"));
  EXPECT_EQ(with_query.status, 200);
  EXPECT_EQ(with_query.body, "hello, world\n");
}

TEST_P(Conformance, AbsoluteFormTarget) {
  Response response = round_trip(port_, get_request("http://test/hello.txt"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello, world\n");
}

TEST_P(Conformance, BigFileArrivesIntact) {
  Response response = round_trip(port_, get_request("/big.bin"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), 1u << 20);
  EXPECT_TRUE(response.body == DocumentRoot::get().big_file_contents);
}

TEST_P(Conformance, HeadHasGetHeadersAndNoBody) {
  Response get = round_trip(port_, get_request("/hello.txt"));
  Client client(port_);
  client.send("HEAD /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n" + get_request("/hello.txt"));
  Response head = client.read_response(/*head_request=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "13");
  EXPECT_EQ(head.header("ETag"), get.header("ETag"));
  EXPECT_TRUE(head.body.empty());
  // Had the server sent a body after the HEAD head, this would read it as a status line.
  Response next = client.read_response();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "hello, world\n");
}

TEST_P(Conformance, NotFound) {
  Response response = round_trip(port_, get_request("/no-such-file"));
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.header("Connection"), "close");
  Response no_index = round_trip(port_, get_request("/noindex/"));
  EXPECT_EQ(no_index.status, 404);  // no directory listings
}

TEST_P(Conformance, DirectoryWithoutSlashRedirects) {
  Response response = round_trip(port_, get_request("/sub"));
  EXPECT_EQ(response.status, 301);
  EXPECT_EQ(response.header("Location"), "/sub/");
}

// ----------------------------------------------------------------------- conditional, ranges

TEST_P(Conformance, IfNoneMatchGives304) {
  Response first = round_trip(port_, get_request("/hello.txt"));
  std::string etag = first.header("ETag");
  Client client(port_);
  client.send(get_request("/hello.txt", "If-None-Match: " + etag + "\r\n"));
  Response again = client.read_response();
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), etag);
  // A 304 has no body: the next response on the connection must parse cleanly.
  client.send(get_request("/hello.txt", "If-None-Match: \"other\"\r\n"));
  EXPECT_EQ(client.read_response().status, 200);
}

TEST_P(Conformance, IfModifiedSinceGives304) {
  Response first = round_trip(port_, get_request("/hello.txt"));
  Response again = round_trip(
      port_,
      get_request("/hello.txt", "If-Modified-Since: " + first.header("Last-Modified") + "\r\n"));
  EXPECT_EQ(again.status, 304);
  Response old = round_trip(
      port_, get_request("/hello.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
  EXPECT_EQ(old.status, 200);
}

TEST_P(Conformance, SingleRangeGives206) {
  Response range = round_trip(port_, get_request("/hello.txt", "Range: bytes=0-4\r\n"));
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, "hello");
  EXPECT_EQ(range.header("Content-Range"), "bytes 0-4/13");
  Response suffix = round_trip(port_, get_request("/hello.txt", "Range: bytes=-6\r\n"));
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, "world\n");
  Response open_end = round_trip(port_, get_request("/big.bin", "Range: bytes=1048570-\r\n"));
  EXPECT_EQ(open_end.status, 206);
  EXPECT_EQ(open_end.body, DocumentRoot::get().big_file_contents.substr(1048570));
}

TEST_P(Conformance, UnsatisfiableRangeGives416) {
  Response response = round_trip(port_, get_request("/hello.txt", "Range: bytes=13-\r\n"));
  EXPECT_EQ(response.status, 416);
  EXPECT_EQ(response.header("Content-Range"), "bytes */13");
  expect_still_serving();
}

TEST_P(Conformance, HeadIgnoresRange) {
  // Range is defined for GET only (RFC 9110 §14.2).
  Response response =
      round_trip(port_, "HEAD /hello.txt HTTP/1.1\r\nHost: test\r\nRange: bytes=0-4\r\n\r\n", true);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Length"), "13");
}

TEST_P(Conformance, SeveralRangesGiveWholeFile) {
  Response response = round_trip(port_, get_request("/hello.txt", "Range: bytes=0-1,3-4\r\n"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello, world\n");
}

// -------------------------------------------------------------------- connections, versions

TEST_P(Conformance, KeepAliveServesSeveralRequests) {
  Client client(port_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.send(get_request("/hello.txt")));
    Response response = client.read_response();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "hello, world\n");
  }
}

TEST_P(Conformance, PipelinedRequestsAnsweredInOrder) {
  Client client(port_);
  ASSERT_TRUE(client.send(get_request("/hello.txt") + get_request("/style.css") +
                          get_request("/no-such") + get_request("/sub/")));
  EXPECT_EQ(client.read_response().body, "hello, world\n");
  EXPECT_EQ(client.read_response().body, "body { color: black; }\n");
  EXPECT_EQ(client.read_response().status, 404);
  EXPECT_EQ(client.read_response().body, "<p>sub</p>\n");
}

TEST_P(Conformance, ConnectionCloseIsHonoured) {
  Client client(port_);
  client.send(get_request("/hello.txt", "Connection: close\r\n"));
  Response response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_EQ(response.body, "hello, world\n");
  EXPECT_TRUE(client.closed_by_server());
}

// The last answer of a client that asked to close may be held until close() so that it leaves
// with the FIN (step 13): a body sent by sendfile() must still arrive whole before the end.
TEST_P(Conformance, ALargeAnswerBeforeAClientsCloseArrivesWhole) {
  Client client(port_);
  client.send(get_request("/big.bin", "Connection: close\r\n"));
  Response response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_TRUE(response.body == DocumentRoot::get().big_file_contents);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_P(Conformance, Http10ClosesByDefault) {
  Client client(port_);
  client.send("GET /hello.txt HTTP/1.0\r\n\r\n");
  Response response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello, world\n");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_P(Conformance, Http10KeepAliveIsEchoed) {
  Client client(port_);
  for (int i = 0; i < 3; ++i) {
    client.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    Response response = client.read_response();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Connection"), "keep-alive");
  }
}

// ------------------------------------------------------------------------------- bodies

TEST_P(Conformance, EchoReturnsContentLengthBody) {
  Response response = round_trip(
      port_, "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello there");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello there");
  EXPECT_EQ(response.header("Content-Type"), "application/octet-stream");
}

TEST_P(Conformance, ChunkedBodyThenPipelinedGet) {
  Client client(port_);
  client.send(
      "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer-Field: x\r\n\r\n" +
      get_request("/hello.txt"));
  Response echo = client.read_response();
  EXPECT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, "hello, world");
  Response next = client.read_response();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "hello, world\n");
}

TEST_P(Conformance, BodyOfGetIsSkippedNotMisread) {
  Client client(port_);
  client.send(
      "GET /hello.txt HTTP/1.1\r\nHost: test\r\nContent-Length: 18\r\n\r\n"
      "GET /nope HTTP/1.1" +
      get_request("/style.css"));
  EXPECT_EQ(client.read_response().body, "hello, world\n");
  EXPECT_EQ(client.read_response().body, "body { color: black; }\n");
}

TEST_P(Conformance, ExpectContinueOnEcho) {
  Client client(port_);
  client.send(
      "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n"
      "Expect: 100-continue\r\n\r\n");
  Response interim = client.read_response();
  EXPECT_EQ(interim.status, 100);
  client.send("ping");
  Response response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ping");
}

TEST_P(Conformance, EchoOfAMegabyteBodyArrivesWhole) {
  // Far more than one recv() returns: a step must keep reading until the socket is empty (an
  // edge-triggered loop that stops after one read would never see the rest), and far more than
  // the socket buffers hold on the way back.
  std::string body(1 << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  Client client(port_);
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
  Response echo = client.read_response();
  EXPECT_EQ(echo.status, 200);
  EXPECT_TRUE(echo.body == body) << "got " << echo.body.size() << " of " << body.size();
}

TEST_P(Conformance, BadBodyOfGetIsAnswered400) {
  // A body the server does not want is still read before the answer (docs/DESIGN.md §4), so
  // malformed framing gets 400 and a close, never a 200 and then a close.
  const char* bad_bodies[] = {
      "zz\r\n\r\n",                 // not a chunk size
      "5\r\nhelloXX0\r\n\r\n",      // chunk data not terminated by CRLF
      "5;ext\nhello\r\n0\r\n\r\n",  // chunk header ended by a bare LF
  };
  for (const char* body : bad_bodies) {
    SCOPED_TRACE(body);
    Client client(port_);
    client.send(std::string("GET /hello.txt HTTP/1.1\r\nHost: test\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n") +
                body);
    Response response = client.read_response();
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_server()) << "a second response followed";
  }
  expect_still_serving();
}

// --------------------------------------------------------------------------- bad input

TEST_P(Conformance, MethodNotAllowedHasAllow) {
  Response post =
      round_trip(port_, "POST /hello.txt HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
  Response get_echo = round_trip(port_, get_request("/echo"));
  EXPECT_EQ(get_echo.status, 405);
  EXPECT_EQ(get_echo.header("Allow"), "POST");
  Response del = round_trip(port_, "DELETE /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_EQ(del.status, 405);
  expect_still_serving();
}

TEST_P(Conformance, OptionsAsteriskGives405) {
  Response response = round_trip(port_, "OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD");
}

TEST_P(Conformance, UnknownMethodGives501) {
  expect_error_and_close("BREW /pot HTTP/1.1\r\nHost: test\r\n\r\n", 501);
}

TEST_P(Conformance, UnsupportedVersionGives505) {
  expect_error_and_close("GET / HTTP/2.0\r\nHost: test\r\n\r\n", 505);
}

TEST_P(Conformance, MalformedRequestsGive400) {
  const char* requests[] = {
      "GET / HTTP/1.1\r\n\r\n",                                      // no Host
      "GET  / HTTP/1.1\r\nHost: test\r\n\r\n",                       // two spaces
      "GET / HTTP/1.1\nHost: test\n\n",                              // bare LF
      "GET / HTTP/1.1\r\nHost : test\r\n\r\n",                       // space before colon
      "GET / HTTP/1.1\r\nHost: test\r\nX-A: 1\r\n  folded\r\n\r\n",  // obs-fold
      "GET / HTTX/1.1\r\nHost: test\r\n\r\n",                        // bad version
      "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n"
      "Transfer-Encoding: chunked\r\n\r\n",  // both framings
      "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: -1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /%zz HTTP/1.1\r\nHost: test\r\n\r\n",  // bad escape
      "GET /%00 HTTP/1.1\r\nHost: test\r\n\r\n",  // NUL
  };
  for (const char* request : requests) {
    SCOPED_TRACE(request);
    expect_error_and_close(request, 400);
  }
}

TEST_P(Conformance, LimitsGive414And431And413) {
  std::string long_target = "/" + std::string(9000, 'a');
  expect_error_and_close(get_request(long_target), 414);
  expect_error_and_close(get_request("/", "X-Big: " + std::string(9000, 'b') + "\r\n"), 431);
  std::string many;
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  expect_error_and_close(get_request("/", many), 431);
  expect_error_and_close("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1048577\r\n\r\n",
                         413);
  // Exactly at the limits is fine.
  std::string hundred;
  for (int i = 0; i < 99; ++i) hundred += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(round_trip(port_, get_request("/hello.txt", hundred)).status, 200);  // +Host = 100
}

TEST_P(Conformance, TraversalAndEscapesAreRefused) {
  EXPECT_EQ(round_trip(port_, get_request("/../outside/secret.txt")).status, 400);
  EXPECT_EQ(round_trip(port_, get_request("/%2e%2e/outside/secret.txt")).status, 400);
  EXPECT_EQ(round_trip(port_, get_request("/sub/%2E%2E/%2E%2E/outside/secret.txt")).status, 400);
  EXPECT_EQ(round_trip(port_, get_request("/.secret")).status, 404);
  EXPECT_EQ(round_trip(port_, get_request("/sub%2Findex.html")).status, 404);
  EXPECT_EQ(round_trip(port_, get_request("/link-outside")).status, 404);
  EXPECT_EQ(round_trip(port_, get_request("/link-absolute")).status, 404);
  EXPECT_EQ(round_trip(port_, get_request("/dir-outside/secret.txt")).status, 404);
  Response inside = round_trip(port_, get_request("/link-inside"));
  EXPECT_EQ(inside.status, 200);  // a symlink that stays inside the root is fine
  EXPECT_EQ(inside.body, "hello, world\n");
  expect_still_serving();
}

// ------------------------------------------------------------------ robustness, resources

TEST_P(Conformance, ClientResetsDoNotHurt) {
  for (int i = 0; i < 20; ++i) {
    Client client(port_);
    client.send(i % 2 ? "GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n" : "GET /hel");
    client.reset();
  }
  expect_still_serving();
}

TEST_P(Conformance, SlowReaderGetsEveryByte) {
  // Four pipelined 1 MiB responses overflow the socket buffers of both ends, so the server
  // meets a full send buffer and must resume later, while it keeps serving others.
  Client client(port_);
  std::string request = get_request("/big.bin");
  client.send(request + request + request + request);
  std::this_thread::sleep_for(milliseconds(300));
  expect_still_serving();
  for (int i = 0; i < 4; ++i) {
    Response response = client.read_response();
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(response.body == DocumentRoot::get().big_file_contents) << "response " << i;
  }
}

TEST_P(Conformance, FileTruncatedMidResponseNeverHangsOrLies) {
  // The file shrinks while its response is on the way. A step that already read it into memory
  // sends it whole; a step that sends from the file (sendfile) meets its end early and must
  // close the connection. Either way the client never waits for bytes that will not come, and
  // never gets more than Content-Length.
  const std::string path = DocumentRoot::get().root + "/shrinking.bin";
  std::ofstream(path, std::ios::binary) << std::string(32 << 20, 'x');
  Client client(port_);
  int small = 64 << 10;  // a small receive window keeps most of the file on the server's side
  setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  client.send(get_request("/shrinking.bin"));
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(truncate(path.c_str(), 1000), 0);

  std::string received;
  std::size_t header_end = std::string::npos;
  std::uint64_t content_length = 0;
  bool closed = false;
  char chunk[1 << 16];
  for (auto deadline = std::chrono::steady_clock::now() + seconds(10);
       std::chrono::steady_clock::now() < deadline;) {
    if (header_end != std::string::npos && received.size() - header_end >= content_length) break;
    pollfd readable{client.fd(), POLLIN, 0};
    if (poll(&readable, 1, 100) <= 0) continue;
    ssize_t got = recv(client.fd(), chunk, sizeof chunk, 0);
    if (got <= 0) {
      closed = true;
      break;
    }
    received.append(chunk, static_cast<std::size_t>(got));
    if (header_end == std::string::npos && received.find("\r\n\r\n") != std::string::npos) {
      header_end = received.find("\r\n\r\n") + 4;
      const std::size_t at = received.find("Content-Length: ");
      ASSERT_NE(at, std::string::npos);
      content_length = std::stoull(received.substr(at + 16));
    }
  }
  ASSERT_NE(header_end, std::string::npos) << "no response head";
  EXPECT_EQ(content_length, 32u << 20);
  const std::uint64_t body = received.size() - header_end;
  EXPECT_LE(body, content_length);
  EXPECT_TRUE(body == content_length || closed)
      << "neither the whole body nor a close: the client would wait forever (" << body << " of "
      << content_length << " bytes)";
  fs::remove(path);
  expect_still_serving();
}

// ------------------------------------------------------------------- idle timeouts (--timeout)
// With --timeout 1 a connection that makes no progress must be closed between 1 and 2 s after
// its last progress; the bounds below add a margin for a loaded machine.

class IdleTimeout : public Conformance {
 protected:
  void SetUp() override {
    if (const std::string why = why_unrunnable(GetParam()); !why.empty()) {
      GTEST_SKIP() << GetParam().binary << ": " << why;
    }
    if (!GetParam().has_timeout) GTEST_SKIP() << GetParam().binary << " has no idle timeout";
    server_ = start({"--timeout", "1"});
    port_ = server_->port();
  }
  // Seconds until the server closes `client`, or a large number if it never does in 6 s.
  static double seconds_until_closed(Client& client) {
    const auto start = std::chrono::steady_clock::now();
    if (!client.closed_by_server(milliseconds(6000))) return 1e9;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

TEST_P(IdleTimeout, ASilentConnectionIsClosed) {
  Client client(port_);
  const double closed_after = seconds_until_closed(client);
  EXPECT_GE(closed_after, 0.9);
  EXPECT_LE(closed_after, 3.0);
  expect_still_serving();
}

TEST_P(IdleTimeout, AnIdleKeepAliveConnectionIsClosed) {
  Client client(port_);
  client.send(get_request("/hello.txt"));
  EXPECT_EQ(client.read_response().status, 200);
  EXPECT_LE(seconds_until_closed(client), 3.0);
}

TEST_P(IdleTimeout, ASlowlorisClientIsClosedWhileItTrickles) {
  Client client(port_);
  const std::string request =
      get_request("/hello.txt", "X-Padding: " + std::string(200, 'p') + "\r\n");
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (std::size_t i = 0; i < request.size() && !closed; ++i) {
    // One byte every 100 ms never adds up to a request or to kProgressBytes in a read.
    if (!client.send(request.substr(i, 1))) break;
    closed = client.closed_by_server(milliseconds(100));
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(closed) << "the trickle was never cut off";
  EXPECT_LE(elapsed, 3.0);
  expect_still_serving();
}

TEST_P(IdleTimeout, AnHonestClientThatTricklesARequestWithinThePeriodIsServed) {
  // The trickle itself never counts as progress, but the request completes within one period
  // of the connection's start, and a complete request does.
  Client client(port_);
  const std::string request = get_request("/hello.txt");
  const std::size_t piece = request.size() / 8 + 1;
  for (std::size_t at = 0; at < request.size(); at += piece) {
    ASSERT_TRUE(client.send(request.substr(at, piece)));
    std::this_thread::sleep_for(milliseconds(80));  // ~0.7 s for the whole request
  }
  EXPECT_EQ(client.read_response().status, 200);
}

TEST_P(IdleTimeout, LegitClientsAreServedWhileAThousandSlowlorisClientsWait) {
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 1000; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(slow.back()->send("GET /hello.txt HTTP/1.1\r\nHost: te"));  // never finished
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(round_trip(port_, get_request("/hello.txt")).status, 200) << "request " << i;
  }
  std::this_thread::sleep_for(milliseconds(2500));  // past 2T: every slow client is dropped
  int dropped = 0;
  for (auto& client : slow) dropped += client->closed_by_server(milliseconds(10)) ? 1 : 0;
  EXPECT_EQ(dropped, 1000);
  expect_still_serving();
}

TEST_P(IdleTimeout, RequestsKeepAConnectionAlive) {
  Client client(port_);
  for (int i = 0; i < 10; ++i) {  // 3 s of requests, 300 ms apart: never idle for a period
    client.send(get_request("/hello.txt"));
    EXPECT_EQ(client.read_response().status, 200) << "request " << i;
    std::this_thread::sleep_for(milliseconds(300));
  }
}

TEST_P(IdleTimeout, ASlowReaderThatKeepsReadingGetsEveryByte) {
  // One 16 MiB response read at ~5 MiB/s: the server is still sending it, and waiting on this
  // reader, for well over two periods. Only the progress of its sends keeps it alive.
  const std::string path = DocumentRoot::get().root + "/slow.bin";
  constexpr std::size_t kSize = 16 << 20;
  std::ofstream(path, std::ios::binary) << std::string(kSize, 's');
  Client client(port_);
  int small = 64 << 10;
  setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  client.send(get_request("/slow.bin"));
  std::string received;
  std::vector<char> chunk(64 << 10);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(milliseconds(12));
    ssize_t got = recv(client.fd(), chunk.data(), chunk.size(), 0);
    if (got <= 0) break;
    received.append(chunk.data(), static_cast<std::size_t>(got));
    const std::size_t header_end = received.find("\r\n\r\n");
    if (header_end != std::string::npos && received.size() - header_end - 4 >= kSize) break;
  }
  EXPECT_GT(std::chrono::steady_clock::now() - start, seconds(2)) << "not slow enough to test";
  const std::size_t header_end = received.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_EQ(received.size() - header_end - 4, kSize) << "cut off while it kept reading";
  fs::remove(path);
}

TEST_P(IdleTimeout, AReaderThatStopsReadingIsClosed) {
  Client client(port_);
  int small = 64 << 10;
  setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const std::string request = get_request("/big.bin");
  client.send(request + request + request + request);  // 4 MiB: far beyond both buffers
  std::this_thread::sleep_for(milliseconds(3500));     // a zero window, for over 2 periods
  // Now drain what the kernel still holds: after the server's close the rest of its send buffer
  // arrives, then the end of the stream. A 1 s silence without an end means it never closed.
  timeval wait{1, 0};
  setsockopt(client.fd(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  std::size_t received = 0;
  std::vector<char> chunk(64 << 10);
  bool closed = false;
  for (;;) {
    ssize_t got = recv(client.fd(), chunk.data(), chunk.size(), 0);
    if (got == 0 || (got < 0 && errno == ECONNRESET)) {
      closed = true;
      break;
    }
    if (got < 0) break;  // a second of silence, and still open
    received += static_cast<std::size_t>(got);
  }
  EXPECT_TRUE(closed) << "still open after 3.5 s without reading";
  EXPECT_LT(received, 4u << 20);
}

INSTANTIATE_TEST_SUITE_P(Steps, IdleTimeout, ::testing::ValuesIn(kSteps), step_name);

TEST_P(Conformance, ManyConcurrentKeepAliveConnections) {
  const int count = GetParam().many_connections;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < count; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(clients.back()->connected()) << "connection " << i;
  }
  for (int round = 0; round < 2; ++round) {
    for (auto& client : clients) ASSERT_TRUE(client->send(get_request("/hello.txt")));
    int ok = 0;
    for (auto& client : clients) ok += client->read_response().status == 200;
    EXPECT_EQ(ok, count) << "round " << round;
  }
}

// select() cannot watch a descriptor >= FD_SETSIZE: such a connection must get a 503 and a
// close (never undefined behaviour), while the connections below the wall go on being served.
TEST_P(Conformance, DescriptorWallGives503) {
  const int wall = GetParam().descriptor_wall;
  if (wall == 0) GTEST_SKIP() << GetParam().binary << " has no descriptor wall";
  Client first(port_);
  ASSERT_TRUE(first.connected());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < wall + 16; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(clients.back()->connected()) << "connection " << i;
  }
  // The server numbers its descriptors upwards, so the last connections are beyond the wall.
  for (int i = 1; i <= 8; ++i) {
    Client& late = *clients[clients.size() - i];
    Response refused = late.read_response();
    EXPECT_EQ(refused.status, 503) << "connection " << clients.size() - i;
    EXPECT_EQ(refused.header("Connection"), "close");
    EXPECT_TRUE(late.closed_by_server());
  }
  ASSERT_TRUE(first.send(get_request("/hello.txt")));
  EXPECT_EQ(first.read_response().status, 200);
}

TEST_P(Conformance, NoDescriptorLeak) {
  milliseconds settle_time(300);
  // A step with a file cache keeps descriptors on purpose; with a 1 s prune period, every idle
  // one is closed within two periods, after which the count must be back to its baseline.
  std::unique_ptr<ServerProcess> cached_server;
  std::uint16_t port = port_;
  ServerProcess* server = server_.get();
  if (GetParam().has_fd_cache) {
    cached_server = start({"--fd-cache", "1"});
    port = cached_server->port();
    server = cached_server.get();
    settle_time = milliseconds(2500);
  }
  auto settle = [settle_time] { std::this_thread::sleep_for(settle_time); };
  round_trip(port, get_request("/hello.txt"));
  settle();
  int before = server->open_fds();
  for (int i = 0; i < 50; ++i) {
    round_trip(port, get_request("/hello.txt"));
    round_trip(port, get_request("/missing"));
    round_trip(port, get_request("/hello.txt", "Range: bytes=99-\r\n"));
    round_trip(port, "GARBAGE\r\n\r\n");
    Client partial(port);
    partial.send("GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n");
    partial.reset();
  }
  settle();
  EXPECT_EQ(server->open_fds(), before);
}

// The file cache's staleness bound (cache/fd_cache.hpp): a file replaced on disk, or truncated
// in place, is served as it now is within two prune periods; before that, a response is one
// whole version, never a mix of headers and bytes.
TEST_P(Conformance, FileCacheServesChangedFilesWithinTwoPeriods) {
  if (!GetParam().has_fd_cache) GTEST_SKIP() << GetParam().binary << " has no file cache";
  auto server = start({"--fd-cache", "1"});
  const std::string dir = DocumentRoot::get().root;
  auto write_file = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary | std::ios::trunc) << text;
  };
  write_file("swap.txt", "version one\n");
  write_file("shrink.txt", "a longer first version\n");
  EXPECT_EQ(round_trip(server->port(), get_request("/swap.txt")).body, "version one\n");
  EXPECT_EQ(round_trip(server->port(), get_request("/shrink.txt")).body,
            "a longer first version\n");

  write_file("swap.txt.new", "version two, longer\n");
  fs::rename(dir + "/swap.txt.new", dir + "/swap.txt");  // a new inode under the old name
  write_file("shrink.txt", "short\n");                   // the same inode, truncated
  const Response during = round_trip(server->port(), get_request("/swap.txt"));
  EXPECT_TRUE(during.body == "version one\n" || during.body == "version two, longer\n")
      << during.body;

  // Kept hot meanwhile: a file in use must still be noticed as changed, not only closed when idle.
  for (int i = 0; i < 11; ++i) {
    std::this_thread::sleep_for(milliseconds(200));
    round_trip(server->port(), get_request("/swap.txt"));
    round_trip(server->port(), get_request("/shrink.txt"));
  }
  EXPECT_EQ(round_trip(server->port(), get_request("/swap.txt")).body, "version two, longer\n");
  const Response shrunk = round_trip(server->port(), get_request("/shrink.txt"));
  EXPECT_EQ(shrunk.status, 200);
  EXPECT_EQ(shrunk.body, "short\n");
  EXPECT_EQ(shrunk.header("Content-Length"), "6");
  fs::remove(dir + "/swap.txt");
  fs::remove(dir + "/shrink.txt");
}

// --fd-cache 0 turns the cache off: no descriptor outlives its response.
TEST_P(Conformance, FileCacheZeroKeepsNothingOpen) {
  if (!GetParam().has_fd_cache) GTEST_SKIP() << GetParam().binary << " has no file cache";
  auto server = start({"--fd-cache", "0"});
  round_trip(server->port(), get_request("/hello.txt"));
  std::this_thread::sleep_for(milliseconds(300));
  const int before = server->open_fds();
  for (const char* path : {"/hello.txt", "/big.bin", "/sub/"}) {
    EXPECT_EQ(round_trip(server->port(), get_request(path)).status, 200) << path;
  }
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(server->open_fds(), before);
}

TEST_P(Conformance, SigtermExitsZeroAndFinishesResponses) {
  Client idle(port_);
  ASSERT_TRUE(idle.connected());
  Client busy(port_);
  int small = 65536;  // the 1 MiB response cannot be all in the socket buffers at once
  setsockopt(busy.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  busy.send(get_request("/big.bin"));
  std::this_thread::sleep_for(milliseconds(200));  // the response is in flight
  kill(server_->pid(), SIGTERM);
  Response response = busy.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body == DocumentRoot::get().big_file_contents);
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_EQ(server_->wait_exit(seconds(6)), 0);
}

TEST_P(Conformance, StopRefusesNewConnectionsAtOnce) {
  Client pending(port_);  // half a request keeps the server in its stop grace period
  ASSERT_TRUE(pending.send("GET /hello.txt HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(milliseconds(100));
  kill(server_->pid(), SIGTERM);
  std::this_thread::sleep_for(milliseconds(500));
  Client late(port_);
  EXPECT_FALSE(late.connected()) << "a stopping server still completes handshakes";
  EXPECT_EQ(server_->wait_exit(seconds(7)), 0);
}

TEST_P(Conformance, SigpipeDoesNotKill) {
  for (int i = 0; i < 10; ++i) {
    Client client(port_);
    client.send(get_request("/big.bin"));
    client.close();  // unread data: the server's next send meets a reset
  }
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_TRUE(server_->running());
  expect_still_serving();
}

// Out of descriptors: connections beyond the limit must neither spin the CPU nor stop the
// service of existing connections, and service resumes when descriptors free up.
TEST_P(Conformance, DescriptorExhaustionNeitherSpinsNorStops) {
  auto server = start({}, /*open_files_limit=*/64);
  std::uint16_t port = server->port();
  ASSERT_NE(port, 0);
  Client first(port);
  first.send(get_request("/hello.txt"));
  ASSERT_EQ(first.read_response().status, 200);

  std::vector<std::unique_ptr<Client>> flood;
  for (int i = 0; i < 100; ++i) flood.push_back(std::make_unique<Client>(port));
  std::this_thread::sleep_for(milliseconds(300));
  double cpu_before = server->cpu_seconds();
  std::this_thread::sleep_for(seconds(2));
  double cpu_used = server->cpu_seconds() - cpu_before;
  EXPECT_LT(cpu_used, 0.3) << "the server spins while out of descriptors";

  // An existing connection is still served. /echo needs no descriptor; a file would (and gets
  // 503 while the process has none left, which is the file app's honest answer).
  first.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nalive");
  Response echo = first.read_response();
  EXPECT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, "alive");

  flood.clear();  // descriptors free up, and service resumes once the server has worked
                  // through the backlog the flood left (each a connection already closed)
  Response later;
  for (auto deadline = std::chrono::steady_clock::now() + seconds(10);
       later.status != 200 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(milliseconds(200));
    later = round_trip(port, get_request("/hello.txt"));
  }
  EXPECT_EQ(later.status, 200);
}

// A prefork master restarts a worker that dies, says so on stderr, and service goes on.
TEST_P(Conformance, MasterRestartsDeadWorker) {
  if (!GetParam().has_workers) GTEST_SKIP() << GetParam().binary << " has no worker processes";
  auto server = start({"--workers", "2"});
  ASSERT_NE(server->port(), 0);
  std::vector<pid_t> tree = server->process_tree();
  ASSERT_EQ(tree.size(), 3u) << "a master and two workers";
  kill(tree[1], SIGKILL);
  std::this_thread::sleep_for(milliseconds(600));
  std::vector<pid_t> after = server->process_tree();
  EXPECT_EQ(after.size(), 3u) << "the dead worker was replaced";
  EXPECT_NE(server->drain_stderr().find("starting a new one"), std::string::npos);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(round_trip(server->port(), get_request("/hello.txt")).status, 200);
  }
  EXPECT_EQ(server->stop(SIGTERM, seconds(6)), 0);
}

// One acceptor hands connections to every I/O thread in turn; each thread says on exit how
// many it served (unless --quiet).
TEST_P(Conformance, ConnectionsAreSpreadOverAllThreads) {
  if (!GetParam().has_threads) GTEST_SKIP() << GetParam().binary << " has no I/O threads";
  ServerProcess::Launch launch;
  launch.binary = binary_path(GetParam());
  launch.args = {"--port", "0", "--root", DocumentRoot::get().root, "--threads", "3"};
  ServerProcess server(launch);
  ASSERT_NE(server.port(), 0);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(round_trip(server.port(), get_request("/hello.txt")).status, 200);
  }
  EXPECT_EQ(server.stop(SIGTERM, seconds(6)), 0);
  const std::string report = server.drain_stderr();
  for (int thread = 0; thread < 3; ++thread) {
    const std::string line = "thread " + std::to_string(thread) + ": 4 connections served";
    EXPECT_NE(report.find(line), std::string::npos) << "missing '" << line << "' in:\n" << report;
  }
}

// Prefork workers print their accept counters on exit (unless --quiet).
TEST_P(Conformance, WorkersReportAcceptCountersOnExit) {
  if (!GetParam().has_workers) GTEST_SKIP() << GetParam().binary << " has no worker processes";
  ServerProcess::Launch launch;
  launch.binary = binary_path(GetParam());
  launch.args = {"--port", "0", "--root", DocumentRoot::get().root, "--workers", "2"};
  ServerProcess server(launch);
  ASSERT_NE(server.port(), 0);
  for (int i = 0; i < 10; ++i) round_trip(server.port(), get_request("/hello.txt"));
  EXPECT_EQ(server.stop(SIGTERM, seconds(6)), 0);
  std::string report = server.drain_stderr();
  std::size_t workers = 0, accepted = 0;
  for (std::size_t at = 0; (at = report.find("worker ", at)) != std::string::npos; ++at) {
    unsigned long count = 0, empty = 0;
    if (std::sscanf(report.c_str() + at, "worker %*d: %lu connections accepted, %lu", &count,
                    &empty) == 2) {
      ++workers;
      accepted += count;
    }
  }
  EXPECT_EQ(workers, 2u) << report;
  EXPECT_EQ(accepted, 10u) << report;
}

// ------------------------------------------------------------------------- command line

TEST_P(Conformance, BadFlagsExitTwoWithUsage) {
  auto [code, error] = run_to_exit(binary_path(GetParam()), {"--no-such-flag"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(error.find("usage:"), std::string::npos) << error;
  auto [bad_value_code, bad_value_error] =
      run_to_exit(binary_path(GetParam()), {"--port", "99999"});
  EXPECT_EQ(bad_value_code, 2);
  EXPECT_NE(bad_value_error.find("usage:"), std::string::npos);
}

TEST_P(Conformance, SharedFlagsAreAcceptedEverywhere) {
  auto server = start({"--workers", "1", "--threads", "1", "--timeout", "30", "--fd-cache", "10"});
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(round_trip(server->port(), get_request("/hello.txt")).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Steps, Conformance, ::testing::ValuesIn(kSteps), step_name);

}  // namespace
}  // namespace tenk::testing

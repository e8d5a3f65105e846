// Unit tests for the load generator's response parser and latency histogram
// (bench/loadgen/response_parser.hpp, bench/loadgen/histogram.hpp).
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "histogram.hpp"
#include "response_parser.hpp"

namespace {

using tenk::loadgen::LatencyHistogram;
using tenk::loadgen::ResponseParser;
using State = ResponseParser::State;

constexpr std::string_view kOk =
    "HTTP/1.1 200 OK\r\n"
    "Server: tenk\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

// Feeds `bytes` in one call and returns how many were consumed.
std::size_t FeedAll(ResponseParser& parser, std::string_view bytes) {
  return parser.Feed(bytes.data(), bytes.size());
}

TEST(LoadgenResponseParser, SimpleResponse) {
  ResponseParser parser;
  EXPECT_EQ(FeedAll(parser, kOk), kOk.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.status(), 200);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(LoadgenResponseParser, ByteByByte) {
  ResponseParser parser;
  for (std::size_t i = 0; i < kOk.size(); ++i) {
    ASSERT_EQ(parser.state(), State::kIncomplete) << "at byte " << i;
    ASSERT_EQ(parser.Feed(kOk.data() + i, 1), 1u) << "at byte " << i;
  }
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.status(), 200);
}

TEST(LoadgenResponseParser, StopsAtTheEndOfTheResponse) {
  ResponseParser parser;
  std::string two = std::string(kOk) + "HTTP/1.1";
  EXPECT_EQ(FeedAll(parser, two), kOk.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  // Once complete, nothing more is consumed until Reset().
  EXPECT_EQ(parser.Feed("HTTP", 4), 0u);
}

TEST(LoadgenResponseParser, PipelinedBackToBack) {
  const std::string other =
      "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found";
  const std::string stream = std::string(kOk) + std::string(kOk) + other;
  ResponseParser parser;
  std::string_view rest = stream;
  int statuses[3] = {};
  bool keep_alive[3] = {};
  for (int n = 0; n < 3; ++n) {
    std::size_t used = FeedAll(parser, rest);
    ASSERT_EQ(parser.state(), State::kComplete) << "response " << n;
    statuses[n] = parser.status();
    keep_alive[n] = parser.keep_alive();
    rest.remove_prefix(used);
    parser.Reset(false);
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 200);
  EXPECT_EQ(statuses[2], 404);
  EXPECT_TRUE(keep_alive[1]);
  EXPECT_FALSE(keep_alive[2]);
}

TEST(LoadgenResponseParser, ChunkedBody) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
      "5\r\nhello\r\n"
      "1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "0\r\nTrailer-Field: yes\r\n\r\n";
  const std::string stream = response + std::string(kOk);
  // Whole, and split at every byte.
  ResponseParser parser;
  EXPECT_EQ(FeedAll(parser, stream), response.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_TRUE(parser.keep_alive());

  parser.Reset(false);
  std::size_t used = 0;
  for (std::size_t i = 0; i < stream.size() && parser.state() == State::kIncomplete; ++i) {
    used += parser.Feed(stream.data() + i, 1);
  }
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(used, response.size());
}

TEST(LoadgenResponseParser, BadChunkSize) {
  ResponseParser parser;
  FeedAll(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(parser.state(), State::kError);
}

TEST(LoadgenResponseParser, HeadHasNoBody) {
  ResponseParser parser;
  parser.Reset(/*head_request=*/true);
  const std::string_view head = kOk.substr(0, kOk.size() - 5);  // the headers, without "hello"
  EXPECT_EQ(FeedAll(parser, kOk), head.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.status(), 200);
}

TEST(LoadgenResponseParser, NotModifiedHasNoBody) {
  const std::string_view response =
      "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 151\r\n\r\n";
  ResponseParser parser;
  EXPECT_EQ(FeedAll(parser, response), response.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.status(), 304);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(LoadgenResponseParser, BadStatusLines) {
  for (std::string_view bad :
       {"HTTP/2.0 200 OK\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1 099 Low\r\n",
        "HTTP/1.1  200 OK\r\n", "http/1.1 200 OK\r\n", "HTTP/1.1 200 OK\n", "garbage\r\n\r\n"}) {
    ResponseParser parser;
    FeedAll(parser, bad);
    EXPECT_EQ(parser.state(), State::kError) << bad;
    EXPECT_NE(parser.error(), nullptr) << bad;
  }
}

TEST(LoadgenResponseParser, BadHeaders) {
  for (std::string_view bad : {
           "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
           "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
       }) {
    ResponseParser parser;
    FeedAll(parser, bad);
    EXPECT_EQ(parser.state(), State::kError) << bad;
  }
}

TEST(LoadgenResponseParser, BodyUntilEof) {
  ResponseParser parser;
  FeedAll(parser, "HTTP/1.0 200 OK\r\n\r\nsome body");
  EXPECT_EQ(parser.state(), State::kIncomplete);
  EXPECT_EQ(parser.OnEof(), ResponseParser::EofOutcome::kComplete);
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_FALSE(parser.keep_alive());
}

TEST(LoadgenResponseParser, EofMidResponse) {
  ResponseParser parser;
  FeedAll(parser, kOk.substr(0, 20));
  EXPECT_EQ(parser.OnEof(), ResponseParser::EofOutcome::kBeforeBody);

  parser.Reset(false);
  FeedAll(parser, kOk.substr(0, kOk.size() - 1));
  EXPECT_EQ(parser.OnEof(), ResponseParser::EofOutcome::kInBody);
  EXPECT_EQ(parser.state(), State::kError);
}

TEST(LoadgenResponseParser, Http10KeepAlive) {
  ResponseParser parser;
  FeedAll(parser, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_TRUE(parser.keep_alive());

  parser.Reset(false);
  FeedAll(parser, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_FALSE(parser.keep_alive());
}

TEST(LoadgenResponseParser, InterimResponseIsSkipped) {
  const std::string_view response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
  ResponseParser parser;
  EXPECT_EQ(FeedAll(parser, response), response.size());
  EXPECT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.status(), 204);
}

// Parses a stream of back-to-back responses cut into pieces at the given offsets; returns the
// statuses in order, or -1 for a parse error.
std::vector<int> ParseStream(std::string_view stream, const std::vector<std::size_t>& cuts) {
  std::vector<int> statuses;
  ResponseParser parser;
  std::size_t from = 0;
  for (std::size_t k = 0; k <= cuts.size(); ++k) {
    std::string_view piece =
        stream.substr(from, (k < cuts.size() ? cuts[k] : stream.size()) - from);
    from += piece.size();
    while (!piece.empty()) {
      piece.remove_prefix(FeedAll(parser, piece));
      if (parser.state() == State::kError) return {-1};
      if (parser.state() == State::kIncomplete) break;
      statuses.push_back(parser.status());
      parser.Reset(false);
    }
  }
  return statuses;
}

TEST(LoadgenResponseParser, AnySplitGivesTheSameResult) {
  const std::string stream =
      std::string(kOk) +
      "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A-Very-Long-Header-Name-Here: 1\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\ncontent-length:  3 \r\n\r\nabc";
  const std::vector<int> expected = {200, 304, 200, 404};
  ASSERT_EQ(ParseStream(stream, {}), expected);
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::size_t> cuts;
    for (int k = 0; k < 6; ++k) cuts.push_back(random() % (stream.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    ASSERT_EQ(ParseStream(stream, cuts), expected) << "round " << round;
  }
}

TEST(LoadgenResponseHistogram, Empty) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(50), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LoadgenResponseHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 50u);
  EXPECT_EQ(h.Percentile(90), 90u);
  EXPECT_EQ(h.Percentile(99), 99u);
  EXPECT_EQ(h.Percentile(100), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LoadgenResponseHistogram, PercentilesWithinOnePercent) {
  // 1 µs .. 100 ms in 1 µs steps: percentile p is p % of 100 ms.
  LatencyHistogram h;
  for (std::uint64_t us = 1; us <= 100000; ++us) h.Record(us * 1000);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double expected = p / 100.0 * 100000 * 1000;
    EXPECT_NEAR(static_cast<double>(h.Percentile(p)), expected, expected * 0.01) << "p" << p;
  }
  EXPECT_EQ(h.max(), 100000u * 1000);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_NEAR(h.mean(), 50000.5 * 1000, 1.0);
}

TEST(LoadgenResponseHistogram, MergeAndHugeValues) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 99; ++i) a.Record(20000);       // 20 µs
  b.Record(std::uint64_t{200} * 1000 * 1000 * 1000);  // 200 s: beyond the resolved range
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_NEAR(static_cast<double>(a.Percentile(50)), 20000.0, 200.0);
  EXPECT_EQ(a.max(), std::uint64_t{200} * 1000 * 1000 * 1000);
  EXPECT_EQ(a.Percentile(100), a.max());
}

}  // namespace

// Micro benchmarks for the request parser and for ASCII case folding.
//
// Run pinned to one core with repetitions and read the medians, e.g.
//   taskset -c 1 build/bin/tenk_micro --benchmark_filter='Parse|CaseFold'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// (one command line).
// items_per_second of the BM_Parse* rows is requests parsed per second on that core.
#include <benchmark/benchmark.h>

#include <cctype>
#include <cstdint>
#include <string_view>

#include "http/parser.hpp"

namespace {

using tenk::http::ParseStatus;
using tenk::http::Request;
using tenk::http::RequestParser;

// What a desktop browser sends for a page: about 400 bytes, 9 header fields.
constexpr std::string_view kBrowserGet =
    "GET /assets/css/site.css?v=20240101 HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\r\n"
    "Accept: text/css,*/*;q=0.1\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Referer: https://www.example.com/index.html\r\n"
    "Connection: keep-alive\r\n"
    "If-None-Match: \"5f2b-1a2b3c4d\"\r\n"
    "Sec-Fetch-Dest: style\r\n"
    "\r\n";

// The smallest request a load generator sends: 40 bytes.
constexpr std::string_view kMinimalGet = "GET /index.html HTTP/1.1\r\nHost: a.b\r\n\r\n";

void parse_loop(benchmark::State& state, std::string_view input) {
  Request request;
  for (auto _ : state) {
    RequestParser parser;
    benchmark::DoNotOptimize(input.data());
    const ParseStatus status = parser.parse(input, request);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(request);
    if (status != ParseStatus::Complete) state.SkipWithError("the benchmark request did not parse");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

void BM_ParseBrowserGet(benchmark::State& state) {
  parse_loop(state, kBrowserGet);
}
BENCHMARK(BM_ParseBrowserGet);

void BM_ParseMinimalGet(benchmark::State& state) {
  parse_loop(state, kMinimalGet);
}
BENCHMARK(BM_ParseMinimalGet);

// The same browser request arriving in 64-byte pieces: the cost of resuming.
void BM_ParseBrowserGetIn64BytePieces(benchmark::State& state) {
  Request request;
  for (auto _ : state) {
    RequestParser parser;
    ParseStatus status = ParseStatus::Incomplete;
    for (std::size_t n = 64; status == ParseStatus::Incomplete; n += 64) {
      status = parser.parse(kBrowserGet.substr(0, n), request);
    }
    benchmark::DoNotOptimize(request);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseBrowserGetIn64BytePieces);

// Case-insensitive header name comparison: the ASCII table against the locale-aware
// std::tolower, on a name that matches (the whole name is compared).
bool iequals_tolower(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kNameLower = "content-length";
constexpr std::string_view kNameMixed = "Content-Length";

void BM_CaseFold_AsciiTable(benchmark::State& state) {
  std::string_view a = kNameLower;
  std::string_view b = kNameMixed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);  // hide the constants, so the comparison is not folded away
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(tenk::http::iequals(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CaseFold_AsciiTable);

void BM_CaseFold_StdTolower(benchmark::State& state) {
  std::string_view a = kNameLower;
  std::string_view b = kNameMixed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(iequals_tolower(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CaseFold_StdTolower);

}  // namespace

// HTTP Date header: libc formatting vs the specialised formatter vs a once-a-second cache.
//
// The three are the three stages of the course: steps 01-06 call gmtime_r + strftime for every
// response, step 07 formats with format_http_date_fast and reuses the text for the rest of the
// second. Each loop feeds a timestamp that changes every iteration, so that neither libc nor the
// compiler can reuse a previous answer.
#include <benchmark/benchmark.h>

#include <ctime>

#include "cache/date_cache.hpp"
#include "http/date.hpp"

namespace {

using tenk::http::kHttpDateLength;

constexpr std::time_t kStart = 1700000000;  // 2023-11-14, any ordinary date will do

void BM_DateStrftime(benchmark::State& state) {
  char text[kHttpDateLength];
  std::time_t t = kStart;
  for (auto _ : state) {
    tenk::http::format_http_date_strftime(t++, text);
    benchmark::DoNotOptimize(text);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_DateStrftime);

void BM_DateFast(benchmark::State& state) {
  char text[kHttpDateLength];
  std::time_t t = kStart;
  for (auto _ : state) {
    tenk::http::format_http_date_fast(t++, text);
    benchmark::DoNotOptimize(text);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_DateFast);

// The step-07 idea (cache/date_cache): ask the clock for the current second, and only when it
// differs from the last one, format again; otherwise hand out the 29 cached bytes. The cost is
// then mostly time(nullptr), which on Linux is a vDSO read, not a real system call.
void BM_DateCached(benchmark::State& state) {
  tenk::cache::CachedDateSource dates;
  for (auto _ : state) {
    std::string_view text = dates.now();
    benchmark::DoNotOptimize(text);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_DateCached);

}  // namespace

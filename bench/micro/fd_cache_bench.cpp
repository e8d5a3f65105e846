// Opening a file for a response: openat2 + fstat + close per request (steps 01-07) against a
// lookup in step 08's descriptor cache. Both open bench/www/index.html beneath the same root.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "app/files.hpp"
#include "cache/fd_cache.hpp"
#include "net/startup.hpp"

namespace {

int bench_root() {
  static const int root_fd = tenk::net::open_document_root(TENK_BENCH_WWW);
  return root_fd;
}

// One response's worth of file opening: open index.html, look at its size, release it.
void open_and_release(benchmark::State& state, tenk::app::FileOpener& files) {
  const std::string path = "index.html";
  for (auto _ : state) {
    tenk::app::OpenFile file;
    if (files.open(path, file) != 0) state.SkipWithError("cannot open bench/www/index.html");
    benchmark::DoNotOptimize(file.info.st_size);
    files.release(file);
  }
}

void BM_OpenFstatClose(benchmark::State& state) {
  tenk::app::DirectFileOpener files(bench_root());
  open_and_release(state, files);
}
BENCHMARK(BM_OpenFstatClose);

void BM_FdCacheLookup(benchmark::State& state) {
  tenk::cache::FdCache files(bench_root(), std::chrono::seconds(10),
                             tenk::cache::capacity_per_cache(0));
  open_and_release(state, files);
}
BENCHMARK(BM_FdCacheLookup);

}  // namespace

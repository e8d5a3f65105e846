// Composing a typical response head: add up the length, then memcpy every piece.
#include <benchmark/benchmark.h>

#include "http/response.hpp"

namespace {

void BM_ComposeResponseHeader(benchmark::State& state) {
  tenk::http::ResponseHead head;
  head.date = "Tue, 14 Nov 2023 22:13:20 GMT";
  head.content_type = "text/html; charset=utf-8";
  head.content_length = 151;
  head.last_modified = "Mon, 13 Nov 2023 08:00:00 GMT";
  head.etag = "\"6551d780-97\"";
  head.accept_ranges = true;
  char buffer[512];  // on the stack, as in a connection's send path
  for (auto _ : state) {
    // Hide the head from the optimiser, so the length cannot be folded into a constant.
    benchmark::DoNotOptimize(head);
    const std::size_t length = tenk::http::composed_length(head);
    if (length > sizeof buffer) {
      state.SkipWithError("head larger than the buffer");
      break;
    }
    benchmark::DoNotOptimize(tenk::http::compose(head, buffer));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ComposeResponseHeader);

}  // namespace

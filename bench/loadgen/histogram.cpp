#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tenk::loadgen {

// The bucket index of v: for v < 256 it is v itself; otherwise, with m the position of v's highest
// set bit and shift = m - 7, v >> shift lies in [128, 256) and the index is shift * 128 + (v >>
// shift). Consecutive powers of two therefore take consecutive runs of 128 indexes.
int LatencyHistogram::BucketOf(std::uint64_t ns) {
  constexpr std::uint64_t kLargest = (std::uint64_t{1} << kMaxBits) - 1;
  ns = std::min(ns, kLargest);
  if (ns < (1u << (kSubBucketBits + 1))) return static_cast<int>(ns);
  const int shift = std::bit_width(ns) - 1 - kSubBucketBits;
  return (shift << kSubBucketBits) + static_cast<int>(ns >> shift);
}

std::uint64_t LatencyHistogram::LowestOf(int bucket) {
  if (bucket < (1 << (kSubBucketBits + 1))) return static_cast<std::uint64_t>(bucket);
  const int shift = (bucket >> kSubBucketBits) - 1;
  return static_cast<std::uint64_t>(bucket - (shift << kSubBucketBits)) << shift;
}

std::uint64_t LatencyHistogram::WidthOf(int bucket) {
  if (bucket < (1 << (kSubBucketBits + 1))) return 1;
  return std::uint64_t{1} << ((bucket >> kSubBucketBits) - 1);
}

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

void LatencyHistogram::Record(std::uint64_t ns) {
  ++buckets_[BucketOf(ns)];
  ++count_;
  sum_ += ns;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::Percentile(double percent) const {
  if (count_ == 0) return 0;
  // The rank of the wanted value, 1-based: the smallest value with at least percent % at or below.
  auto rank = static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  if (rank == count_) return max_;  // the largest value is known exactly
  std::uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const std::uint64_t middle = LowestOf(i) + (WidthOf(i) - 1) / 2;
      return std::clamp(middle, min(), max_);
    }
  }
  return max_;
}

}  // namespace tenk::loadgen

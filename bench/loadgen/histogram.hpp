// A latency histogram with log-linear buckets, in the spirit of HdrHistogram but much smaller.
//
// Values are nanoseconds. Below 256 ns every value has its own bucket; above, each power of two
// [2^m, 2^(m+1)) is split into 128 equal buckets, so a bucket is at most 1/128 (< 0.8 %) of its
// values wide: about 1 % precision from 1 µs up to 2^36 ns (68.7 s) in 3840 counters (30 KiB).
// Larger values land in the last bucket; max() stays exact. Recording is a few integer operations
// and one increment, so each load-generator thread keeps its own histogram and they are merged at
// the end (no sharing, no atomics).
#pragma once

#include <cstdint>
#include <vector>

namespace tenk::loadgen {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(std::uint64_t ns);
  /// Adds every value recorded by `other`.
  void Merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  /// The value below which `percent` % of the recorded values fall (0 < percent <= 100): the middle
  /// of the bucket holding that rank, clamped to [min(), max()]. 0 when nothing was recorded.
  std::uint64_t Percentile(double percent) const;

 private:
  static constexpr int kSubBucketBits = 7;  // 128 buckets per power of two
  static constexpr int kMaxBits = 36;       // values up to 2^36 ns are resolved
  static constexpr int kBucketCount = (kMaxBits - kSubBucketBits + 1) << kSubBucketBits;

  static int BucketOf(std::uint64_t ns);
  static std::uint64_t LowestOf(int bucket);
  static std::uint64_t WidthOf(int bucket);

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace tenk::loadgen

// A latency histogram in microseconds with HDR-like log-linear buckets: each power of two
// is cut into kSubBuckets equal parts, so any percentile is within ~1.6% of the true value
// while memory stays fixed (a few KiB) however many samples a run records.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace hark::bench {

class Histogram {
 public:
  void record(std::uint64_t micros) {
    ++counts_[index_of(micros)];
    ++total_;
    max_ = std::max(max_, micros);
  }

  void merge(const Histogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }

  std::uint64_t count() const { return total_; }
  std::uint64_t max() const { return max_; }

  // The smallest recorded bucket value v such that at least q of the samples are <= v
  // (q in [0, 1]); 0 when empty. Reported as the bucket's upper edge, capped at max().
  std::uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_) + 0.5);
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(upper_edge(i), max_);
    }
    return max_;
  }

 private:
  static constexpr int kSubBits = 6;
  static constexpr std::uint64_t kSubBuckets = 1u << kSubBits;  // 64 per power of two
  static constexpr int kMaxExponent = 40;                       // ~12 days in microseconds

  static std::size_t index_of(std::uint64_t v) {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    int exp = std::bit_width(v) - 1;  // v in [2^exp, 2^(exp+1))
    if (exp > kMaxExponent) return kSize - 1;
    int shift = exp - kSubBits;
    std::uint64_t sub = (v >> shift) - kSubBuckets;  // 0 .. kSubBuckets-1
    return static_cast<std::size_t>(kSubBuckets + (exp - kSubBits) * kSubBuckets + sub);
  }

  static std::uint64_t upper_edge(std::size_t i) {
    if (i < kSubBuckets) return i;
    std::size_t k = i - kSubBuckets;
    int exp = static_cast<int>(k / kSubBuckets) + kSubBits;
    std::uint64_t sub = k % kSubBuckets;
    int shift = exp - kSubBits;
    return ((kSubBuckets + sub + 1) << shift) - 1;
  }

  static constexpr std::size_t kSize = kSubBuckets + (kMaxExponent - kSubBits + 1) * kSubBuckets;
  std::array<std::uint64_t, kSize> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace hark::bench

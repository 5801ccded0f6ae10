// Randomness of the dialog: which joke, heads or tails, the dice. It comes in through an
// interface so tests can fix the outcome. Ids (response and action ids) do not use it:
// they must stay unpredictable and unique whatever a test injects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hark::dialog {

class Random {
 public:
  virtual ~Random() = default;
  // A number in [0, n). REQUIRES: n > 0. Must be thread-safe.
  virtual std::uint64_t below(std::uint64_t n) = 0;
};

// A Mersenne twister seeded from std::random_device. Thread-safe.
Random& default_random();

// hark::new_id (common/id.h) with 12 digits: `prefix` + 12 hex digits, e.g. "act_3f9c04ab17de".
std::string make_id(std::string_view prefix);

}  // namespace hark::dialog

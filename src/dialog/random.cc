#include "dialog/random.h"

#include "common/id.h"

#include <mutex>
#include <random>

namespace hark::dialog {

namespace {

std::mt19937_64 seeded_engine() {
  std::random_device device;
  std::seed_seq seq{device(), device(), device(), device(), device(), device(), device(), device()};
  return std::mt19937_64(seq);
}

class MtRandom final : public Random {
 public:
  std::uint64_t below(std::uint64_t n) override {
    std::lock_guard lock(mutex_);
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_ = seeded_engine();
};

}  // namespace

Random& default_random() {
  static MtRandom random;
  return random;
}

std::string make_id(std::string_view prefix) { return new_id(prefix, 12); }

}  // namespace hark::dialog

#include "common/id.h"

#include <algorithm>
#include <random>

namespace hark {

std::string new_id(std::string_view prefix, std::size_t digits) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  id.reserve(prefix.size() + 32);
  for (int part = 0; part < 2; ++part) {
    auto v = rng();
    for (int i = 0; i < 8; ++i, v >>= 8) {
      id.push_back(kHex[(v >> 4) & 0xF]);
      id.push_back(kHex[v & 0xF]);
    }
  }
  id.resize(prefix.size() + std::min<std::size_t>(digits, 32));
  return id;
}

}  // namespace hark

// The one generator of ids (sessions, turns, responses, actions): prefix + hex digits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hark {

// `prefix` + `digits` random hex digits (32: 128 bits), e.g. "turn_3f9c...". Thread-safe
// (one engine per thread, seeded from std::random_device); unique enough for ids, not a
// secret. REQUIRES: digits <= 32.
std::string new_id(std::string_view prefix, std::size_t digits = 32);

}  // namespace hark

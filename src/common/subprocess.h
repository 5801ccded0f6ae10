// Runs a helper program (espeak-ng) and collects what it writes: no shell, so nothing in
// the arguments (a user's words) is ever interpreted.
#pragma once

#include "common/error.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hark {

struct RunLimits {
  std::size_t max_output = 8 << 20;         // more output is an error (the child is killed)
  std::chrono::milliseconds timeout{10000};  // a child still running then is killed
};

// Runs argv[0] (looked up in PATH) with the arguments, stderr on /dev/null, and returns its
// standard output. Its standard input reads `input` (an anonymous in-memory file, so a large
// input never blocks against the output), /dev/null when empty. Errors: unavailable (cannot
// be started, killed by a signal, a non-zero exit status, or still running after the
// timeout), too_large.
Result<std::string> run_capture(const std::vector<std::string>& argv, const RunLimits& limits = {},
                                std::string_view input = {});

}  // namespace hark

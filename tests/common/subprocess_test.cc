// A real child process: output, exit status and the limits.
#include "common/subprocess.h"

#include <gtest/gtest.h>

namespace hark {
namespace {

TEST(RunCapture, MissingProgramAndFailureAreErrors) {
  EXPECT_EQ(run_capture({"hark-no-such-program"}).error().code, Errc::unavailable);
  EXPECT_EQ(run_capture({"false"}).error().code, Errc::unavailable);
  auto out = run_capture({"printf", "%s", "a b"});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "a b");
}

TEST(RunCapture, OutputAndTimeAreBounded) {
  EXPECT_EQ(run_capture({"head", "-c", "100000", "/dev/zero"}, RunLimits{.max_output = 1000, .timeout = std::chrono::seconds(5)}).error().code,
            Errc::too_large);
  EXPECT_EQ(run_capture({"sleep", "5"}, RunLimits{.max_output = 1000, .timeout = std::chrono::milliseconds(100)}).error().code,
            Errc::unavailable);
}

}  // namespace
}  // namespace hark

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

// A large input (more than a pipe holds) reaches the child's stdin whole while its output is
// read, and input is never taken for an option.
TEST(RunCapture, InputGoesToStandardInput) {
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "line " + std::to_string(i) + "\n";
  auto out = run_capture({"cat"}, RunLimits{.max_output = 1 << 20, .timeout = std::chrono::seconds(10)}, input);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, input);
  auto dash = run_capture({"cat"}, {}, "--help\n");
  ASSERT_TRUE(dash);
  EXPECT_EQ(*dash, "--help\n");
}

}  // namespace
}  // namespace hark

#include "nlu/eval.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace hark::nlu {
namespace {

class EvalFile : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.load_builtin();
    parser_ = std::make_unique<Parser>(registry_);
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("hark_eval_" + std::to_string(rd()) + ".jsonl");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& text) { std::ofstream(path_) << text; }

  skills::Registry registry_;
  std::unique_ptr<Parser> parser_;
  std::filesystem::path path_;
};

TEST_F(EvalFile, CountsBothFiguresAndConfusions) {
  write(
      "{\"text\": \"call mom\", \"expected\": [\"call\"]}\n"
      "{\"text\": \"set a timer for 5 minutes\", \"expected\": [\"timer\"]}\n"
      "{\"text\": \"purple monkey dishwasher\", \"expected\": [\"joke\"]}\n"
      "\n"
      "{\"text\": \"zebra quantum soup\", \"expected\": [\"fallback\"]}\n"
      "{\"text\": \"call grandma\", \"expected\": [\"fallback\"]}\n"
      "{\"text\": \"hello\", \"expected\": [\"fallback\"]}\n"
      "{\"text\": \"what does google say\", \"expected\": [\"fallback\", \"web_search\"]}\n");
  auto r = evaluate_file(path_, *parser_, registry_, Context{});
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->in_scope_total, 4);
  EXPECT_EQ(r->in_scope_correct, 3);  // the last line: fallback is listed
  EXPECT_EQ(r->oos_total, 3);
  EXPECT_EQ(r->oos_no_action, 2);  // "call grandma" is a false action, "hello" a greeting
  EXPECT_EQ(r->oos_fallback, 1);
  EXPECT_DOUBLE_EQ(r->in_scope_accuracy(), 0.75);
  ASSERT_FALSE(r->confusions.empty());
  std::map<std::string, int> conf(r->confusions.begin(), r->confusions.end());
  EXPECT_EQ(conf["joke -> fallback"], 1);
  EXPECT_EQ(conf["fallback -> call"], 1);
  // "call grandma" expected nothing: a wrong action, on a skill that needs confirmation.
  EXPECT_EQ(r->wrong_actions.at("call"), 1);
  EXPECT_EQ(r->wrong_confirmation, 1);
  EXPECT_EQ(r->oos_confirmation, 1);

  std::ostringstream out;
  print_report(*r, out);
  EXPECT_NE(out.str().find("75.0%"), std::string::npos) << out.str();
}

// The split is a fixed function of the text: the same line is always in the same half,
// and both halves get a fair share of lines.
TEST(EvalSplit, HalfIsFixedByTheTextAlone) {
  EXPECT_EQ(half_of("call mom"), half_of("call mom"));
  int measured = 0;
  for (int i = 0; i < 1000; ++i)
    if (half_of("line number " + std::to_string(i)) == Half::kMeasured) ++measured;
  EXPECT_GT(measured, 400);
  EXPECT_LT(measured, 600);
}

TEST_F(EvalFile, SplitCountsEachLineInItsHalfAndShowsOnlyStudiedMisses) {
  std::string lines;
  std::vector<std::string> studied_texts, measured_texts;
  for (int i = 0; i < 40; ++i) {
    std::string text = "zebra quantum soup number " + std::to_string(i);
    lines += "{\"text\": \"" + text + "\", \"expected\": [\"joke\"]}\n";
    (half_of(text) == Half::kStudied ? studied_texts : measured_texts).push_back(text);
  }
  ASSERT_FALSE(studied_texts.empty());
  ASSERT_FALSE(measured_texts.empty());
  write(lines);
  std::ostringstream misses;
  auto r = evaluate_split(path_, *parser_, registry_, Context{}, &misses);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->studied.in_scope_total, static_cast<int>(studied_texts.size()));
  EXPECT_EQ(r->measured.in_scope_total, static_cast<int>(measured_texts.size()));
  for (const auto& t : studied_texts) EXPECT_NE(misses.str().find(t + "\n"), std::string::npos) << t;
  for (const auto& t : measured_texts) EXPECT_EQ(misses.str().find(t + "\n"), std::string::npos) << t;
  std::ostringstream out;
  print_split(*r, out);
  EXPECT_NE(out.str().find("measured half"), std::string::npos) << out.str();
}

TEST_F(EvalFile, BadLinesAndMissingFilesAreErrors) {
  write("{\"text\": \"hi\"}\n");
  auto r = evaluate_file(path_, *parser_, registry_, Context{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find(":1:"), std::string::npos);
  write("not json\n");
  EXPECT_FALSE(evaluate_file(path_, *parser_, registry_, Context{}));
  EXPECT_FALSE(evaluate_file(path_.string() + ".missing", *parser_, registry_, Context{}));
}

}  // namespace
}  // namespace hark::nlu

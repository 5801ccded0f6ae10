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

  std::ostringstream out;
  print_report(*r, out);
  EXPECT_NE(out.str().find("75.0%"), std::string::npos) << out.str();
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

#include "nlu/tokenize.h"

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

std::vector<std::string> norms(std::string_view text) {
  std::vector<std::string> out;
  for (auto& t : tokenize(text)) out.push_back(t.norm);
  return out;
}

using V = std::vector<std::string>;

TEST(Tokenize, LowerCasesAndDropsPunctuation) {
  EXPECT_EQ(norms("Set an ALARM, please!"), (V{"set", "an", "alarm", "please"}));
  EXPECT_EQ(norms("  \"quoted\"  (words) "), (V{"quoted", "words"}));
  EXPECT_TRUE(norms("?!...").empty());
}

TEST(Tokenize, KeepsTimesAndDecimals) {
  EXPECT_EQ(norms("wake me at 7:30."), (V{"wake", "me", "at", "7:30"}));
  EXPECT_EQ(norms("2.5 cups"), (V{"2.5", "cups"}));
  EXPECT_EQ(norms("1,000 meters"), (V{"1000", "meters"}));
  EXPECT_EQ(norms("eggs, milk"), (V{"eggs", "milk"}));
  EXPECT_EQ(norms("at 7pm"), (V{"at", "7", "pm"}));
  EXPECT_EQ(norms("at 7 p.m."), (V{"at", "7", "pm"}));
  EXPECT_EQ(norms("on 12/25"), (V{"on", "12/25"}));
}

TEST(Tokenize, ExpandsContractions) {
  EXPECT_EQ(norms("What's the weather"), (V{"what", "is", "the", "weather"}));
  EXPECT_EQ(norms("whats up"), (V{"what", "is", "up"}));
  EXPECT_EQ(norms("I'd like"), (V{"i", "would", "like"}));
  EXPECT_EQ(norms("don't"), (V{"do", "not"}));
  EXPECT_EQ(norms("I can't"), (V{"i", "can", "not"}));
  EXPECT_EQ(norms("it's six o'clock"), (V{"it", "is", "six", "oclock"}));
  EXPECT_EQ(norms("mom's phone"), (V{"moms", "phone"}));
  EXPECT_EQ(norms("twenty-five"), (V{"twenty", "five"}));
  EXPECT_EQ(norms("how've they'd"), (V{"how", "have", "they", "would"}));
}

TEST(Tokenize, SpansPointIntoTheOriginal) {
  std::string text = "Call Mom.";
  auto t = tokenize(text);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(text.substr(t[1].begin, t[1].end - t[1].begin), "Mom");
  auto c = tokenize("What's up");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].begin, c[1].begin);  // both words of "What's" share its span
  EXPECT_EQ(c[1].end, 6u);
  EXPECT_EQ(join_norms(c, 0, 3), "what is up");
}

}  // namespace
}  // namespace hark::nlu

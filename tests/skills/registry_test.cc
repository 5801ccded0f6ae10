#include "skills/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace hark::skills {
namespace {

// Where a test's skill files live; removed at the end.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("hark_skills_" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const char* kGood = R"y(name: order_coffee
description: Order a coffee.
action: order_coffee
slots:
  size:
    values:
      - small
      - {in: [large, big, grande], out: large}
  drink:
    type: text
sentences:
  - "<please> order a {size} {drink}"
  - "i want a {drink}"
response: "Ordering {drink}."
ask:
  drink: "What would you like?"
examples:
  - "order a large latte"
)y";

TEST(ParseSkill, ReadsAllFields) {
  Skill s = parse_skill(kGood, "coffee.yaml");
  EXPECT_EQ(s.name, "order_coffee");
  EXPECT_EQ(s.action, "order_coffee");
  EXPECT_FALSE(s.needs_confirmation);
  ASSERT_EQ(s.sentences.size(), 2u);
  ASSERT_EQ(s.responses.size(), 1u);
  EXPECT_EQ(s.ask.at("drink"), "What would you like?");
  ASSERT_EQ(s.examples.size(), 1u);
  EXPECT_EQ(s.source, "coffee.yaml");
}

// What a follow-up that changes the action says ("make it a small one").
TEST(ParseSkill, ChangedResponseIsOptional) {
  EXPECT_TRUE(parse_skill(kGood, "coffee.yaml").changed.empty());
  Skill s = parse_skill(std::string(kGood) + "changed:\n  - \"Changed to a {size} {drink}.\"\n  - \"Changed.\"\n",
                        "coffee.yaml");
  EXPECT_EQ(s.changed, (std::vector<std::string>{"Changed to a {size} {drink}.", "Changed."}));
  EXPECT_EQ(s.responses.size(), 1u);
}

TEST(ParseSkill, ClosedListPlainAndMapped) {
  Skill s = parse_skill(kGood, "coffee.yaml");
  const SlotDef* size = s.find_slot("size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->type, SlotType::kClosed);
  ASSERT_EQ(size->values.size(), 2u);
  EXPECT_EQ(size->values[0].out, "small");
  EXPECT_EQ(size->values[0].in, std::vector<std::string>{"small"});
  EXPECT_EQ(size->values[1].out, "large");
  EXPECT_EQ(size->values[1].in, (std::vector<std::string>{"large", "big", "grande"}));
}

TEST(ParseSkill, RequiredDefaultsToUsedInEverySentence) {
  Skill s = parse_skill(kGood, "coffee.yaml");
  EXPECT_TRUE(s.find_slot("drink")->required);   // in both sentences
  EXPECT_FALSE(s.find_slot("size")->required);   // only in the first
}

TEST(ParseSkill, ExplicitRequiredWins) {
  Skill s = parse_skill(R"y(name: a
slots:
  x: {type: text, required: true}
sentences: ["do {x}", "do it"]
)y",
                        "a.yaml");
  EXPECT_TRUE(s.find_slot("x")->required);
}

TEST(ParseSkill, DurationUnitMinutes) {
  Skill s = parse_skill(R"y(name: a
slots:
  d: {type: duration, unit: minutes}
sentences: ["for {d}"]
)y",
                        "a.yaml");
  EXPECT_EQ(s.find_slot("d")->unit, "minutes");
}

struct BadCase {
  const char* yaml;
  int line;
  const char* reason_part;
};

class ParseSkillErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseSkillErrors, NameFileLineAndReason) {
  const BadCase& c = GetParam();
  try {
    parse_skill(c.yaml, "bad.yaml");
    FAIL() << "no LoadError for:\n" << c.yaml;
  } catch (const LoadError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_NE(e.reason().find(c.reason_part), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("bad.yaml:" + std::to_string(c.line) + ": ", 0), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseSkillErrors,
    ::testing::Values(
        BadCase{"name: a\nsentences:\n  - \"call {who}\"\n", 3, "not declared"},
        BadCase{"name: a\nslots:\n  x:\n    type: colour\nsentences: [\"{x}\"]\n", 4, "unknown type"},
        BadCase{"name: a\nsentences:\n  - \"ok\"\n  - \"(call | phone mom\"\n", 4, "unbalanced"},
        BadCase{"name: a\nsentences:\n  - \"call] mom\"\n", 3, "unbalanced"},
        BadCase{"name: a\nsentences:\n  - \"<nope> hi\"\n", 3, "unknown rule"},
        BadCase{"name: BadName\nsentences: [hi]\n", 1, "snake_case"},
        BadCase{"name: a\nslots:\n  2x:\n    type: text\nsentences: [\"{2x}\"]\n", 3, "not a name"},
        BadCase{"name: a\nsentences: [hi]\nresponse: \"Hi {who}\"\n", 3, "unknown slot"},
        BadCase{"name: a\nsentences: [hi]\nask:\n  who: \"Who?\"\n", 4, "unknown slot"},
        BadCase{"name: a\nsentences: [hi]\nchanged: \"Moved to {when}\"\n", 3, "unknown slot"},
        BadCase{"name: a\nsentences: [hi]\ncolour: red\n", 3, "unknown key"},
        BadCase{"name: a\nsentences: [hi\n", 3, ""},  // YAML syntax error at end of input
        BadCase{"description: x\nsentences: [hi]\n", 1, "missing key 'name'"},
        BadCase{"name: a\nslots:\n  x:\n    type: text\n    unit: minutes\nsentences: [\"{x}\"]\n", 5,
                "unit"},
        BadCase{"name: a\nslots:\n  x:\n    values: [{in: [a]}]\nsentences: [\"{x}\"]\n", 4,
                "out"}));

TEST(ParseSkill, FileRulesAndSharedRulesResolve) {
  Skill s = parse_skill(R"y(name: a
rules:
  greet: "(hi | hello)"
sentences: ["<please> <greet> there"]
)y",
                        "a.yaml");
  EXPECT_EQ(s.rules.at("greet"), "(hi | hello)");
  EXPECT_TRUE(builtin_shared_rules().count("please"));
}

// Slot names are the app's action params, so an app's own camelCase names load as they are.
TEST(ParseSkill, CamelCaseSlotNamesKeepTheirSpelling) {
  Skill s = parse_skill(R"y(name: order_drink
action: order_drink
slots:
  numberOfShots:
    values: [{in: [two shots, double], out: double shot}]
sentences: ["a latte with {numberOfShots}"]
response: "A latte, {numberOfShots}."
)y",
                        "drink.yaml");
  ASSERT_NE(s.find_slot("numberOfShots"), nullptr);
  EXPECT_EQ(s.find_slot("numberofshots"), nullptr);
}

TEST(ParseSkill, SelfReferringRuleIsAnError) {
  EXPECT_THROW(parse_skill("name: a\nrules:\n  r: \"x <r>\"\nsentences: [\"<r>\"]\n", "a.yaml"), LoadError);
}

TEST(Registry, LoadDirAddsSortedFilesAndSharedRules) {
  TempDir dir;
  dir.write("b.yaml", "name: bravo\nsentences: [\"<cheer> b\"]\n");
  dir.write("a.yml", "name: alpha\nsentences: [a]\n");
  dir.write("_rules.yaml", "rules:\n  cheer: \"(yay | hooray)\"\n");
  dir.write("notes.txt", "not a skill");
  Registry r;
  r.load_dir(dir.path());
  ASSERT_EQ(r.all().size(), 2u);
  EXPECT_EQ(r.all()[0].name, "alpha");
  EXPECT_EQ(r.all()[1].name, "bravo");
  EXPECT_NE(r.find("bravo"), nullptr);
  EXPECT_EQ(r.find("charlie"), nullptr);
  EXPECT_EQ(r.shared_rules().at("cheer"), "(yay | hooray)");
}

TEST(Registry, DirWithOneBadFileAddsNothing) {
  TempDir dir;
  dir.write("a.yaml", "name: alpha\nsentences: [a]\n");
  dir.write("b.yaml", "name: bravo\nsentences:\n  - \"{missing}\"\n");
  Registry r;
  try {
    r.load_dir(dir.path());
    FAIL() << "no LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::filesystem::path(e.file()).filename(), "b.yaml");
    EXPECT_EQ(e.line(), 3);
  }
  EXPECT_TRUE(r.all().empty());
}

TEST(Registry, DuplicateNameIsRejectedWithItsLine) {
  TempDir dir;
  dir.write("a.yaml", "name: alpha\nsentences: [a]\n");
  dir.write("b.yaml", "# the same name again\nname: alpha\nsentences: [b]\n");
  Registry r;
  try {
    r.load_dir(dir.path());
    FAIL() << "no LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::filesystem::path(e.file()).filename(), "b.yaml");
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.reason().find("already"), std::string::npos);
  }
  EXPECT_TRUE(r.all().empty());
}

TEST(Registry, AddRejectsTakenName) {
  Registry r;
  r.add(parse_skill("name: a\nsentences: [x]\n", "a.yaml"));
  EXPECT_THROW(r.add(parse_skill("name: a\nsentences: [y]\n", "b.yaml")), LoadError);
  EXPECT_EQ(r.all().size(), 1u);
}

TEST(Registry, MissingDirIsAnError) {
  Registry r;
  EXPECT_THROW(r.load_dir(std::filesystem::temp_directory_path() / "hark_no_such_dir_x"), LoadError);
}

}  // namespace
}  // namespace hark::skills

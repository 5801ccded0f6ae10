#include "asr/language_model.h"

#include "skills/deep_rules.h"
#include "skills/grammar.h"
#include "skills/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

namespace hark::asr {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& w) {
  std::string s;
  for (auto& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

skills::Skill paint_skill() {
  skills::Skill s;
  s.name = "paint";
  skills::SlotDef color;
  color.name = "color";
  color.values = {{{"red", "crimson"}, "red"}, {{"blue"}, "blue"}};
  s.slots.push_back(color);
  s.rules["please"] = "[please | kindly]";
  s.sentences = {"<please> paint it {color}"};
  return s;
}

skills::Skill one_slot_skill(std::string name, std::string slot, skills::SlotType type,
                             std::vector<std::string> sentences) {
  skills::Skill s;
  s.name = std::move(name);
  skills::SlotDef d;
  d.name = std::move(slot);
  d.type = type;
  s.slots.push_back(d);
  s.sentences = std::move(sentences);
  return s;
}

TEST(WordsOf, LowersAndDropsPunctuation) {
  EXPECT_EQ(words_of("Call Mom, please!"), (std::vector<std::string>{"call", "mom", "please"}));
  EXPECT_EQ(words_of("  ten o'clock "), (std::vector<std::string>{"ten", "o'clock"}));
  EXPECT_TRUE(words_of(" ,.! ").empty());
}

TEST(ExpandSkill, SmallTemplatesAreEnumeratedEvenly) {
  auto seqs = expand_skill(paint_skill(), {}, 60);
  std::map<std::string, int> counts;
  for (auto& s : seqs) counts[join(s)]++;
  // 3 choices of please ("", please, kindly) x 3 phrases of color.
  ASSERT_EQ(counts.size(), 9u);
  EXPECT_EQ(counts.count("paint it crimson"), 1u);
  EXPECT_EQ(counts.count("kindly paint it blue"), 1u);
  for (auto& [s, c] : counts) EXPECT_EQ(c, 7) << s;  // ceil(60 / 9)
}

TEST(ExpandSkill, LargeTemplatesAreSampledMoreTheMoreVariedTheyAre) {
  skills::Skill s;
  s.name = "big";
  s.sentences = {"(a | b | c | d) (e | f | g | h) (i | j | k | l) (m | n | o | p)"};  // 256
  auto seqs = expand_skill(s, {}, 50);
  EXPECT_GT(seqs.size(), 50u);
  EXPECT_LT(seqs.size(), 256u * 2);
  for (auto& q : seqs) EXPECT_EQ(q.size(), 4u);
  std::set<std::vector<std::string>> distinct(seqs.begin(), seqs.end());
  EXPECT_GT(distinct.size(), 50u);
  // Deterministic.
  EXPECT_EQ(seqs, expand_skill(s, {}, 50));
  // Sixteen times the variety: more samples, but far fewer than sixteen times as many.
  skills::Skill bigger = s;
  bigger.sentences = {"(a | b | c | d) (e | f | g | h) (i | j | k | l) (m | n | o | p) (q | r | s | t) (u | v | w | x)"};
  const auto more = expand_skill(bigger, {}, 50).size();
  EXPECT_GT(more, seqs.size());
  EXPECT_LT(more, 4 * seqs.size());
  // Built-in skills keep the flat budget.
  s.builtin = true;
  EXPECT_EQ(expand_skill(s, {}, 50).size(), 50u);
}

TEST(ExpandSkill, SharedRulesAndTypedSlots) {
  skills::Skill s = one_slot_skill("timer", "duration", skills::SlotType::kDuration, {"<go> a timer for {duration}"});
  auto seqs = expand_skill(s, {{"go", "(set | start)"}}, 100);
  std::set<std::string> all;
  for (auto& q : seqs) all.insert(join(q));
  EXPECT_TRUE(all.count("set a timer for ten minutes"));
  EXPECT_TRUE(all.count("start a timer for an hour"));
  for (auto& q : all) EXPECT_TRUE(q.rfind("set a timer for ", 0) == 0 || q.rfind("start a timer for ", 0) == 0) << q;
}

// expand.cc once read templates itself, gave up past 8 nested rules and skipped such a
// sentence without a word: understood when typed, missing from the speech model. Now it
// expands the loader's tree, so a sentence is either in the model or refused at load.
TEST(ExpandSkill, ADeepSentenceThatLoadsIsInTheModel) {
  const skills::Skill s = skills::parse_skill(hark::testing::deep_rules_skill(12), "deep.yaml", {});
  auto seqs = expand_skill(s, {}, 10);
  ASSERT_EQ(seqs.size(), 10u);
  for (auto& q : seqs) EXPECT_EQ(join(q), "go down");
  const skills::Skill deepest =
      skills::parse_skill(hark::testing::deep_rules_skill(skills::kMaxRuleDepth), "deep.yaml", {});
  EXPECT_EQ(join(expand_skill(deepest, {}, 1).at(0)), "go down");
}

TEST(ExpandSkill, ADeeperSentenceIsRefusedNotSkipped) {
  EXPECT_THROW(skills::parse_skill(hark::testing::deep_rules_skill(skills::kMaxRuleDepth + 1), "deep.yaml", {}),
               skills::LoadError);
  // A skill built by hand (no stored trees) fails loudly too.
  skills::Skill s;
  s.name = "deep";
  s.source = "deep.yaml";
  s.sentences = {"go <r1>"};
  for (int i = 1; i <= skills::kMaxRuleDepth; ++i)
    s.rules["r" + std::to_string(i)] = "<r" + std::to_string(i + 1) + ">";
  s.rules["r" + std::to_string(skills::kMaxRuleDepth + 1)] = "down";
  try {
    expand_skill(s, {}, 10);
    FAIL() << "skipped silently";
  } catch (const skills::LoadError& e) {
    EXPECT_EQ(e.file(), "deep.yaml");
    EXPECT_NE(e.reason().find("nest deeper"), std::string::npos) << e.what();
  }
}

// Reads ARPA text into log10 probabilities and backoff weights.
struct Arpa {
  std::map<std::string, double> p, bow;
  std::map<int, std::size_t> declared, found;
};

Arpa read_arpa(const std::string& text) {
  Arpa a;
  std::istringstream in(text);
  int order = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ngram ", 0) == 0) {
      a.declared[line[6] - '0'] = std::stoul(line.substr(8));
    } else if (line.size() > 3 && line[0] == '\\' && line[2] == '-') {
      order = line[1] - '0';
    } else if (order > 0 && !line.empty() && line[0] != '\\') {
      std::istringstream f(line);
      double p;
      f >> p;
      std::vector<std::string> w(static_cast<std::size_t>(order));
      for (auto& x : w) f >> x;
      const std::string g = join(w);
      a.p[g] = p;
      double b;
      if (f >> b) a.bow[g] = b;
      a.found[order]++;
    }
  }
  return a;
}

TEST(EstimateArpa, IsANormalizedBackoffModel) {
  std::vector<std::vector<std::string>> data = {
      {"call", "mom"}, {"call", "dad"}, {"call", "mom", "now"}, {"text", "mom"}, {"yes"}, {"call", "mom"}};
  const Arpa a = read_arpa(estimate_arpa(data));
  EXPECT_EQ(a.declared.at(1), a.found.at(1));
  EXPECT_EQ(a.declared.at(2), a.found.at(2));
  EXPECT_EQ(a.declared.at(3), a.found.at(3));

  std::vector<std::string> vocab;
  double unigram_sum = 0;
  for (auto& [g, p] : a.p)
    if (g.find(' ') == std::string::npos && g != "<s>") {
      vocab.push_back(g);
      unigram_sum += std::pow(10.0, p);
    }
  EXPECT_NEAR(unigram_sum, 1.0, 1e-4);

  // For every one-word history: seen bigrams + backoff mass over unseen words = 1.
  for (const std::string h : {"<s>", "call", "mom"}) {
    double sum = 0;
    for (auto& w : vocab) {
      auto it = a.p.find(h + " " + w);
      sum += it != a.p.end() ? std::pow(10.0, it->second)
                             : std::pow(10.0, a.bow.at(h)) * std::pow(10.0, a.p.at(w));
    }
    EXPECT_NEAR(sum, 1.0, 1e-4) << h;
  }
  // A seen continuation is more likely than an unseen one.
  EXPECT_GT(a.p.at("call mom"), a.bow.at("call") + a.p.at("yes"));
}

TEST(Pronunciation, IpaMapsToCmuPhones) {
  EXPECT_EQ(ipa_to_cmu("kˌæpuːtʃˈiːnoʊ"), "K AE P UW CH IY N OW");
  EXPECT_EQ(ipa_to_cmu("hˈɑːɹk"), "HH AA R K");
  EXPECT_EQ(ipa_to_cmu("ðə θˈɪŋ"), "DH AH TH IH NG");
}

TEST(Pronunciation, EspeakGuessesUnknownWords) {
  const std::string p = guess_pronunciations({"frappuccino"}).front();
  EXPECT_EQ(p.rfind("F R AE P", 0), 0u) << p;
}

std::vector<std::string> words(std::string_view text) { return words_of(text); }

// A paint skill, a note skill (free text) and a timer (a typed slot).
skills::Registry grammar_registry() {
  skills::Registry reg;
  reg.add(paint_skill());
  reg.add(one_slot_skill("note", "body", skills::SlotType::kText, {"take a note {body}", "open my notes"}));
  skills::Skill timer = one_slot_skill("timer", "length", skills::SlotType::kDuration, {});
  skills::SlotDef label;
  label.name = "label";
  label.type = skills::SlotType::kText;
  timer.slots.push_back(label);
  timer.sentences = {"set a timer for {length}", "set a timer [named {label}]"};
  reg.add(timer);
  return reg;
}

TEST(SkillsGrammar, HoldsTheClosedAndTypedCommandsExactly) {
  const std::string fsg = skills_grammar(grammar_registry(), true);
  auto g = GrammarAcceptor::read(fsg);
  ASSERT_TRUE(g) << g.error().detail << "\n" << fsg;
  EXPECT_TRUE(g->accepts(words("paint it crimson")));
  EXPECT_TRUE(g->accepts(words("kindly paint it blue")));
  EXPECT_FALSE(g->accepts(words("paint it green")));      // not a value of the list
  EXPECT_FALSE(g->accepts(words("paint it")));            // the slot is not optional
  EXPECT_FALSE(g->accepts(words("paint it red please")));  // no such template
  EXPECT_TRUE(g->accepts(words("open my notes")));
  // Free text is left to the n-gram: a grammar cannot list it.
  EXPECT_FALSE(g->accepts(words("take a note buy milk")));
  EXPECT_EQ(grammar_words(fsg).count("take"), 0u);
  EXPECT_TRUE(g->accepts(words("set a timer")));    // the optional part with a name is left out
  EXPECT_FALSE(g->accepts(words("set a timer named")));
  EXPECT_EQ(grammar_words(fsg).count("1"), 0u);  // a probability is not a word
  EXPECT_EQ(grammar_words(fsg).count("kindly"), 1u);
  EXPECT_TRUE(g->accepts(words("set a timer for ten minutes")));
  EXPECT_TRUE(g->accepts(words("set a timer for an hour and a half")));
  EXPECT_TRUE(g->accepts(words("set a timer for twenty five seconds")));
  EXPECT_FALSE(g->accepts(words("set a timer for minutes")));
}

// Each choice shares its probability among its alternatives (leaving an optional part out
// is one), a slot among its phrases, the grammar among its sentences (paint, notes, the
// two timer templates): sphinxbase's JSGF would give every one of these paths probability 1.
TEST(SkillsGrammar, IsAStochasticGrammar) {
  auto g = GrammarAcceptor::read(skills_grammar(grammar_registry(), true));
  ASSERT_TRUE(g);
  auto p = [&](std::string_view text) { return std::exp(g->log_probability(words(text)).value_or(-1e9)); };
  EXPECT_NEAR(p("open my notes"), 1.0 / 4, 1e-4);
  EXPECT_NEAR(p("set a timer"), 1.0 / 4, 1e-4);  // the optional part with a name has no other way
  EXPECT_NEAR(p("paint it crimson"), 1.0 / 4 / 3 / 3, 1e-4);  // no "please", of three; crimson, of three
  EXPECT_NEAR(p("kindly paint it blue"), 1.0 / 4 / 3 / 3, 1e-4);
  EXPECT_LT(p("set a timer for twenty five minutes"), p("set a timer for ten minutes"));
  EXPECT_EQ(g->log_probability(words("paint it green")), std::nullopt);
}

TEST(SkillsGrammar, NoClosedTemplateNoGrammar) {
  skills::Registry reg;
  reg.add(one_slot_skill("note", "body", skills::SlotType::kText, {"take a note {body}"}));
  EXPECT_EQ(skills_grammar(reg), "");
}

// True when every slot anywhere in `p` is a closed list or a typed value.
bool closed(const skills::Skill& skill, const skills::Phrase& p) {
  for (const auto& g : p) {
    if (g.kind == skills::GrammarNode::Kind::kSlot) {
      const skills::SlotDef* def = skill.find_slot(g.text);
      if (!def || (def->values.empty() && (def->type == skills::SlotType::kText ||
                                           def->type == skills::SlotType::kContact ||
                                           def->type == skills::SlotType::kClosed)))
        return false;
    }
    for (const auto& a : g.alts)
      if (!closed(skill, a)) return false;
  }
  return true;
}

// Every word sequence the language model draws from a template the grammar holds (all
// alternatives, slot values and the typed fillers' shapes) is a sentence of the grammar, for
// the built-in skills and the example coffee skill: the grammar search can hear all of it.
TEST(SkillsGrammar, CoversEverySentenceOfTheBuiltinAndExampleSkills) {
  skills::Registry reg;
  reg.load_builtin();
  reg.load_dir(HARK_EXAMPLE_SKILLS);
  auto g = GrammarAcceptor::read(skills_grammar(reg, true));
  ASSERT_TRUE(g) << g.error().detail;
  std::size_t templates = 0, checked = 0;
  for (const auto& skill : reg.all()) {
    const auto trees = skills::sentence_grammar(skill, reg.shared_rules());
    for (std::size_t i = 0; i < trees.size(); ++i) {
      skills::Skill one = skill;
      one.sentences = {skill.sentences.at(i)};
      one.grammar = {trees[i]};
      if (!closed(skill, trees[i])) continue;  // free text or names somewhere: not all the grammar's
      ++templates;
      for (const auto& seq : expand_skill(one, reg.shared_rules(), 30)) {
        ++checked;
        EXPECT_TRUE(g->accepts(seq)) << skill.name << ": " << join(seq);
      }
    }
  }
  EXPECT_GT(templates, 100u);
  EXPECT_GT(checked, 3000u);
}

class BuildModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hark_lm_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    options_.cache_dir = dir_;
    options_.use_general_lm = false;
    options_.samples_per_sentence = 20;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  ModelOptions options_;
};

TEST_F(BuildModelTest, BuildsOnceAndReusesTheCache) {
  skills::Registry reg;
  auto skill = paint_skill();
  skill.sentences.push_back("order a frappuccino");
  reg.add(skill);
  auto first = build_model(reg, options_);
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_TRUE(fs::exists(first->domain_lm));
  EXPECT_TRUE(fs::exists(first->domain_grammar));  // "order a frappuccino" and the paint sentence
  EXPECT_TRUE(first->general_lm.empty());
  EXPECT_EQ(first->guessed_words, (std::vector<std::string>{"frappuccino"}));
  std::ifstream dict(first->dictionary);
  std::string text((std::istreambuf_iterator<char>(dict)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\nfrappuccino F R"), std::string::npos);
  EXPECT_NE(text.find("\ncrimson "), std::string::npos);

  const auto stamp = fs::last_write_time(first->domain_lm);
  auto again = build_model(reg, options_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->domain_lm, first->domain_lm);
  EXPECT_EQ(fs::last_write_time(again->domain_lm), stamp);

  skills::Registry other;
  auto changed = paint_skill();
  changed.sentences.push_back("paint the wall {color}");
  other.add(changed);
  auto third = build_model(other, options_);
  ASSERT_TRUE(third);
  EXPECT_NE(third->domain_lm, first->domain_lm);
}

TEST_F(BuildModelTest, MissingModelIsUnavailable) {
  options_.model_dir = dir_ / "nowhere";
  skills::Registry reg;
  auto r = build_model(reg, options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

TEST(ContentHash, DiffersOnContent) {
  EXPECT_EQ(content_hash("abc"), content_hash("abc"));
  EXPECT_NE(content_hash("abc"), content_hash("abd"));
}

}  // namespace
}  // namespace hark::asr

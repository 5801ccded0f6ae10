// Sentence trees (skills/grammar.h) -> one stochastic finite-state grammar of the skills'
// commands, for a grammar search (see skills_grammar in language_model.h).
#include "asr/language_model.h"

#include "skills/grammar.h"

#include <sphinxbase/err.h>
#include <sphinxbase/fsg_model.h>

#include <algorithm>
#include <unordered_map>
#include <cstdio>
#include <set>
#include <sstream>

namespace hark::asr {
namespace {

using skills::SlotType;

// The spoken shapes of typed values, in words the CMU dictionary has and the parser's
// normalizers read (nlu/normalize.cc): numbers up to 999, clock times, dates, durations.
// In the template language (docs/SKILLS.md), each a rule the others may use.
const std::map<std::string, std::string>& typed_rules() {
  static const std::map<std::string, std::string> rules = {
      {"digit", "(one | two | three | four | five | six | seven | eight | nine)"},
      {"teen", "(ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen)"},
      {"tens", "(twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety)"},
      {"below_hundred", "(<digit> | <teen> | <tens> [<digit>])"},
      {"number", "(zero | <below_hundred> | (a | one | <digit>) hundred [[and] <below_hundred>])"},
      {"hour", "(<digit> | ten | eleven | twelve)"},
      {"minutes", "(oh <digit> | <teen> | <tens> [<digit>])"},
      {"day_part", "(a m | p m | in the morning | in the afternoon | in the evening | at night | tonight)"},
      {"time", "(<hour> [<minutes> | o'clock] [<day_part>] | noon | midnight"
               " | (half | quarter | <below_hundred> [minutes]) (past | to) <hour> [<day_part>])"},
      {"weekday", "(monday | tuesday | wednesday | thursday | friday | saturday | sunday)"},
      {"month", "(january | february | march | april | may | june | july | august | september"
                " | october | november | december)"},
      {"ordinal_unit", "(first | second | third | fourth | fifth | sixth | seventh | eighth | ninth)"},
      {"ordinal", "(<ordinal_unit> | tenth | eleventh | twelfth | thirteenth | fourteenth | fifteenth"
                  " | sixteenth | seventeenth | eighteenth | nineteenth | twentieth | twenty <ordinal_unit>"
                  " | thirtieth | thirty first)"},
      {"date", "(today | tomorrow | the day after tomorrow | [this | next] <weekday> | this weekend"
               " | next week | <month> <ordinal> | [the] <ordinal> [of <month>])"},
      {"unit", "(second | seconds | minute | minutes | hour | hours)"},
      {"duration", "((<number> | a | an | half an) <unit> [and a half] [and <number> <unit>])"},
      {"datetime", "(<date> [at <time>] [morning | afternoon | evening] | [at] <time> [<date>]"
                   " | in <duration> | tonight [at <time>])"},
  };
  return rules;
}

const char* typed_rule(SlotType t) {
  switch (t) {
    case SlotType::kNumber: return "<number>";
    case SlotType::kTime: return "<time>";
    case SlotType::kDate: return "<date>";
    case SlotType::kDateTime: return "<datetime>";
    case SlotType::kDuration: return "<duration>";
    default: return nullptr;
  }
}

// The sentence trees as one stochastic automaton. Every choice shares its probability
// evenly among its alternatives (leaving an optional part out is one of them), a slot among
// its phrases, the grammar among its sentences: hearing a slot costs what saying one of its
// N phrases is worth, so noise is not heard as a cheap "oat" or "tall". (sphinxbase's JSGF
// reader gives every arc probability 1 and ignores /weights/ on these groups, which is why
// the grammar is not written as JSGF.) A choice's probability rides on the first arc of
// each alternative, so only left-out parts need null arcs (sphinxbase closes them
// transitively: every null arc multiplies).
class Writer {
 public:
  explicit Writer(const std::map<std::string, std::string>& shared_rules) : shared_(shared_rules) {}

  // The sentences of `skill` that the grammar can hold, to be written by write().
  void add(const skills::Skill& skill) {
    for (auto& tree : skills::sentence_grammar(skill, shared_))
      if (holds(skill, tree)) sentences_.emplace_back(&skill, std::move(tree));
  }

  // sphinxbase's FSG text format.
  std::string write() {
    if (sentences_.empty()) return {};
    const double p = 1.0 / static_cast<double>(sentences_.size());
    for (const auto& [skill, tree] : sentences_) phrase(*skill, tree, kStart, kFinal, p);
    std::ostringstream o;
    o << "FSG_BEGIN hark\nNUM_STATES " << states_ << "\nSTART_STATE " << kStart << "\nFINAL_STATE " << kFinal << '\n';
    for (const auto& a : arcs_)
      o << "TRANSITION " << a.from << ' ' << a.to << ' ' << number(a.p) << (a.word.empty() ? "" : " ") << a.word << '\n';
    o << "FSG_END\n";
    return o.str();
  }

 private:
  static constexpr int kStart = 0, kFinal = 1;
  struct Arc {
    int from, to;
    double p;
    std::string word;  // "" for a null arc
  };
  int state() { return states_++; }

  // Can the grammar say `p`? Not when it must say a slot the grammar cannot list (free
  // text, names). An alternative with one is left out ("what time is it [in {location}]"
  // keeps "what time is it"); a choice left with none drops the template.
  bool holds(const skills::Skill& skill, const skills::Phrase& p) const {
    for (const auto& g : p) {
      if (g.kind == skills::GrammarNode::Kind::kSlot && !slot_holds(skill, g.text)) return false;
      if (g.kind == skills::GrammarNode::Kind::kChoice && !g.optional &&
          std::none_of(g.alts.begin(), g.alts.end(), [&](const auto& alt) { return holds(skill, alt); }))
        return false;
    }
    return true;
  }
  static bool slot_holds(const skills::Skill& skill, const std::string& name) {
    const skills::SlotDef* def = skill.find_slot(name);
    if (!def) return false;
    if (def->values.empty()) return typed_rule(def->type) != nullptr;
    return std::any_of(def->values.begin(), def->values.end(), [](const skills::SlotValue& v) {
      return !words_of(v.out).empty() ||
             std::any_of(v.in.begin(), v.in.end(), [](const std::string& s) { return !words_of(s).empty(); });
    });
  }

  // `p` (REQUIRES: holds) from state `a` to state `b`, its first arcs with probability `first`.
  void phrase(const skills::Skill& skill, const skills::Phrase& p, int a, int b, double first) {
    int at = a;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const auto& g = p[i];
      const int to = i + 1 == p.size() ? b : state();
      switch (g.kind) {
        case skills::GrammarNode::Kind::kText:
          if (const auto ws = words_of(g.text); !ws.empty()) {
            words(ws, first, at, to);
          } else {
            arcs_.push_back({at, to, first, ""});
          }
          break;
        case skills::GrammarNode::Kind::kSlot:
          slot(skill, g.text, at, to, first);
          break;
        case skills::GrammarNode::Kind::kChoice:
          choice(skill, g, at, to, first);
          break;
      }
      at = to;
      first = 1.0;
    }
    if (p.empty()) arcs_.push_back({a, b, first, ""});
  }

  void choice(const skills::Skill& skill, const skills::GrammarNode& g, int a, int b, double first) {
    std::vector<const skills::Phrase*> said;
    bool empty = g.optional;
    for (const auto& alt : g.alts) {
      if (alt.empty())
        empty = true;
      else if (holds(skill, alt))
        said.push_back(&alt);
    }
    const double p = first / static_cast<double>(said.size() + (empty ? 1 : 0));
    for (const auto* alt : said) phrase(skill, *alt, a, b, p);
    if (empty) arcs_.push_back({a, b, p, ""});
  }

  void slot(const skills::Skill& skill, const std::string& name, int a, int b, double first) {
    const skills::SlotDef* def = skill.find_slot(name);
    if (def->values.empty()) {
      static const skills::Skill none;
      const char* typed = typed_rule(def->type);
      auto tree = typed_.find(typed);  // read once, used by every template with the type
      if (tree == typed_.end()) tree = typed_.emplace(typed, skills::parse_sentence(typed, none, typed_rules())).first;
      phrase(none, tree->second, a, b, first);
      return;
    }
    std::set<std::vector<std::string>> phrases;
    for (const auto& v : def->values) {
      for (const auto& s : v.in) phrases.insert(words_of(s));
      if (v.in.empty()) phrases.insert(words_of(v.out));
    }
    phrases.erase(std::vector<std::string>{});
    const double p = first / static_cast<double>(phrases.size());
    for (const auto& ws : phrases) words(ws, p, a, b);
  }

  // `ws` (not empty) from `a` to `b`, the first word with probability `p`.
  void words(const std::vector<std::string>& ws, double p, int a, int b) {
    int at = a;
    for (std::size_t j = 0; j < ws.size(); ++j) {
      const int to = j + 1 == ws.size() ? b : state();
      arcs_.push_back({at, to, j == 0 ? p : 1.0, ws[j]});
      at = to;
    }
  }

  static std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }

  const std::map<std::string, std::string>& shared_;
  std::vector<std::pair<const skills::Skill*, skills::Phrase>> sentences_;
  std::vector<Arc> arcs_;
  int states_ = 2;  // kStart, kFinal
  std::map<std::string, skills::Phrase> typed_;  // typed_rule -> its tree
};

}  // namespace

std::string skills_grammar(const skills::Registry& registry, bool builtin) {
  Writer w(registry.shared_rules());
  for (const auto& skill : registry.all())
    if (builtin || !skill.builtin) w.add(skill);
  return w.write();
}

std::set<std::string> grammar_words(std::string_view fsg) {
  std::set<std::string> out;
  std::istringstream in{std::string(fsg)};
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string kind, from, to, p, word;
    if (f >> kind >> from >> to >> p >> word && kind == "TRANSITION") out.insert(word);
  }
  return out;
}

struct GrammarAcceptor::Model {
  int start = 0, final = 0;
  std::map<std::string, int> words;
  // Per state: its word arcs and its null arcs (sphinxbase has closed those transitively),
  // each with its natural log probability.
  struct Arc {
    int word, to;
    double logp;
  };
  std::vector<std::vector<Arc>> arcs, nulls;
};

Result<GrammarAcceptor> GrammarAcceptor::read(std::string_view fsg) {
  err_set_logfp(nullptr);  // as the decoders' -logfn /dev/null: sphinxbase logs each rule
  logmath_t* lmath = logmath_init(1.0001, 0, 0);
  std::string text(fsg);
  FILE* file = text.empty() ? nullptr : fmemopen(text.data(), text.size(), "r");
  fsg_model_t* f = lmath && file ? fsg_model_read(file, lmath, 1.0f) : nullptr;
  if (file) std::fclose(file);
  if (!f) {
    if (lmath) logmath_free(lmath);
    return make_error(Errc::bad_request, "the grammar cannot be read");
  }
  auto m = std::make_shared<Model>();
  m->start = fsg_model_start_state(f);
  m->final = fsg_model_final_state(f);
  for (int w = 0; w < fsg_model_n_word(f); ++w) m->words[fsg_model_word_str(f, w)] = w;
  m->arcs.resize(static_cast<std::size_t>(fsg_model_n_state(f)));
  m->nulls.resize(m->arcs.size());
  for (int s = 0; s < fsg_model_n_state(f); ++s)
    for (fsg_arciter_t* it = fsg_model_arcs(f, s); it; it = fsg_arciter_next(it)) {
      const fsg_link_t* l = fsg_arciter_get(it);
      const double logp = logmath_log_to_ln(lmath, fsg_link_logs2prob(l));
      auto& to = fsg_link_wid(l) < 0 ? m->nulls : m->arcs;
      to[static_cast<std::size_t>(s)].push_back({fsg_link_wid(l), fsg_link_to_state(l), logp});
    }
  fsg_model_free(f);
  logmath_free(lmath);
  GrammarAcceptor g;
  g.model_ = std::move(m);
  return g;
}

std::optional<double> GrammarAcceptor::log_probability(const std::vector<std::string>& words) const {
  const Model& m = *model_;
  // The states reached having heard the words so far, each with its best log probability
  // (a handful of a grammar's states: a map, not an array of all of them).
  using Frontier = std::unordered_map<int, double>;
  auto reach = [](Frontier& f, int s, double logp) {
    auto [it, fresh] = f.emplace(s, logp);
    if (!fresh && logp > it->second) it->second = logp;
  };
  auto close = [&](Frontier& f) {
    const Frontier before = f;
    for (const auto& [s, logp] : before)
      for (const auto& n : m.nulls[static_cast<std::size_t>(s)]) reach(f, n.to, logp + n.logp);
  };
  Frontier at{{m.start, 0.0}};
  close(at);
  for (const auto& w : words) {
    const auto id = m.words.find(w);
    if (id == m.words.end()) return std::nullopt;
    Frontier next;
    for (const auto& [s, logp] : at)
      for (const auto& a : m.arcs[static_cast<std::size_t>(s)])
        if (a.word == id->second) reach(next, a.to, logp + a.logp);
    if (next.empty()) return std::nullopt;
    close(next);
    at.swap(next);
  }
  const auto end = at.find(m.final);
  if (end == at.end()) return std::nullopt;
  return end->second;
}

bool GrammarAcceptor::accepts(const std::vector<std::string>& words) const {
  return log_probability(words).has_value();
}

}  // namespace hark::asr

// Sentence trees (skills/grammar.h) -> one JSGF grammar of the skills' commands, for a
// grammar search (see skills_grammar in language_model.h).
#include "asr/language_model.h"

#include "skills/grammar.h"

#include <sphinxbase/err.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>

#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>

namespace hark::asr {
namespace {

using skills::SlotType;

// The spoken shapes of typed values, in words the CMU dictionary has and the parser's
// normalizers read (nlu/normalize.cc): numbers up to 999, clock times, dates, durations.
constexpr const char* kTypedRules = R"(
<digit> = one | two | three | four | five | six | seven | eight | nine;
<teen> = ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen;
<tens> = twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety;
<below_hundred> = <digit> | <teen> | <tens> [<digit>];
<number> = zero | <below_hundred> | (a | one | <digit>) hundred [[and] <below_hundred>];
<hour> = <digit> | ten | eleven | twelve;
<minutes> = oh <digit> | <teen> | <tens> [<digit>];
<day_part> = a m | p m | in the morning | in the afternoon | in the evening | at night | tonight;
<time> = <hour> [<minutes> | o'clock] [<day_part>] | noon | midnight
       | (half | quarter | <below_hundred> [minutes]) (past | to) <hour> [<day_part>];
<weekday> = monday | tuesday | wednesday | thursday | friday | saturday | sunday;
<month> = january | february | march | april | may | june | july | august | september
        | october | november | december;
<ordinal_unit> = first | second | third | fourth | fifth | sixth | seventh | eighth | ninth;
<ordinal> = <ordinal_unit> | tenth | eleventh | twelfth | thirteenth | fourteenth | fifteenth
          | sixteenth | seventeenth | eighteenth | nineteenth | twentieth | twenty <ordinal_unit>
          | thirtieth | thirty first;
<date> = today | tomorrow | the day after tomorrow | [this | next] <weekday> | this weekend
       | next week | <month> <ordinal> | [the] <ordinal> [of <month>];
<unit> = second | seconds | minute | minutes | hour | hours;
<duration> = (<number> | a | an | half an) <unit> [and a half] [and <number> <unit>];
<datetime> = <date> [at <time>] [morning | afternoon | evening] | [at] <time> [<date>]
           | in <duration> | tonight [at <time>];
)";

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

class Writer {
 public:
  Writer(const std::map<std::string, std::string>& shared_rules, double optional_weight)
      : shared_(shared_rules), optional_weight_(weight_text(optional_weight)) {}

  // Adds the sentences of `skill` that the grammar can hold, one rule each.
  void add(const skills::Skill& skill) {
    const auto trees = skills::sentence_grammar(skill, shared_);
    skill_rules_.clear();
    for (const auto& tree : trees) {
      std::string expr;
      if (!phrase(skill, tree, expr) || expr.empty()) continue;
      const std::string name = "s" + std::to_string(sentences_++);
      rules_ << '<' << name << "> = " << expr << ";\n";
      top_ += (top_.empty() ? "" : " | ") + ("<" + name + ">");
    }
  }

  std::string text() const {
    if (top_.empty()) return {};
    return "#JSGF V1.0;\ngrammar hark;\npublic <command> = " + top_ + ";\n" + rules_.str() + kTypedRules;
  }

 private:
  // The JSGF of `p`; false when it must say a slot the grammar cannot list (free text, names).
  bool phrase(const skills::Skill& skill, const skills::Phrase& p, std::string& out) {
    for (const auto& g : p) {
      std::string part;
      switch (g.kind) {
        case skills::GrammarNode::Kind::kText:
          for (const auto& w : words_of(g.text)) part += (part.empty() ? "" : " ") + w;
          break;
        case skills::GrammarNode::Kind::kSlot:
          if (!slot(skill, g.text, part)) return false;
          break;
        case skills::GrammarNode::Kind::kChoice: {
          std::vector<std::string> alts;
          bool empty_alt = g.optional;
          // An alternative with free text or a name is left out ("what time is it [in
          // {location}]" keeps "what time is it"); a choice left with none drops the template.
          bool any = false;
          for (const auto& a : g.alts) {
            std::string e;
            if (!phrase(skill, a, e)) continue;
            any = true;
            if (e.empty())
              empty_alt = true;
            else
              alts.push_back(std::move(e));
          }
          if (!any && !g.optional) return false;
          if (alts.empty()) break;
          // sphinxbase gives every arc of a grammar probability 1, so an optional part
          // would cost nothing to hear: noise then turns into "with oat milk". Saying it
          // costs optional_weight_ against leaving it out.
          const std::string weight = empty_alt ? "/" + optional_weight_ + "/ " : "";
          part = "(";
          for (std::size_t i = 0; i < alts.size(); ++i) part += (i ? " | " : "") + weight + alts[i];
          part += empty_alt ? " | /1/ <NULL>)" : ")";
          break;
        }
      }
      if (!part.empty()) out += (out.empty() ? "" : " ") + part;
    }
    return true;
  }

  bool slot(const skills::Skill& skill, const std::string& name, std::string& out) {
    const skills::SlotDef* def = skill.find_slot(name);
    if (!def) return false;
    if (def->values.empty()) {
      const char* typed = typed_rule(def->type);
      if (!typed) return false;
      out = typed;
      return true;
    }
    auto it = skill_rules_.find(name);
    if (it == skill_rules_.end()) {
      std::set<std::string> phrases;
      for (const auto& v : def->values) {
        for (const auto& s : v.in) phrases.insert(joined(s));
        if (v.in.empty()) phrases.insert(joined(v.out));
      }
      phrases.erase("");
      if (phrases.empty()) return false;
      std::string alts;
      for (const auto& s : phrases) alts += (alts.empty() ? "" : " | ") + s;
      const std::string rule = "v" + std::to_string(values_++);
      rules_ << '<' << rule << "> = " << alts << ";\n";
      it = skill_rules_.emplace(name, "<" + rule + ">").first;
    }
    out = it->second;
    return true;
  }

  static std::string weight_text(double w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", w);
    return buf;
  }

  static std::string joined(const std::string& text) {
    std::string s;
    for (const auto& w : words_of(text)) s += (s.empty() ? "" : " ") + w;
    return s;
  }

  const std::map<std::string, std::string>& shared_;
  const std::string optional_weight_;
  std::ostringstream rules_;
  std::string top_;
  std::map<std::string, std::string> skill_rules_;  // slot -> its rule, for the current skill
  int sentences_ = 0, values_ = 0;
};

}  // namespace

std::string skills_grammar(const skills::Registry& registry, bool builtin, double optional_weight) {
  Writer w(registry.shared_rules(), optional_weight);
  for (const auto& skill : registry.all())
    if (builtin || !skill.builtin) w.add(skill);
  return w.text();
}

std::set<std::string> grammar_words(std::string_view jsgf) {
  std::set<std::string> out;
  std::size_t body = jsgf.find("public");
  if (body == std::string_view::npos) return out;
  std::string token;
  char skip_to = 0;  // inside a <rule name> or a /weight/
  for (std::size_t i = body; i <= jsgf.size(); ++i) {
    const char c = i < jsgf.size() ? jsgf[i] : ' ';
    if (skip_to) {
      if (c == skip_to) skip_to = 0;
      continue;
    }
    if (c == '<' || c == '/') {
      skip_to = c == '<' ? '>' : '/';
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'' || u >= 0x80) {
      token.push_back(c);
    } else {
      if (!token.empty() && token != "public") out.insert(token);
      token.clear();
    }
  }
  return out;
}

struct GrammarAcceptor::Model {
  int start = 0, final = 0;
  std::map<std::string, int> words;
  // Per state: its word arcs (word, to) and the states its null arcs reach (sphinxbase has
  // closed them transitively).
  std::vector<std::vector<std::pair<int, int>>> arcs;
  std::vector<std::vector<int>> nulls;
};

Result<GrammarAcceptor> GrammarAcceptor::read(std::string_view jsgf) {
  err_set_logfp(nullptr);  // as the decoders' -logfn /dev/null: sphinxbase logs each rule
  logmath_t* lmath = logmath_init(1.0001, 0, 0);
  const std::string text(jsgf);
  fsg_model_t* f = lmath ? jsgf_read_string(text.c_str(), lmath, 1.0f) : nullptr;
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
      if (fsg_link_wid(l) < 0)
        m->nulls[static_cast<std::size_t>(s)].push_back(fsg_link_to_state(l));
      else
        m->arcs[static_cast<std::size_t>(s)].emplace_back(fsg_link_wid(l), fsg_link_to_state(l));
    }
  fsg_model_free(f);
  logmath_free(lmath);
  GrammarAcceptor g;
  g.model_ = std::move(m);
  return g;
}

bool GrammarAcceptor::accepts(const std::vector<std::string>& words) const {
  const Model& m = *model_;
  std::vector<char> in(m.arcs.size(), 0);
  std::vector<int> states;
  auto add = [&](int s) {
    if (in[static_cast<std::size_t>(s)]) return;
    in[static_cast<std::size_t>(s)] = 1;
    states.push_back(s);
    for (int t : m.nulls[static_cast<std::size_t>(s)])
      if (!in[static_cast<std::size_t>(t)]) {
        in[static_cast<std::size_t>(t)] = 1;
        states.push_back(t);
      }
  };
  add(m.start);
  for (const auto& w : words) {
    const auto id = m.words.find(w);
    if (id == m.words.end()) return false;
    std::vector<int> from;
    from.swap(states);
    for (int s : from) in[static_cast<std::size_t>(s)] = 0;
    for (int s : from)
      for (const auto& [wid, to] : m.arcs[static_cast<std::size_t>(s)])
        if (wid == id->second) add(to);
    if (states.empty()) return false;
  }
  return in[static_cast<std::size_t>(m.final)] != 0;
}

}  // namespace hark::asr

// The matcher: every sentence template that could match (its literal words are all in
// the input) is walked by backtracking over the input tokens; the match with the best
// score wins. Typed slot spans are normalized once per parse and cached.
#include "nlu/parser.h"

#include "nlu/compiled.h"
#include "nlu/evidence.h"
#include "nlu/statistical.h"
#include "nlu/normalize.h"
#include "nlu/template.h"
#include "nlu/tokenize.h"
#include "nlu/tolerance.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <cctype>
#include <unordered_map>

namespace hark::nlu {
namespace {

// Longest span a typed slot may take ("the day after tomorrow at half past six pm").
constexpr std::size_t kMaxTypedSpan = 10;
// Longest contact name that is not one of the user's contacts.
constexpr std::size_t kMaxContactSpan = 3;
constexpr std::size_t kMaxTokens = 64;
constexpr int kUnbounded = 1 << 20;

// Words around a request that carry no meaning for the intent.
bool leading_filler(std::string_view w) {
  return w == "please" || w == "hey" || w == "ok" || w == "okay" || w == "so" || w == "um" ||
         w == "uh" || w == "hark" || w == "well" || w == "oh" || w == "and" || w == "also";
}
bool trailing_filler(std::string_view w) { return w == "please" || w == "now" || w == "thanks"; }

// Words a contact's name does not start with: pronouns and place words, and conjunctions
// ("ring or text anna" is two requests, not a call to "or text anna").
bool not_a_contact(std::string_view w) {
  return w == "or" || w == "and" || w == "but" || w == "me" || w == "you" || w == "us" ||
         w == "it" || w == "a" || w == "an" ||
         w == "this" || w == "that" || w == "myself" || w == "yourself" || w == "them" ||
         w == "there" || w == "here" || w == "back" || w == "someone" || w == "somebody";
}

// Businesses people ask about far more often than they phone or text them by voice.
bool not_a_person(std::string_view w) {
  return w == "bank" || w == "uber" || w == "lyft" || w == "taxi" || w == "cab" || w == "insurance" ||
         w == "airline" || w == "card" || w == "account" || w == "company";
}

bool has_free_slot(const Sequence& seq, const std::vector<CompiledSlot>& slots) {
  for (const auto& n : seq) {
    if (n.kind == Node::Kind::kSlot) {
      auto k = slots[static_cast<std::size_t>(n.slot)].kind;
      if (k == skills::SlotType::kText || k == skills::SlotType::kContact) return true;
    }
    for (const auto& a : n.alts)
      if (has_free_slot(a, slots)) return true;
  }
  return false;
}

std::pair<int, int> slot_bounds(const CompiledSlot& s) {
  switch (s.kind) {
    case skills::SlotType::kText:
      return {1, kUnbounded};
    case skills::SlotType::kContact:
      return {1, static_cast<int>(kMaxContactSpan)};
    case skills::SlotType::kClosed: {
      int lo = kUnbounded, hi = 0;
      for (const auto& p : s.phrases) {
        lo = std::min(lo, static_cast<int>(p.first.size()));
        hi = std::max(hi, static_cast<int>(p.first.size()));
      }
      return {lo, hi};
    }
    default:
      return {1, static_cast<int>(kMaxTypedSpan)};
  }
}

// Fills the length bounds of every node; returns the bounds of the whole sequence.
std::pair<int, int> annotate(Sequence& seq, const std::vector<CompiledSlot>& slots) {
  for (auto& n : seq) {
    if (n.kind == Node::Kind::kWord) {
      n.min_len = n.max_len = 1;
    } else if (n.kind == Node::Kind::kSlot) {
      std::tie(n.min_len, n.max_len) = slot_bounds(slots[static_cast<std::size_t>(n.slot)]);
    } else {
      int lo = kUnbounded, hi = 0;
      for (auto& a : n.alts) {
        auto [alo, ahi] = annotate(a, slots);
        lo = std::min(lo, alo);
        hi = std::max(hi, ahi);
      }
      if (n.optional || n.alts.empty()) lo = 0;
      n.min_len = lo;
      n.max_len = hi;
    }
  }
  int lo = 0, hi = 0;
  for (auto it = seq.rbegin(); it != seq.rend(); ++it) {
    it->min_rest = lo;
    it->max_rest = hi;
    lo = std::min(kUnbounded, lo + it->min_len);
    hi = std::min(kUnbounded, hi + it->max_len);
  }
  return {lo, hi};
}

struct Capture {
  int slot;
  std::size_t begin, end;
  int value = -1;  // closed list: index of the value
};

struct Score {
  int literal = 0;  // template words and closed-list words
  int typed = 0;    // words of typed slots
  int free = 0;     // words of text and contact slots
  int skipped = 0;  // words of the input no template word accounts for (loose pass)
  double value() const { return 2.0 * literal + 1.5 * typed - 0.25 * free - 1.5 * skipped; }
};

// Skipped words the loose pass allows; it only runs for skills without an action,
// so a stray word can cost an exact answer but never cause a wrong action.
constexpr int kLooseSkips = 2;

// The statistical stage. Its confidence is the class probability, scaled down when the
// skill's vocabulary explains less than kFullCoverage of the words.
constexpr double kStatThreshold = 0.5;
constexpr double kFullCoverage = 0.8;
constexpr double kMinCoverage = 0.5;
constexpr double kMinActionCoverage = 0.6;
// A skill that needs confirmation is only chosen by the classifier above this.
constexpr double kConfirmThreshold = 0.9;
// Ask-back between two skills, only for a request that would otherwise fall back: the
// two together hold at least kAskBackMass of the probability (so "none of these" is
// unlikely) and are within kAskBackMargin of each other (so neither is clearly meant);
// each explains at least kMinCoverage of the request, as a classifier answer must.
// 0.15 is about the spread of a skill's probability between paraphrases of one request
// in the training material, so a closer split is not a preference the classifier has.
constexpr double kAskBackMass = 0.7;
constexpr double kAskBackMargin = 0.15;

// Normalized values of typed spans, computed at most once per parse.
class SpanCache {
 public:
  explicit SpanCache(std::size_t n) : n_(n), state_(5 * n * n, 0) {}
  // kind 0..4 = number, time, date, datetime, duration
  template <class F>
  const SlotValue* get(int kind, std::size_t b, std::size_t e, F&& compute) {
    std::size_t i = (static_cast<std::size_t>(kind) * n_ + b) * n_ + (e - 1);
    if (state_[i] == 0) {
      auto v = compute();
      state_[i] = v ? 1 : 2;
      if (v) values_.emplace_back(i, std::move(*v));
    }
    if (state_[i] != 1) return nullptr;
    for (auto& [k, v] : values_)
      if (k == i) return &v;
    return nullptr;
  }

 private:
  std::size_t n_;
  std::vector<char> state_;
  std::vector<std::pair<std::size_t, SlotValue>> values_;
};

}  // namespace

struct Parser::Impl {
  const skills::Registry& registry;
  Vocabulary vocab;
  std::vector<CompiledSkill> skills;
  std::vector<Sentence> sentences;
  std::unordered_map<int, std::vector<int>> by_anchor;  // word id -> sentences
  std::vector<int> unanchored;
  std::optional<StatisticalModel> statistical_model;
  std::optional<Evidence> evidence;
  ParserOptions options;

  Impl(const skills::Registry& r, ParserOptions o) : registry(r), options(o) {
    for (const auto& sk : r.all()) {
      CompiledSkill cs{&sk, {}};
      for (const auto& def : sk.slots) {
        CompiledSlot slot{def.type, {}};
        for (std::size_t v = 0; v < def.values.size(); ++v)
          for (const auto& phrase : def.values[v].in) {
            std::vector<int> ids;
            for (auto& t : tokenize(phrase))
              if (!ignorable(t.norm)) ids.push_back(vocab.intern(t.norm));
            if (!ids.empty()) slot.phrases.emplace_back(std::move(ids), static_cast<int>(v));
          }
        std::stable_sort(slot.phrases.begin(), slot.phrases.end(),
                         [](auto& a, auto& b) { return a.first.size() > b.first.size(); });
        cs.slots.push_back(std::move(slot));
      }
      int index = static_cast<int>(skills.size());
      skills.push_back(std::move(cs));
      for (const auto& phrase : skills::sentence_grammar(sk, r.shared_rules())) {
        Sentence s{index, compile_phrase(phrase, vocab), {}, 0};
        annotate(s.seq, skills.back().slots);
        s.required = required_words(s.seq);
        s.min_tokens = min_tokens(s.seq);
        s.free_slot = has_free_slot(s.seq, skills.back().slots);
        sentences.push_back(std::move(s));
      }
    }
    // Index each sentence under a small set of words one of which every match contains.
    std::unordered_map<int, int> freq;
    for (auto& s : sentences)
      for (int w : s.required) ++freq[w];
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      auto anchors = anchor_set(sentences[i].seq, freq);
      if (!anchors) {
        unanchored.push_back(static_cast<int>(i));
        continue;
      }
      for (int w : *anchors) by_anchor[w].push_back(static_cast<int>(i));
    }
    statistical_model.emplace(skills, sentences, vocab, options.cache_dir);
    evidence.emplace(*statistical_model, vocab);
  }

  // Words one of which every match of `seq` contains, as few and as rare as can be
  // found; nullopt when a match may consist of slots alone.
  static std::optional<std::vector<int>> anchor_set(const Sequence& seq,
                                                    const std::unordered_map<int, int>& freq) {
    std::optional<std::vector<int>> best;
    auto cost = [&](const std::vector<int>& ws) {
      long c = 0;
      for (int w : ws) {
        auto it = freq.find(w);
        c += 1 + (it == freq.end() ? 0 : it->second);
      }
      return c;
    };
    for (const auto& n : seq) {
      std::optional<std::vector<int>> cand;
      if (n.kind == Node::Kind::kWord) {
        cand = std::vector<int>{n.word};
      } else if (n.kind == Node::Kind::kGroup && !n.optional && !n.alts.empty()) {
        std::vector<int> all;
        bool ok = true;
        for (const auto& a : n.alts) {
          auto sub = anchor_set(a, freq);
          if (!sub) {
            ok = false;
            break;
          }
          all.insert(all.end(), sub->begin(), sub->end());
        }
        if (ok) {
          std::sort(all.begin(), all.end());
          all.erase(std::unique(all.begin(), all.end()), all.end());
          cand = std::move(all);
        }
      }
      if (cand && (!best || cost(*cand) < cost(*best))) best = std::move(cand);
    }
    return best;
  }

  struct Match {
    int sentence = -1;
    Score score;
    std::vector<Capture> captures;
  };

  struct Frame {
    const Sequence* seq;
    std::size_t idx;
    const Frame* next;
  };

  struct Walk {
    const Impl& impl;
    const CompiledSkill& skill;
    const std::vector<int>& ids;
    const std::vector<Token>& tokens;
    std::size_t n;
    const Context& ctx;
    SpanCache& cache;
    Score score;
    std::vector<Capture> captures;
    Match* best;
    int sentence;
    int skips_left = 0;
    int steps = 0;

    void record() {
      if (score.skipped > 0 && (score.literal < 2 || score.literal < 2 * score.skipped)) return;
      if (best->sentence < 0 || score.value() > best->score.value()) {
        best->sentence = sentence;
        best->score = score;
        best->captures = captures;
      }
    }

    bool typed_ok(skills::SlotType k, std::size_t b, std::size_t e) {
      int kind = static_cast<int>(k) - static_cast<int>(skills::SlotType::kNumber);
      return cache.get(kind, b, e, [&]() -> std::optional<SlotValue> {
        std::string words = join_norms(tokens, b, e);
        switch (k) {
          case skills::SlotType::kNumber:
            if (auto v = normalize_number(words)) return Number{*v};
            break;
          case skills::SlotType::kTime:
            if (auto v = normalize_time(words)) return Time{*v};
            break;
          case skills::SlotType::kDate:
            if (auto v = normalize_date(words, ctx.now, ctx.timezone)) return Date{*v};
            break;
          case skills::SlotType::kDateTime:
            if (auto v = normalize_datetime(words, ctx.now, ctx.timezone)) return DateTime{*v};
            break;
          case skills::SlotType::kDuration:
            if (auto v = normalize_duration(words)) return Duration{*v};
            break;
          default:
            break;
        }
        return std::nullopt;
      }) != nullptr;
    }

    void go(const Frame* f, std::size_t pos) {
      if (++steps > 20000) return;  // a pathological template; keep what was found
      // What the rest of the template can still take must fit the tokens left.
      int lo = 0, hi = 0;
      for (const Frame* g = f; g; g = g->next) {
        if (g->idx == g->seq->size()) continue;
        const Node& nd = (*g->seq)[g->idx];
        lo += nd.min_len + nd.min_rest;
        hi = std::min(kUnbounded, hi + nd.max_len + nd.max_rest);
      }
      int left = static_cast<int>(n - pos);
      if (left < lo || left > hi + skips_left) return;
      if (!f) {
        // Loose pass: words left over at the end count as skipped.
        if (static_cast<int>(n - pos) <= skips_left) {
          score.skipped += static_cast<int>(n - pos);
          record();
          score.skipped -= static_cast<int>(n - pos);
        }
        return;
      }
      if (f->idx == f->seq->size()) return go(f->next, pos);
      const Node& node = (*f->seq)[f->idx];
      Frame after{f->seq, f->idx + 1, f->next};
      switch (node.kind) {
        case Node::Kind::kWord:
          if (pos < n && ids[pos] == node.word) {
            ++score.literal;
            go(&after, pos + 1);
            --score.literal;
          } else if (skips_left > 0 && pos + 1 < n && ids[pos + 1] == node.word) {
            // Loose pass: one stray word before an expected word.
            --skips_left;
            score.skipped += 1;
            score.literal += 1;
            go(&after, pos + 2);
            score.literal -= 1;
            score.skipped -= 1;
            ++skips_left;
          }
          return;
        case Node::Kind::kGroup:
          for (const auto& alt : node.alts) {
            Frame sub{&alt, 0, &after};
            go(&sub, pos);
          }
          if (node.optional) go(&after, pos);
          return;
        case Node::Kind::kSlot:
          slot(node.slot, f, &after, pos);
          return;
      }
    }

    void slot(int index, const Frame* f, const Frame* after, std::size_t pos) {
      if (pos >= n) return;
      const CompiledSlot& cs = skill.slots[static_cast<std::size_t>(index)];
      switch (cs.kind) {
        case skills::SlotType::kClosed:
          for (const auto& [words, value] : cs.phrases) {
            if (pos + words.size() > n) continue;
            if (!std::equal(words.begin(), words.end(), ids.begin() + static_cast<long>(pos)))
              continue;
            captures.push_back({index, pos, pos + words.size(), value});
            score.literal += static_cast<int>(words.size());
            go(after, pos + words.size());
            score.literal -= static_cast<int>(words.size());
            captures.pop_back();
          }
          return;
        case skills::SlotType::kText:
        case skills::SlotType::kContact: {
          // "call me Tom", "call an uber", "tell you that": not people to contact.
          if (cs.kind == skills::SlotType::kContact && not_a_contact(tokens[pos].norm)) return;
          bool contact = cs.kind == skills::SlotType::kContact;
          std::size_t limit = cs.kind == skills::SlotType::kContact ? std::min(n, pos + kMaxContactSpan) : n;
          for (std::size_t e = pos + 1; e <= limit; ++e) {
            if (contact && not_a_person(tokens[e - 1].norm)) continue;
            captures.push_back({index, pos, e});
            score.free += static_cast<int>(e - pos);
            go(after, e);
            score.free -= static_cast<int>(e - pos);
            captures.pop_back();
          }
          return;
        }
        default: {
          std::size_t limit = std::min(n, pos + kMaxTypedSpan);
          for (std::size_t e = pos + 1; e <= limit; ++e) {
            if (!typed_ok(cs.kind, pos, e)) continue;
            captures.push_back({index, pos, e});
            score.typed += static_cast<int>(e - pos);
            go(after, e);
            score.typed -= static_cast<int>(e - pos);
            captures.pop_back();
          }
          return;
        }
      }
    }
  };

  Slot value_of(const Capture& c, const CompiledSkill& cs, std::string_view text,
                const std::vector<Token>& tokens, SpanCache& cache, const Context& ctx) const {
    const skills::SlotDef& def = cs.skill->slots[static_cast<std::size_t>(c.slot)];
    Slot out;
    out.raw = std::string(text.substr(tokens[c.begin].begin, tokens[c.end - 1].end - tokens[c.begin].begin));
    switch (cs.slots[static_cast<std::size_t>(c.slot)].kind) {
      case skills::SlotType::kClosed:
        out.value = Text{def.values[static_cast<std::size_t>(c.value)].out};
        break;
      case skills::SlotType::kText:
        out.value = Text{out.raw};
        break;
      case skills::SlotType::kContact:
        out.value = Text{resolve_contact(out.raw, tokens, c.begin, c.end, ctx)};
        break;
      default: {
        int kind = static_cast<int>(cs.slots[static_cast<std::size_t>(c.slot)].kind) -
                   static_cast<int>(skills::SlotType::kNumber);
        auto* v = cache.get(kind, c.begin, c.end, [] { return std::optional<SlotValue>(); });
        if (v) out.value = *v;
        auto* d = v ? std::get_if<Duration>(v) : nullptr;
        if (def.type == skills::SlotType::kDuration && def.unit == "minutes" && d)
          out.value = Duration{(d->amount + 30) / 60, true};
        break;
      }
    }
    return out;
  }

  static std::string resolve_contact(const std::string& raw, const std::vector<Token>& tokens,
                                     std::size_t b, std::size_t e, const Context& ctx) {
    std::string said = join_norms(tokens, b, e);
    auto norm = [](const std::string& s) {
      auto t = tokenize(s);
      return join_norms(t, 0, t.size());
    };
    std::string_view bare = said;
    if (bare.starts_with("my ")) bare.remove_prefix(3);  // "call my mother"
    for (const auto& c : ctx.contacts) {
      std::string name = norm(c.name);
      if (name == said || name == bare) return c.name;
      for (const auto& a : c.aliases) {
        std::string alias = norm(a);
        if (alias == said || alias == bare) return c.name;
      }
    }
    // Digits said as a phone number stay digits.
    std::string digits;
    bool only_digits = true;
    for (char ch : raw) {
      if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
      else if (!(ch == ' ' || ch == '-' || ch == '+' || ch == '(' || ch == ')')) only_digits = false;
    }
    if (only_digits && !digits.empty()) return digits;
    return raw;
  }

  ParseResult parse(std::string_view text, const Context& ctx) const {
    std::vector<Token> all = tokenize(text);
    std::erase_if(all, [](const Token& t) { return ignorable(t.norm); });
    if (all.empty() || all.size() > kMaxTokens) return {};
    // Fillers at the edges ("ok", "please") are dropped first; when that leaves nothing
    // that matches, the whole input gets its chance ("ok" alone is a confirmation).
    std::size_t b = 0, e = all.size();
    while (b + 1 < e && leading_filler(all[b].norm)) ++b;
    while (e > b + 1 && trailing_filler(all[e - 1].norm)) --e;
    if (!options.templates) {
      std::vector<Token> core(all.begin() + static_cast<long>(b), all.begin() + static_cast<long>(e));
      return statistical(text, core, ctx);
    }
    if (b > 0 || e < all.size()) {
      std::vector<Token> core(all.begin() + static_cast<long>(b), all.begin() + static_cast<long>(e));
      ParseResult r = parse_tokens(text, core, ctx);
      if (r.intent != "fallback") return r;
    }
    ParseResult r = parse_tokens(text, all, ctx);
    if (r.intent != "fallback") return r;
    std::vector<Token> core(all.begin() + static_cast<long>(b), all.begin() + static_cast<long>(e));
    return statistical(text, core, ctx);
  }

  // What the templates missed: the classifier picks a skill, or the background class.
  // Its answer stands only when it is confident, the skill's own words explain most of
  // the request, and, for a skill that acts on someone's behalf after confirmation, a
  // word that by itself names that skill was said.
  ParseResult statistical(std::string_view text, const std::vector<Token>& tokens,
                          const Context& ctx) const {
    ParseResult result;
    const Classifier& classifier = statistical_model->classifier();
    std::vector<int> ids = statistical_model->read(tokens, vocab);
    auto pred = classifier.predict(ids);
    // Slot values can raise the coverage, never the probability: no need to look for them
    // when the probability alone is below the threshold.
    if (pred.label < 0 || pred.label >= static_cast<int>(skills.size())) return result;
    if (pred.prob < kStatThreshold) return ask_between(text, tokens, ctx, ids, pred);
    const CompiledSkill& cs = skills[static_cast<std::size_t>(pred.label)];
    // Words that make up a typed or closed-list slot value ("7 am", "by bike") are
    // explained by the skill even when no training sentence had them.
    std::vector<char> explained(tokens.size(), 0);
    fill_typed_slots(result, cs, text, tokens, ctx, explained);
    double coverage = classifier.coverage(ids, pred.label, explained);
    double confidence = pred.prob * std::min(1.0, coverage / kFullCoverage);
    // An action needs more of the request explained, unless a word that by itself names
    // the skill was said: with half of it explained, "pair my phone" would find the phone.
    bool named = std::any_of(ids.begin(), ids.end(),
                             [&](int w) { return classifier.distinctive(w, pred.label); });
    double min_coverage = cs.skill->action.empty() || named ? kMinCoverage : kMinActionCoverage;

    if (coverage < min_coverage || confidence < kStatThreshold) return ask_between(text, tokens, ctx, ids, pred);
    if (cs.skill->needs_confirmation) {
      // Every content word must be the skill's own: "call me Sam" names no one to call.
      if (!named || pred.prob < kConfirmThreshold || coverage < 1.0) {
        // Probable but not sure, with a word that names the skill: ask ("Do you want to
        // place a phone call?") rather than act or drop it.
        if (named && coverage >= kMinActionCoverage) {
          fill_known_contacts(result, cs, text, tokens, ctx, explained);
          result.choices = {cs.skill->name};
          return result;
        }
        return ask_between(text, tokens, ctx, ids, pred);
      }
    }
    // An action needs more than a probable class (nlu/evidence.h): better no action.
    if (!cs.skill->action.empty() && (!names_required_values(*cs.skill, result.slots) ||
                                      evidence->off_topic(tokens, ids, pred.label, explained) >= 0))
      return {};
    result.intent = cs.skill->name;
    // Template matches are exact; a classifier answer ranks below any of them.
    result.confidence = 0.5 * confidence;
    return result;
  }

  // The ask-back between the classifier's two best skills when they are close (see
  // kAskBackMass); an empty result (fallback) otherwise.
  ParseResult ask_between(std::string_view text, const std::vector<Token>& tokens, const Context& ctx,
                          const std::vector<int>& ids, const Classifier::Prediction& pred) const {
    ParseResult result;
    const int n = static_cast<int>(skills.size());
    if (pred.label < 0 || pred.label >= n || pred.second < 0 || pred.second >= n) return result;
    if (pred.prob + pred.second_prob < kAskBackMass || pred.prob - pred.second_prob > kAskBackMargin) return result;
    const Classifier& classifier = statistical_model->classifier();
    for (int label : {pred.label, pred.second}) {
      const CompiledSkill& cs = skills[static_cast<std::size_t>(label)];
      std::vector<char> explained(tokens.size(), 0);
      ParseResult found;
      fill_typed_slots(found, cs, text, tokens, ctx, explained);
      if (classifier.coverage(ids, label, explained) < kMinCoverage) return {};
      if (label == pred.label) {
        fill_known_contacts(found, cs, text, tokens, ctx, explained);
        result.slots = std::move(found.slots);
      }
      result.choices.push_back(cs.skill->name);
    }
    return result;
  }

  // Slots of a classifier answer: closed-list phrases and typed values found anywhere in
  // the request, longest first, each word used once. Free-text slots stay empty and
  // the dialog asks for them.
  void fill_typed_slots(ParseResult& result, const CompiledSkill& cs, std::string_view text,
                        const std::vector<Token>& tokens, const Context& ctx,
                        std::vector<char>& used) const {
    std::size_t n = tokens.size();
    std::vector<int> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = vocab.find(tokens[i].norm);
    SpanCache cache(n);
    Walk walk{*this, cs, ids, tokens, n, ctx, cache, {}, {}, nullptr, -1, 0};
    // Longest spans first across all slots, so that "medium roast" goes to the roast before
    // "medium" can go to the size.
    std::vector<char> filled(cs.slots.size(), 0);
    for (std::size_t len = std::min(n, kMaxTypedSpan); len >= 1; --len)
      for (std::size_t si = 0; si < cs.slots.size(); ++si) {
        const CompiledSlot& sl = cs.slots[si];
        if (filled[si] || sl.kind == skills::SlotType::kText || sl.kind == skills::SlotType::kContact) continue;
        std::optional<Capture> found;
        for (std::size_t b = 0; b + len <= n && !found; ++b) {
          if (std::any_of(used.begin() + static_cast<long>(b), used.begin() + static_cast<long>(b + len),
                          [](char u) { return u != 0; }))
            continue;
          if (sl.kind == skills::SlotType::kClosed) {
            for (const auto& [words, value] : sl.phrases)
              if (words.size() == len && std::equal(words.begin(), words.end(), ids.begin() + static_cast<long>(b))) {
                found = Capture{static_cast<int>(si), b, b + len, value};
                break;
              }
          } else if (walk.typed_ok(sl.kind, b, b + len)) {
            found = Capture{static_cast<int>(si), b, b + len};
          }
        }
        if (!found) continue;
        filled[si] = 1;
        std::fill(used.begin() + static_cast<long>(found->begin), used.begin() + static_cast<long>(found->end), 1);
        result.slots[cs.skill->slots[si].name] = value_of(*found, cs, text, tokens, cache, ctx);
      }
  }

  // Contact slots of an ask-back, so that the question can name who ("Do you want to call
  // Anna, or ...?"): only words that name a stored contact (its name, an alias, its first
  // name) or a pronoun the dialog resolves from the conversation, never other free words.
  // Longest first, each word used once; nothing here raises the classifier's coverage.
  void fill_known_contacts(ParseResult& result, const CompiledSkill& cs, std::string_view text,
                           const std::vector<Token>& tokens, const Context& ctx, std::vector<char>& used) const {
    auto norm = [](const std::string& s) {
      auto t = tokenize(s);
      return join_norms(t, 0, t.size());
    };
    auto names = [&](const std::string& said) {
      if (said == "her" || said == "him" || said == "them") return true;
      std::string_view bare = said;
      if (bare.starts_with("my ")) bare.remove_prefix(3);
      for (const auto& c : ctx.contacts) {
        std::string name = norm(c.name);
        if (name == said || name == bare || name.substr(0, name.find(' ')) == said) return true;
        for (const auto& a : c.aliases)
          if (std::string alias = norm(a); alias == said || alias == bare) return true;
      }
      return false;
    };
    std::size_t n = tokens.size();
    for (std::size_t si = 0; si < cs.slots.size(); ++si) {
      const std::string& slot = cs.skill->slots[si].name;
      if (cs.slots[si].kind != skills::SlotType::kContact || result.slots.count(slot)) continue;
      bool done = false;
      for (std::size_t len = std::min(n, kMaxContactSpan + 1); len >= 1 && !done; --len)
        for (std::size_t b = 0; b + len <= n && !done; ++b) {
          if (std::any_of(used.begin() + static_cast<long>(b), used.begin() + static_cast<long>(b + len),
                          [](char u) { return u != 0; }))
            continue;
          if (!names(join_norms(tokens, b, b + len))) continue;
          std::string raw(text.substr(tokens[b].begin, tokens[b + len - 1].end - tokens[b].begin));
          result.slots[slot] = Slot{Text{resolve_contact(raw, tokens, b, b + len, ctx)}, raw};
          std::fill(used.begin() + static_cast<long>(b), used.begin() + static_cast<long>(b + len), 1);
          done = true;
        }
    }
  }

  ParseResult parse_tokens(std::string_view text, const std::vector<Token>& tokens,
                           const Context& ctx) const {
    ParseResult result;
    std::size_t n = tokens.size();
    std::vector<int> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = vocab.find(tokens[i].norm);
    std::vector<int> sorted_ids = ids;
    std::sort(sorted_ids.begin(), sorted_ids.end());

    std::vector<int> candidates = unanchored;
    for (std::size_t i = 0; i < n; ++i) {
      if (ids[i] < 0) continue;
      if (i > 0 && std::find(ids.begin(), ids.begin() + static_cast<long>(i), ids[i]) !=
                       ids.begin() + static_cast<long>(i))
        continue;  // the same word twice
      if (auto it = by_anchor.find(ids[i]); it != by_anchor.end())
        candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

    SpanCache cache(n);
    Match best;
    for (int loose = 0; loose < 2 && best.sentence < 0; ++loose) {
      for (int si : candidates) {
        const Sentence& s = sentences[static_cast<std::size_t>(si)];
        const CompiledSkill& sk = skills[static_cast<std::size_t>(s.skill)];
        // Skipping words next to a free-text slot would only move words into it.
        if (loose && (!loose_match_allowed(*sk.skill) || s.free_slot)) continue;
        if (static_cast<std::size_t>(s.min_tokens) > n) continue;
        bool all = true;
        for (int w : s.required)
          if (!std::binary_search(sorted_ids.begin(), sorted_ids.end(), w)) {
            all = false;
            break;
          }
        if (!all) continue;
        Match local;
        Frame top{&s.seq, 0, nullptr};
        // The loose pass may also drop words at the start ("so um, flip a coin").
        for (int start = 0; start <= (loose ? kLooseSkips : 0); ++start) {
          Walk walk{*this, sk, ids, tokens, n, ctx, cache, {}, {}, &local, si,
                    loose ? kLooseSkips - start : 0};
          walk.score.skipped = start;
          walk.go(&top, static_cast<std::size_t>(start));
        }
        if (local.sentence >= 0 && (best.sentence < 0 || local.score.value() > best.score.value()))
          best = std::move(local);
      }
    }
    if (best.sentence < 0) return result;

    const Sentence& s = sentences[static_cast<std::size_t>(best.sentence)];
    const CompiledSkill& cs = skills[static_cast<std::size_t>(s.skill)];
    result.intent = cs.skill->name;
    // A slot said in pieces ("{expression} plus {expression}") spans all its pieces.
    std::vector<Capture> merged;
    for (const auto& c : best.captures) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const Capture& m) { return m.slot == c.slot; });
      if (it == merged.end()) {
        merged.push_back(c);
      } else {
        it->begin = std::min(it->begin, c.begin);
        it->end = std::max(it->end, c.end);
      }
    }
    for (const auto& c : merged)
      result.slots[cs.skill->slots[static_cast<std::size_t>(c.slot)].name] =
          value_of(c, cs, text, tokens, cache, ctx);
    double covered = best.score.literal + best.score.typed;
    result.confidence = (0.5 + 0.5 * covered / static_cast<double>(n)) * (best.score.skipped ? 0.8 : 1.0);
    return result;
  }

  std::optional<Slot> parse_slot(const skills::SlotDef& def, std::string_view text,
                                 const Context& ctx) const {
    std::vector<Token> tokens = tokenize(text);
    std::size_t b = 0, e = tokens.size();
    while (b + 1 < e && leading_filler(tokens[b].norm)) ++b;
    while (e > b + 1 && trailing_filler(tokens[e - 1].norm)) --e;
    if (b >= e) return std::nullopt;
    std::string words = join_norms(tokens, b, e);
    Slot out;
    out.raw = std::string(text.substr(tokens[b].begin, tokens[e - 1].end - tokens[b].begin));
    if (def.type == skills::SlotType::kClosed) {
      // A closed list: the answer names exactly one value ("by car please").
      int found = -1;
      std::size_t found_len = 0;
      for (std::size_t v = 0; v < def.values.size(); ++v)
        for (const auto& phrase : def.values[v].in) {
          auto pt = tokenize(phrase);
          for (std::size_t i = b; i + pt.size() <= e; ++i) {
            bool eq = !pt.empty();
            for (std::size_t j = 0; j < pt.size() && eq; ++j) eq = tokens[i + j].norm == pt[j].norm;
            if (!eq) continue;
            if (pt.size() > found_len) {
              found = static_cast<int>(v);
              found_len = pt.size();
            }
          }
        }
      if (found < 0) return std::nullopt;
      out.value = Text{def.values[static_cast<std::size_t>(found)].out};
      return out;
    }
    if (def.type == skills::SlotType::kText) {
      out.value = Text{out.raw};
      return out;
    }
    if (def.type == skills::SlotType::kContact) {
      out.value = Text{resolve_contact(out.raw, tokens, b, e, ctx)};
      return out;
    }
    if (def.type == skills::SlotType::kNumber) {
      if (auto v = normalize_number(words)) return out.value = Number{*v}, out;
    } else if (def.type == skills::SlotType::kTime) {
      if (auto v = normalize_time(words)) return out.value = Time{*v}, out;
    } else if (def.type == skills::SlotType::kDate) {
      if (auto v = normalize_date(words, ctx.now, ctx.timezone)) return out.value = Date{*v}, out;
    } else if (def.type == skills::SlotType::kDateTime) {
      if (auto v = normalize_datetime(words, ctx.now, ctx.timezone))
        return out.value = DateTime{*v}, out;
    } else if (def.type == skills::SlotType::kDuration) {
      if (auto v = normalize_duration(words)) {
        out.value = def.unit == "minutes" ? Duration{(*v + 30) / 60, true} : Duration{*v};
        return out;
      }
    }
    return std::nullopt;
  }
};

Parser::Parser(const skills::Registry& registry, ParserOptions options)
    : impl_(std::make_unique<Impl>(registry, options)) {}
Parser::~Parser() = default;

ParseResult Parser::parse(std::string_view text, const Context& ctx) const { return impl_->parse(text, ctx); }

std::optional<Slot> Parser::parse_slot(const skills::SlotDef& slot, std::string_view text,
                                       const Context& ctx) const {
  return impl_->parse_slot(slot, text, ctx);
}

}  // namespace hark::nlu

#include "nlu/eval.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace hark::nlu {
namespace {

double share(int part, int total) { return total == 0 ? 0.0 : static_cast<double>(part) / total; }

struct Line {
  std::string text;
  std::vector<std::string> want;
};

// Reads every line of `file` and hands it to `each`; an error names the file and line.
template <class F>
Result<void> for_each_line(const std::filesystem::path& file, F&& each) {
  std::ifstream in(file);
  if (!in) return make_error(Errc::not_found, "cannot read " + file.string());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    const boost::json::object* obj = ec ? nullptr : v.if_object();
    const boost::json::value* text = obj ? obj->if_contains("text") : nullptr;
    const boost::json::value* expected = obj ? obj->if_contains("expected") : nullptr;
    if (!text || !text->is_string() || !expected || !expected->is_array())
      return make_error(Errc::bad_request, file.string() + ":" + std::to_string(line_no) +
                                               ": expected {\"text\": ..., \"expected\": [...]}");
    Line l{std::string(text->as_string()), {}};
    for (const auto& e : expected->as_array()) {
      if (!e.is_string())
        return make_error(Errc::bad_request,
                          file.string() + ":" + std::to_string(line_no) + ": expected holds strings");
      l.want.emplace_back(e.as_string());
    }
    each(l);
  }
  return {};
}

class Tally {
 public:
  Tally(const Parser& parser, const skills::Registry& registry, const Context& ctx)
      : parser_(parser), registry_(registry), ctx_(ctx) {}

  void add(const Line& l, std::ostream* misses) {
    ParseResult p = parser_.parse(l.text, ctx_);
    std::string got = p.choices.empty() ? p.intent : "ask_back";
    bool oos = l.want.size() == 1 && l.want[0] == "fallback";
    bool right = std::find(l.want.begin(), l.want.end(), got) != l.want.end();
    const skills::Skill* sk = got == "fallback" || got == "ask_back" ? nullptr : registry_.find(got);
    bool action = sk && !sk->action.empty();
    if (oos) {
      ++r_.oos_total;
      if (!action) ++r_.oos_no_action;
      if (got == "fallback") ++r_.oos_fallback;
      if (got == "ask_back") ++r_.oos_ask_back;
      if (action && sk->needs_confirmation) ++r_.oos_confirmation;
    } else {
      ++r_.in_scope_total;
      if (right) ++r_.in_scope_correct;
      if (got == "ask_back") ++r_.in_scope_ask_back;
      if (got == "ask_back" && std::any_of(p.choices.begin(), p.choices.end(), [&](const std::string& c) {
            return std::find(l.want.begin(), l.want.end(), c) != l.want.end();
          }))
        ++r_.in_scope_ask_back_right;
    }
    if (right) return;
    if (action) {
      ++r_.wrong_actions[got];
      if (sk->needs_confirmation) ++r_.wrong_confirmation;
    }
    std::string key = l.want.empty() ? "?" : l.want[0];
    for (std::size_t i = 1; i < l.want.size(); ++i) key += "|" + l.want[i];
    key += " -> " + got;
    ++confusions_[key];
    if (misses) *misses << key << ": " << l.text << "\n";
  }

  EvalReport finish() {
    std::vector<std::pair<std::string, int>> sorted(confusions_.begin(), confusions_.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (sorted.size() > 15) sorted.resize(15);
    r_.confusions = std::move(sorted);
    return r_;
  }

 private:
  const Parser& parser_;
  const skills::Registry& registry_;
  const Context& ctx_;
  EvalReport r_;
  std::map<std::string, int> confusions_;
};

std::string pct(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * x << "%";
  return s.str();
}

std::string figure(double x, int part, int total) {
  return pct(x) + " (" + std::to_string(part) + "/" + std::to_string(total) + ")";
}

int total_wrong(const EvalReport& r) {
  int n = 0;
  for (const auto& [skill, count] : r.wrong_actions) n += count;
  return n;
}

}  // namespace

Half half_of(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return (h & 1) == 0 ? Half::kStudied : Half::kMeasured;
}

double EvalReport::in_scope_accuracy() const { return share(in_scope_correct, in_scope_total); }
double EvalReport::oos_no_action_share() const { return share(oos_no_action, oos_total); }
double EvalReport::oos_fallback_share() const { return share(oos_fallback, oos_total); }

Result<EvalReport> evaluate_file(const std::filesystem::path& file, const Parser& parser,
                                 const skills::Registry& registry, const Context& ctx,
                                 std::ostream* misses) {
  Tally all(parser, registry, ctx);
  auto ok = for_each_line(file, [&](const Line& l) { all.add(l, misses); });
  if (!ok) return ok.error();
  return all.finish();
}

Result<SplitReport> evaluate_split(const std::filesystem::path& file, const Parser& parser,
                                   const skills::Registry& registry, const Context& ctx,
                                   std::ostream* studied_misses) {
  Tally studied(parser, registry, ctx), measured(parser, registry, ctx);
  auto ok = for_each_line(file, [&](const Line& l) {
    if (half_of(l.text) == Half::kStudied) studied.add(l, studied_misses);
    else measured.add(l, nullptr);
  });
  if (!ok) return ok.error();
  return SplitReport{studied.finish(), measured.finish()};
}

void print_report(const EvalReport& r, std::ostream& out) {
  out << "in-scope accuracy:        " << figure(r.in_scope_accuracy(), r.in_scope_correct, r.in_scope_total)
      << "\n";
  out << "out-of-scope, no action:  " << figure(r.oos_no_action_share(), r.oos_no_action, r.oos_total) << "\n";
  out << "out-of-scope, fallback:   " << figure(r.oos_fallback_share(), r.oos_fallback, r.oos_total) << "\n";
  out << "out-of-scope, confirmation skill: " << r.oos_confirmation << "\n";
  out << "wrong actions: " << total_wrong(r) << " (on confirmation skills: " << r.wrong_confirmation << ")\n";
  for (const auto& [skill, count] : r.wrong_actions) out << "  " << std::setw(4) << count << "  " << skill << "\n";
  if (!r.confusions.empty()) out << "most frequent confusions (expected -> got):\n";
  for (const auto& [key, count] : r.confusions) out << "  " << std::setw(4) << count << "  " << key << "\n";
}

void print_split(const SplitReport& r, std::ostream& out) {
  const EvalReport* halves[2] = {&r.studied, &r.measured};
  out << std::left << std::setw(36) << "" << std::setw(22) << "studied half" << "measured half\n";
  auto row = [&](const char* name, auto&& cell) {
    out << std::setw(36) << name;
    for (const EvalReport* h : halves) out << std::setw(22) << cell(*h);
    out << "\n";
  };
  row("in-scope accuracy", [](const EvalReport& h) {
    return figure(h.in_scope_accuracy(), h.in_scope_correct, h.in_scope_total);
  });
  row("out-of-scope, no action", [](const EvalReport& h) {
    return figure(h.oos_no_action_share(), h.oos_no_action, h.oos_total);
  });
  row("out-of-scope, fallback", [](const EvalReport& h) {
    return figure(h.oos_fallback_share(), h.oos_fallback, h.oos_total);
  });
  row("out-of-scope, confirmation skill", [](const EvalReport& h) { return std::to_string(h.oos_confirmation); });
  row("wrong actions on confirmation", [](const EvalReport& h) { return std::to_string(h.wrong_confirmation); });
  row("ask-backs (in scope / out)", [](const EvalReport& h) {
    return std::to_string(h.in_scope_ask_back) + " / " + std::to_string(h.oos_ask_back);
  });
  row("in-scope ask-backs offering it", [](const EvalReport& h) { return std::to_string(h.in_scope_ask_back_right); });
  row("wrong actions, all skills", [](const EvalReport& h) { return std::to_string(total_wrong(h)); });
  std::map<std::string, int> skills;
  for (const EvalReport* h : halves)
    for (const auto& [skill, count] : h->wrong_actions) skills[skill] += 0;
  for (const auto& [skill, unused] : skills) {
    std::string name = "  wrong " + skill;
    row(name.c_str(), [&skill = skill](const EvalReport& h) {
      auto it = h.wrong_actions.find(skill);
      return std::to_string(it == h.wrong_actions.end() ? 0 : it->second);
    });
  }
  out << std::right;
  if (!r.studied.confusions.empty()) out << "studied half, most frequent confusions (expected -> got):\n";
  for (const auto& [key, count] : r.studied.confusions)
    out << "  " << std::setw(4) << count << "  " << key << "\n";
}

}  // namespace hark::nlu

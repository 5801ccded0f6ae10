#include "nlu/eval.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace hark::nlu {
namespace {
double share(int part, int total) { return total == 0 ? 0.0 : static_cast<double>(part) / total; }
}  // namespace

double EvalReport::in_scope_accuracy() const { return share(in_scope_correct, in_scope_total); }
double EvalReport::oos_no_action_share() const { return share(oos_no_action, oos_total); }
double EvalReport::oos_fallback_share() const { return share(oos_fallback, oos_total); }

Result<EvalReport> evaluate_file(const std::filesystem::path& file, const Parser& parser,
                                 const skills::Registry& registry, const Context& ctx,
                                 std::ostream* misses) {
  std::ifstream in(file);
  if (!in) return make_error(Errc::not_found, "cannot read " + file.string());
  EvalReport report;
  std::map<std::string, int> confusions;
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
    std::vector<std::string> want;
    for (const auto& e : expected->as_array()) {
      if (!e.is_string())
        return make_error(Errc::bad_request,
                          file.string() + ":" + std::to_string(line_no) + ": expected holds strings");
      want.emplace_back(e.as_string());
    }
    std::string said(text->as_string());
    std::string got = parser.parse(said, ctx).intent;
    bool oos = want.size() == 1 && want[0] == "fallback";
    bool right = std::find(want.begin(), want.end(), got) != want.end();
    if (oos) {
      ++report.oos_total;
      const skills::Skill* sk = got == "fallback" ? nullptr : registry.find(got);
      if (!sk || sk->action.empty()) ++report.oos_no_action;
      if (got == "fallback") ++report.oos_fallback;
    } else {
      ++report.in_scope_total;
      if (right) ++report.in_scope_correct;
    }
    if (!right) {
      std::string key = want.empty() ? "?" : want[0];
      for (std::size_t i = 1; i < want.size(); ++i) key += "|" + want[i];
      key += " -> " + got;
      ++confusions[key];
      if (misses) *misses << key << ": " << said << "\n";
    }
  }
  std::vector<std::pair<std::string, int>> sorted(confusions.begin(), confusions.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() > 15) sorted.resize(15);
  report.confusions = std::move(sorted);
  return report;
}

void print_report(const EvalReport& r, std::ostream& out) {
  auto pct = [](double x) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << 100.0 * x << "%";
    return s.str();
  };
  out << "in-scope accuracy:        " << pct(r.in_scope_accuracy()) << " (" << r.in_scope_correct
      << "/" << r.in_scope_total << ")\n";
  out << "out-of-scope, no action:  " << pct(r.oos_no_action_share()) << " (" << r.oos_no_action
      << "/" << r.oos_total << ")\n";
  out << "out-of-scope, fallback:   " << pct(r.oos_fallback_share()) << " (" << r.oos_fallback << "/"
      << r.oos_total << ")\n";
  if (!r.confusions.empty()) out << "most frequent confusions (expected -> got):\n";
  for (const auto& [key, count] : r.confusions) out << "  " << std::setw(4) << count << "  " << key << "\n";
}

}  // namespace hark::nlu

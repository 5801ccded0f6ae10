// A Witten-Bell backoff trigram (Witten & Bell 1991; as in SRILM's -wbdiscount), written as
// ARPA text for sphinxbase. Small data, so plain maps are enough.
#include "asr/language_model.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace hark::asr {
namespace {

using Gram = std::vector<std::string>;

struct Stats {
  double total = 0;      // c(h): all continuations of the history
  std::set<std::string> types;  // T(h): distinct continuations
};

std::string join(const Gram& g) {
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (i) s.push_back(' ');
    s += g[i];
  }
  return s;
}

std::string fmt(double log10p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", log10p);
  return buf;
}

}  // namespace

std::string estimate_arpa(const std::vector<std::vector<std::string>>& sentences) {
  std::map<Gram, double> c1, c2, c3;
  for (const auto& s : sentences) {
    Gram w = {"<s>"};
    w.insert(w.end(), s.begin(), s.end());
    w.push_back("</s>");
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (i > 0) c1[{w[i]}] += 1;  // <s> is never predicted
      if (i >= 1) c2[{w[i - 1], w[i]}] += 1;
      if (i >= 2) c3[{w[i - 2], w[i - 1], w[i]}] += 1;
    }
  }
  c1[{"<s>"}] += 0;

  double n1 = 0;
  for (auto& [g, c] : c1) n1 += c;
  std::map<Gram, double> p1;
  for (auto& [g, c] : c1) p1[g] = n1 > 0 ? c / n1 : 0;

  std::map<Gram, Stats> h1, h2;  // histories of bigrams (1 word) and trigrams (2 words)
  for (auto& [g, c] : c2) {
    auto& st = h1[{g[0]}];
    st.total += c;
    st.types.insert(g[1]);
  }
  for (auto& [g, c] : c3) {
    auto& st = h2[{g[0], g[1]}];
    st.total += c;
    st.types.insert(g[2]);
  }

  std::map<Gram, double> p2, bow1;
  for (auto& [g, c] : c2) {
    const auto& st = h1[{g[0]}];
    p2[g] = c / (st.total + static_cast<double>(st.types.size()));
  }
  for (auto& [h, st] : h1) {
    const double left = static_cast<double>(st.types.size()) / (st.total + static_cast<double>(st.types.size()));
    double seen_lower = 0;
    for (auto& w : st.types) seen_lower += p1[{w}];
    bow1[h] = seen_lower < 1.0 - 1e-9 ? left / (1.0 - seen_lower) : 1e-9;
  }
  auto p_bigram = [&](const std::string& v, const std::string& w) {
    if (auto it = p2.find({v, w}); it != p2.end()) return it->second;
    auto b = bow1.find({v});
    return (b == bow1.end() ? 1.0 : b->second) * p1[{w}];
  };

  std::map<Gram, double> p3, bow2;
  for (auto& [g, c] : c3) {
    const auto& st = h2[{g[0], g[1]}];
    p3[g] = c / (st.total + static_cast<double>(st.types.size()));
  }
  for (auto& [h, st] : h2) {
    const double left = static_cast<double>(st.types.size()) / (st.total + static_cast<double>(st.types.size()));
    double seen_lower = 0;
    for (auto& w : st.types) seen_lower += p_bigram(h[1], w);
    bow2[h] = seen_lower < 1.0 - 1e-9 ? left / (1.0 - seen_lower) : 1e-9;
  }

  std::ostringstream out;
  out << "\\data\\\nngram 1=" << p1.size() << "\nngram 2=" << p2.size() << "\nngram 3=" << p3.size()
      << "\n\n\\1-grams:\n";
  for (auto& [g, p] : p1) {
    out << (g[0] == "<s>" ? std::string("-99") : fmt(std::log10(p))) << ' ' << g[0];
    if (auto b = bow1.find(g); b != bow1.end()) out << ' ' << fmt(std::log10(b->second));
    out << '\n';
  }
  out << "\n\\2-grams:\n";
  for (auto& [g, p] : p2) {
    out << fmt(std::log10(p)) << ' ' << join(g);
    if (auto b = bow2.find(g); b != bow2.end()) out << ' ' << fmt(std::log10(b->second));
    out << '\n';
  }
  out << "\n\\3-grams:\n";
  for (auto& [g, p] : p3) out << fmt(std::log10(p)) << ' ' << join(g) << '\n';
  out << "\n\\end\\\n";
  return out.str();
}

}  // namespace hark::asr

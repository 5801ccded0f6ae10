// nlu_eval FILE [--skills-dir DIR] [--tz ZONE] [-v] [--time]: intent accuracy of the built-in
// skills (plus those of DIR) on both halves of a JSONL file (nlu/eval.h); -v lists the
// studied half's wrong lines, --time prints
// parse latency percentiles over the file's texts,
// --classifier-only measures the statistical stage without the templates.
#include "nlu/eval.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

namespace {

void print_latency(const std::string& file, const hark::nlu::Parser& parser,
                   const hark::nlu::Context& ctx) {
  std::vector<std::string> texts;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (!ec && v.is_object() && v.as_object().contains("text") && v.at("text").is_string())
      texts.emplace_back(v.at("text").as_string());
  }
  std::vector<double> us;
  std::vector<std::pair<double, const std::string*>> slowest;
  for (int round = 0; round < 3; ++round)
    for (const auto& t : texts) {
      // Thread CPU time: on a shared machine, wall time mostly measures the neighbours.
      timespec t0{}, t1{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
      auto r = parser.parse(t, ctx);
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
      double d = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
      if (round > 0) us.push_back(d);
      if (round == 2) slowest.emplace_back(d, &t);
      (void)r;
    }
  if (us.empty()) return;
  std::sort(slowest.rbegin(), slowest.rend());
  for (std::size_t i = 0; i < slowest.size() && i < 5; ++i)
    std::cout << "  slow: " << slowest[i].first << " us: " << *slowest[i].second << "\n";
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us[static_cast<std::size_t>(p * (us.size() - 1))]; };
  std::cout << "parse CPU time per text (us): p50 " << pct(0.5) << ", p99 " << pct(0.99) << ", max " << us.back()
            << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, dir;
  hark::nlu::Context ctx;
  bool verbose = false, timing = false;
  hark::nlu::ParserOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--skills" || a == "--skills-dir") && i + 1 < argc) dir = argv[++i];
    else if (a == "--tz" && i + 1 < argc) ctx.timezone = argv[++i];
    else if (a == "-v") verbose = true;
    else if (a == "--time") timing = true;
    else if (a == "--classifier-only") options.templates = false;
    else file = a;
  }
  if (file.empty()) {
    std::cerr << "usage: nlu_eval FILE [--skills-dir DIR] [--tz ZONE] [-v]\n";
    return 2;
  }
  try {
    hark::skills::Registry registry;
    registry.load_builtin();
    if (!dir.empty()) registry.load_dir(dir);
    hark::nlu::Parser parser(registry, options);
    auto report = hark::nlu::evaluate_split(file, parser, registry, ctx, verbose ? &std::cout : nullptr);
    if (!report) {
      std::cerr << report.error().detail << "\n";
      return 1;
    }
    hark::nlu::print_split(*report, std::cout);
    if (timing) print_latency(file, parser, ctx);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}

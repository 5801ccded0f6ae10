// NLU speed: parse time per utterance with the built-in skills (p50/p99 over a varied
// set of in-scope and out-of-scope requests), and the start-up cost of loading the
// skills and training the statistical stage. Goal: p99 < 100 us, start-up < 1 s.
#include "nlu/parser.h"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace {

using hark::nlu::Context;
using hark::nlu::Parser;

const std::vector<std::string_view> kUtterances = {
    // in scope, template matches
    "call mom", "set a timer for ten minutes", "what's the weather like in Lisbon tomorrow",
    "wake me up at 6:30 tomorrow", "remind me to pick up the kids at 3 pm",
    "send a message to Priya saying running ten minutes late", "navigate to the airport by train",
    "play some old soul records", "pause the music", "turn the volume down",
    "add coffee beans to my shopping list", "what's on my calendar on friday",
    "how many ounces in a pound", "what is 12 times 7 plus 3", "flip a coin", "roll two dice",
    "turn on do not disturb", "open the camera app", "thanks a lot", "never mind",
    // in scope, with fillers, slips and polite frames
    "um could you uh set an alarm four 7 am", "I'd like you to turn the wifi off please",
    "so yeah what's the whether tomorrow", "would you mind skipping this track",
    "hey can you find my phone real quick", "i'd like to make a phone call",
    // out of scope
    "what's my credit score", "how do i renew my passport", "book a table for four tonight",
    "which stocks should i buy", "how long should i boil pasta", "who painted the mona lisa",
    "my internet keeps dropping", "is it safe to drink tap water in mexico",
    "how much is a ticket to the game", "i lost my wallet on the bus yesterday",
    "what does the fox say", "can dogs eat grapes",
};

Context bench_context() {
  Context ctx;
  ctx.timezone = "Europe/Berlin";
  ctx.contacts = {{"Mom", {"mother", "mum"}}, {"Priya", {}}};
  return ctx;
}

void BM_StartupLoadAndTrain(benchmark::State& state) {
  for (auto _ : state) {
    hark::skills::Registry registry;
    registry.load_builtin();
    Parser parser(registry);
    benchmark::DoNotOptimize(&parser);
  }
}
BENCHMARK(BM_StartupLoadAndTrain)->Unit(benchmark::kMillisecond)->Iterations(5);

// The same as a server starts: WordNet's answers read from the cache the first start
// wrote (the first iteration writes it).
void BM_StartupWithCache(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / ("hark_nlu_bench_" + std::to_string(::getpid()));
  hark::nlu::ParserOptions options;
  options.cache_dir = dir;
  {
    hark::skills::Registry registry;
    registry.load_builtin();
    Parser warm(registry, options);
  }
  for (auto _ : state) {
    hark::skills::Registry registry;
    registry.load_builtin();
    Parser parser(registry, options);
    benchmark::DoNotOptimize(&parser);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_StartupWithCache)->Unit(benchmark::kMillisecond)->Iterations(5);

// One parse per iteration, cycling through the utterances; each parse is timed on its
// own so the percentiles come from the real distribution, not from batch averages.
void BM_ParseUtterance(benchmark::State& state) {
  hark::skills::Registry registry;
  registry.load_builtin();
  Parser parser(registry);
  Context ctx = bench_context();
  std::vector<double> micros;
  micros.reserve(1 << 20);
  std::size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = parser.parse(kUtterances[i], ctx);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    i = (i + 1) % kUtterances.size();
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) {
    return micros.empty() ? 0.0 : micros[std::min(micros.size() - 1, static_cast<std::size_t>(p * micros.size()))];
  };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = micros.empty() ? 0.0 : micros.back();
}
BENCHMARK(BM_ParseUtterance)->Unit(benchmark::kMicrosecond);

// Each utterance on its own, labelled, to see which kinds of request cost most
// (run with --benchmark_filter=BM_ParseOne).
void BM_ParseOne(benchmark::State& state) {
  static hark::skills::Registry* registry = [] {
    auto* r = new hark::skills::Registry();
    r->load_builtin();
    return r;
  }();
  static Parser parser(*registry);
  Context ctx = bench_context();
  auto text = kUtterances[static_cast<std::size_t>(state.range(0))];
  std::string intent;
  for (auto _ : state) {
    auto r = parser.parse(text, ctx);
    benchmark::DoNotOptimize(r);
    intent = r.intent;
  }
  state.SetLabel(std::string(text) + " -> " + intent);
}
BENCHMARK(BM_ParseOne)->DenseRange(0, static_cast<int>(kUtterances.size()) - 1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

// A recognizer without pocketsphinx, for the tests of what drives one (SpeechStream,
// the server's SpokenTurn): it reports how many samples it got.
#pragma once

#include "asr/recognizer.h"

#include <memory>
#include <string>
#include <vector>

namespace hark::asr::testing {

// Reports how many samples it got: partial "n <count>", final "heard <count>".
class FakeRecognizer final : public Recognizer {
 public:
  Result<void> start() override {
    samples = 0;
    started++;
    return {};
  }
  Result<void> process(std::span<const std::int16_t> s) override {
    samples += s.size();
    return {};
  }
  std::string partial() override { return "n " + std::to_string(samples); }
  Result<std::string> finish() override { return "heard " + std::to_string(samples); }
  void cancel() override { cancelled++; }
  Result<std::string> recognize(std::span<const std::int16_t> s) override {
    return "heard " + std::to_string(s.size());
  }
  void add_words(const std::vector<std::string>& w, const Pronunciations& g) override {
    words = w;
    guessed = g;
    added++;
  }

  std::size_t samples = 0;
  int started = 0, cancelled = 0, added = 0;
  std::vector<std::string> words;
  Pronunciations guessed;  // what the last add_words got
};

// One FakeRecognizer in a pool of one that waits 20 ms for it.
struct FakePool {
  FakePool() {
    auto r = std::make_unique<FakeRecognizer>();
    fake = r.get();
    std::vector<std::unique_ptr<Recognizer>> all;
    all.push_back(std::move(r));
    pool = std::make_unique<RecognizerPool>(std::move(all), PoolOptions{.size = 1, .max_wait = std::chrono::milliseconds(20), .decoder = {}});
  }
  FakeRecognizer* fake;
  std::unique_ptr<RecognizerPool> pool;
};

}  // namespace hark::asr::testing

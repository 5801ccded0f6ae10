#include "asr/service.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace hark::asr {

SpeechService::SpeechService(const skills::Registry& registry, ServiceOptions options)
    : options_(std::move(options)) {
  loader_ = std::thread([this, &registry] { load(registry); });
}

SpeechService::~SpeechService() {
  if (loader_.joinable()) loader_.join();
}

void SpeechService::load(const skills::Registry& registry) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [this](std::string why) {
    spdlog::error("speech recognition unavailable: {}", why);
    std::lock_guard lock(mutex_);
    failure_ = std::move(why);
    state_.store(State::failed, std::memory_order_release);
  };
  auto files = build_model(registry, options_.model);
  if (!files) return fail(files.error().detail);
  try {
    pool_ = std::make_unique<RecognizerPool>(*files, options_.pool);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  pronouncer_ = std::make_shared<Pronouncer>(DictionaryWords::read(files->dictionary), options_.pronouncer);
  pool_ptr_.store(pool_.get(), std::memory_order_release);
  state_.store(State::ready, std::memory_order_release);
  spdlog::info("speech recognition ready: {} decoders in {:.1f} s", pool_->size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

std::string SpeechService::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

SpeechService::State SpeechService::wait() const {
  while (state() == State::loading) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return state();
}

}  // namespace hark::asr

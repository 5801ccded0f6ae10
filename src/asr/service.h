// Speech for the server: the skills' language model and a pool of warm decoders, built on
// a thread of their own at start-up (loading takes seconds) so the server answers at once;
// until they are ready, pool() is null and audio is answered speech_unavailable.
#pragma once

#include "asr/language_model.h"
#include "asr/pronouncer.h"
#include "asr/recognizer.h"
#include "skills/registry.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hark::asr {

struct ServiceOptions {
  ModelOptions model;
  PoolOptions pool;
  PronouncerOptions pronouncer;
};

class SpeechService {
 public:
  enum class State { loading, ready, failed };

  // Starts loading. `registry` must outlive the service.
  SpeechService(const skills::Registry& registry, ServiceOptions options);
  // Waits for loading to end (it cannot be interrupted inside pocketsphinx).
  ~SpeechService();
  SpeechService(const SpeechService&) = delete;
  SpeechService& operator=(const SpeechService&) = delete;

  // The decoders once ready; null while loading or after a failure. Thread-safe.
  RecognizerPool* pool() const { return pool_ptr_.load(std::memory_order_acquire); }
  // The pronunciation guesser of the pool's dictionary (shared by all sessions); null
  // while loading or after a failure. Thread-safe.
  std::shared_ptr<Pronouncer> pronouncer() const {
    return state() == State::ready ? pronouncer_ : nullptr;
  }
  State state() const { return state_.load(std::memory_order_acquire); }
  // Why loading failed (empty otherwise).
  std::string failure() const;
  // Blocks until loading ends; answers the final state (for tools and tests).
  State wait() const;

 private:
  void load(const skills::Registry& registry);

  ServiceOptions options_;
  std::unique_ptr<RecognizerPool> pool_;
  std::shared_ptr<Pronouncer> pronouncer_;  // set before state_ turns ready, then never
  std::atomic<RecognizerPool*> pool_ptr_{nullptr};
  std::atomic<State> state_{State::loading};
  mutable std::mutex mutex_;
  std::string failure_;
  std::thread loader_;
};

}  // namespace hark::asr

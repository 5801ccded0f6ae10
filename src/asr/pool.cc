#include "asr/recognizer.h"

#include <algorithm>
#include <stdexcept>

namespace hark::asr {

RecognizerPool::RecognizerPool(const ModelFiles& model, PoolOptions options) : options_(options) {
  // One after the other: pocketsphinx sets process-wide state (its log file) while loading.
  for (int i = 0; i < std::max(1, options_.size); ++i) {
    auto r = make_pocketsphinx(model, options_.decoder);
    if (!r) throw std::runtime_error("speech recognizer: " + r.error().detail);
    all_.push_back(std::move(*r));
  }
  for (auto& r : all_) free_.push_back(r.get());
}

RecognizerPool::RecognizerPool(std::vector<std::unique_ptr<Recognizer>> recognizers, PoolOptions options)
    : options_(options), all_(std::move(recognizers)) {
  for (auto& r : all_) free_.push_back(r.get());
}

RecognizerPool::~RecognizerPool() = default;

Result<RecognizerPool::Lease> RecognizerPool::acquire() { return acquire_within(options_.max_wait); }

RecognizerPool::Lease RecognizerPool::try_acquire() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return Lease();
  Recognizer* r = free_.back();
  free_.pop_back();
  return Lease(this, r);
}

Result<RecognizerPool::Lease> RecognizerPool::acquire_within(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, std::max(wait, std::chrono::milliseconds(0)),
                       [this] { return !free_.empty(); }))
    return make_error(Errc::busy, "all speech recognizers are busy; try again soon");
  Recognizer* r = free_.back();
  free_.pop_back();
  return Lease(this, r);
}

int RecognizerPool::available() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(free_.size());
}

void RecognizerPool::give_back(Recognizer* r) {
  r->cancel();
  {
    std::lock_guard lock(mutex_);
    free_.push_back(r);
  }
  freed_.notify_one();
}

RecognizerPool::Lease::Lease(Lease&& o) noexcept : pool_(o.pool_), recognizer_(o.recognizer_) {
  o.pool_ = nullptr;
  o.recognizer_ = nullptr;
}

RecognizerPool::Lease& RecognizerPool::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    release();
    pool_ = o.pool_;
    recognizer_ = o.recognizer_;
    o.pool_ = nullptr;
    o.recognizer_ = nullptr;
  }
  return *this;
}

RecognizerPool::Lease::~Lease() { release(); }

void RecognizerPool::Lease::release() {
  if (pool_ && recognizer_) pool_->give_back(recognizer_);
  pool_ = nullptr;
  recognizer_ = nullptr;
}

}  // namespace hark::asr

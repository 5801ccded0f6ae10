#include "asr/recognizer.h"

#include <algorithm>
#include <stdexcept>

namespace hark::asr {

RecognizerPool::RecognizerPool(const ModelFiles& model, PoolOptions options) : options_(options) {
  // One after the other: pocketsphinx sets process-wide state (its log file) while loading.
  auto load = [&](int n, std::vector<std::unique_ptr<Recognizer>>& into) {
    for (int i = 0; i < n; ++i) {
      auto r = make_pocketsphinx(model, options_.decoder);
      if (!r) throw std::runtime_error("speech recognizer: " + r.error().detail);
      into.push_back(std::move(*r));
    }
  };
  load(std::max(1, options_.size), all_);
  load(std::max(1, options_.final_size), finals_);
  for (auto& r : all_) streaming_.free.push_back(r.get());
  for (auto& r : finals_) final_.free.push_back(r.get());
}

RecognizerPool::RecognizerPool(std::vector<std::unique_ptr<Recognizer>> recognizers, PoolOptions options,
                               std::vector<std::unique_ptr<Recognizer>> finals)
    : options_(options), all_(std::move(recognizers)), finals_(std::move(finals)) {
  for (auto& r : all_) streaming_.free.push_back(r.get());
  for (auto& r : finals_) final_.free.push_back(r.get());
}

RecognizerPool::~RecognizerPool() = default;

Result<RecognizerPool::Lease> RecognizerPool::acquire() { return acquire_within(options_.max_wait); }

RecognizerPool::Lease RecognizerPool::try_acquire() {
  std::lock_guard lock(mutex_);
  if (streaming_.free.empty()) return Lease();
  Recognizer* r = streaming_.free.back();
  streaming_.free.pop_back();
  return Lease(this, r);
}

Result<RecognizerPool::Lease> RecognizerPool::take(Set& set, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!set.freed.wait_for(lock, std::max(wait, std::chrono::milliseconds(0)), [&set] { return !set.free.empty(); }))
    return make_error(Errc::busy, "all speech recognizers are busy; try again soon");
  Recognizer* r = set.free.back();
  set.free.pop_back();
  return Lease(this, r);
}

Result<RecognizerPool::Lease> RecognizerPool::acquire_within(std::chrono::milliseconds wait) {
  return take(streaming_, wait);
}

Result<RecognizerPool::Lease> RecognizerPool::acquire_final(std::chrono::milliseconds wait) {
  // Without final decoders (a pool of test recognizers) the streaming ones hear it all.
  return take(finals_.empty() ? streaming_ : final_, wait);
}

int RecognizerPool::available() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(streaming_.free.size());
}

void RecognizerPool::give_back(Recognizer* r) {
  r->cancel();
  Set* set = &streaming_;
  for (auto& f : finals_)
    if (f.get() == r) set = &final_;
  {
    std::lock_guard lock(mutex_);
    set->free.push_back(r);
  }
  set->freed.notify_one();
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

#include "store/store.h"

#include <utility>

namespace hark::store {

bool TurnCommit::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

Result<std::vector<std::int64_t>> TurnCommit::wait() const {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return done_; });
  return result_;
}

void TurnCommit::on_done(std::function<void()> f) {
  {
    std::lock_guard lock(mutex_);
    if (!done_) {
      on_done_ = std::move(f);
      return;
    }
  }
  f();
}

void TurnCommit::finish(Result<std::vector<std::int64_t>> result) {
  std::function<void()> f;
  {
    std::lock_guard lock(mutex_);
    result_ = std::move(result);
    done_ = true;
    f = std::move(on_done_);
  }
  cv_.notify_all();
  if (f) f();
}

}  // namespace hark::store

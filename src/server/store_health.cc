#include "server/store_health.h"

#include <spdlog/spdlog.h>

namespace hark::server {

StoreHealth::StoreHealth(store::Store& store, std::chrono::milliseconds min_interval)
    : store_(store), min_interval_(min_interval) {}

Result<void> StoreHealth::check() {
  auto last = [this]() -> Result<void> {
    std::lock_guard lock(state_mutex_);
    if (failure_) return *failure_;
    return {};
  };
  std::unique_lock probe(probe_mutex_, std::try_to_lock);
  if (!probe.owns_lock()) return last();  // someone is probing right now
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(state_mutex_);
    if (probed_ && now - last_probe_ < min_interval_) return failure_ ? Result<void>(*failure_) : Result<void>();
  }
  auto r = store_.ping();
  std::lock_guard lock(state_mutex_);
  const bool was_failing = failure_.has_value();
  const bool first = !probed_;
  probed_ = true;
  last_probe_ = std::chrono::steady_clock::now();
  if (!r) {
    if (!was_failing || failure_->detail != r.error().detail)
      spdlog::error("store health: not ready: {}", r.error().detail);
    failure_ = r.error();
    return r;
  }
  if (was_failing && !first) spdlog::info("store health: ready again");
  failure_.reset();
  return {};
}

}  // namespace hark::server

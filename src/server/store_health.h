// Whether the store answers reads and writes, for /readyz. Probes it (Store::ping) at most
// once per `min_interval`, answers the last outcome otherwise, and logs a change of state
// (with the reason) once, not once per probe. Thread-safe; check() blocks on the store.
#pragma once

#include "common/error.h"
#include "store/store.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace hark::server {

class StoreHealth {
 public:
  explicit StoreHealth(store::Store& store,
                       std::chrono::milliseconds min_interval = std::chrono::seconds(1));

  // The store's state now (probing it when the last probe is older than min_interval; a
  // caller arriving while another probes gets the last outcome at once). The error's
  // detail is the store's own reason, for the log, not for clients.
  Result<void> check();

 private:
  store::Store& store_;
  const std::chrono::milliseconds min_interval_;
  std::mutex probe_mutex_;  // one probe at a time
  std::mutex state_mutex_;
  std::optional<Error> failure_;  // the last outcome
  bool probed_ = false;
  std::chrono::steady_clock::time_point last_probe_{};
};

}  // namespace hark::server

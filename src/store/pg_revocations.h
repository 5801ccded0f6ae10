// Hears the revocations other Hark instances make on the same PostgreSQL database
// (LISTEN/NOTIFY), so a token revoked on one instance is refused by every other one at
// its next message. Internal to src/store.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace hark::store::pg {

// The channel the store's revoke_session and delete_user notify, in the same statement
// that changes the row: the notification is sent exactly when the change commits.
inline constexpr const char* kRevocationChannel = "hark_revocations";

class RevocationListener {
 public:
  // Listens on its own connection to `url` and adds 1 to `epoch` for every notification.
  // When the connection is lost it adds 1 every `retry` until it is back (callers then
  // re-check every time), and once more on reconnecting (a notification may have been
  // missed meanwhile).
  RevocationListener(std::string url, std::atomic<std::uint64_t>& epoch);
  ~RevocationListener();
  RevocationListener(const RevocationListener&) = delete;
  RevocationListener& operator=(const RevocationListener&) = delete;

 private:
  void run();

  const std::string url_;
  std::atomic<std::uint64_t>& epoch_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace hark::store::pg

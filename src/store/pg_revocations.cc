#include "store/pg_revocations.h"

#include <pqxx/pqxx>

#include <chrono>
#include <memory>

namespace hark::store::pg {

namespace {

constexpr auto kRetry = std::chrono::milliseconds(200);

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& c, std::atomic<std::uint64_t>& epoch)
      : pqxx::notification_receiver(c, kRevocationChannel), epoch_(epoch) {}
  void operator()(const std::string& /*payload*/, int /*backend_pid*/) override { epoch_.fetch_add(1); }

 private:
  std::atomic<std::uint64_t>& epoch_;
};

}  // namespace

RevocationListener::RevocationListener(std::string url, std::atomic<std::uint64_t>& epoch)
    : url_(std::move(url)), epoch_(epoch), thread_([this] { run(); }) {}

RevocationListener::~RevocationListener() {
  stopping_ = true;
  thread_.join();
}

void RevocationListener::run() {
  bool lost = false;
  while (!stopping_) {
    try {
      pqxx::connection conn(url_);
      Receiver receiver(conn, epoch_);
      conn.get_notifs();  // sends LISTEN
      if (lost) epoch_.fetch_add(1);
      lost = false;
      // Wakes at least every kRetry to see `stopping_`.
      while (!stopping_) conn.await_notification(0, std::chrono::microseconds(kRetry).count());
    } catch (const std::exception&) {
      lost = true;
      epoch_.fetch_add(1);
      std::this_thread::sleep_for(kRetry);
    }
  }
}

}  // namespace hark::store::pg

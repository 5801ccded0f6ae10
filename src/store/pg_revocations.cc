#include "store/pg_revocations.h"

#include <pqxx/pqxx>

#include <chrono>
#include <memory>
#include <string>

namespace hark::store::pg {

namespace {

constexpr auto kRetry = std::chrono::milliseconds(200);

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& c, std::atomic<std::uint64_t>& epoch, std::string schema)
      : pqxx::notification_receiver(c, kRevocationChannel), epoch_(epoch),
        prefix_(std::move(schema) + ":") {}
  // The payload is "schema:session": a notification from a deployment that keeps its
  // tables in another schema of the same database is not ours.
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    if (payload.compare(0, prefix_.size(), prefix_) == 0) epoch_.fetch_add(1);
  }

 private:
  std::atomic<std::uint64_t>& epoch_;
  const std::string prefix_;
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
      std::string schema;
      {
        pqxx::nontransaction tx(conn);
        schema = tx.exec1("SELECT current_schema()")[0].as<std::string>();
      }
      Receiver receiver(conn, epoch_, std::move(schema));
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

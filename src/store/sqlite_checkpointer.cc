#include "store/sqlite_checkpointer.h"

#include <spdlog/spdlog.h>

namespace hark::store::sqlite {

Checkpointer::Checkpointer(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout,
                           std::chrono::milliseconds period)
    : conn_(path, Connection::Mode::read_write, busy_timeout), period_(period), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    const int rc = sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    // Busy (another process checkpointing) is fine: the next round catches up.
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
      spdlog::warn("database checkpoint failed: {}", sqlite3_errstr(rc));
    lock.lock();
  }
}

}  // namespace hark::store::sqlite

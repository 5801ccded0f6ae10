// Background WAL checkpoints for the SQLite store. Internal to src/store.
#pragma once

#include "store/sqlite_connection.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace hark::store::sqlite {

// By default SQLite checkpoints inside the COMMIT that fills the WAL past 1000 pages: the
// committing thread copies the pages into the database and waits for fsync, and every
// answer waiting for that commit waits too (10-20 ms on a busy disk, the whole p99 of a
// paced text load). This moves that work to its own thread and connection: the writer
// connection is set to never checkpoint, and here a PASSIVE checkpoint (which neither
// blocks nor waits for writers) runs every `period`. Durability is unchanged: a commit is
// in the WAL when it returns, as before; the checkpoint only moves it into the main file.
class Checkpointer {
 public:
  // Opens its own connection to `path`; throws std::runtime_error like Connection.
  Checkpointer(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout,
               std::chrono::milliseconds period);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  void run();

  Connection conn_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace hark::store::sqlite

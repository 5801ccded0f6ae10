// Group commit of history turns for the SQLite store. Internal to src/store.
#pragma once

#include "store/sqlite_connection.h"
#include "store/store.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hark::store::sqlite {

// Turns are queued, and one thread writes everything queued while it was busy in one
// transaction: one WAL commit serves many utterances under load, and an idle server
// commits at once. Callers hold a ticket (TurnCommit) and answer only once it is done,
// so nothing that was answered can be lost to a shutdown; the destructor commits what is
// still queued before it returns.
class TurnWriter {
 public:
  // `conn` is the store's writer connection, used under `conn_mutex` (the store's other
  // writes take the same lock). Both must outlive the TurnWriter.
  TurnWriter(Connection& conn, std::mutex& conn_mutex);
  ~TurnWriter();
  TurnWriter(const TurnWriter&) = delete;
  TurnWriter& operator=(const TurnWriter&) = delete;

  // Queues `turns` (all or none; a caller's turns keep their order) and returns at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns);

 private:
  struct Batch {
    std::vector<Turn> turns;
    std::shared_ptr<TurnCommit> ticket;
    std::vector<std::int64_t> ids;
    Result<void> status;
  };

  void run();
  void commit(std::vector<Batch>& batch);
  static void finish(std::vector<Batch>& batch);
  Result<void> insert(Batch& b);

  Connection& conn_;
  std::mutex& conn_mutex_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Batch> queue_;
  bool busy_ = true;  // the thread is committing (or not started): no need to wake it
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace hark::store::sqlite

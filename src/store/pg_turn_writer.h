// Group commit of history turns for the PostgreSQL store. Internal to src/store.
#pragma once

#include "store/pg_connection.h"
#include "store/store.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hark::store::pg {

// Turns are queued, and one thread writes everything queued while it was busy with one
// INSERT (one statement is one transaction, one WAL flush, one round trip): under load one
// commit serves many utterances, and an idle server commits at once. Callers answer only
// once their ticket is done, so nothing answered can be lost; the destructor commits what
// is still queued before it returns.
class TurnWriter {
 public:
  // `pool` (the writer's own connection) must outlive the TurnWriter.
  explicit TurnWriter(Pool& pool);
  ~TurnWriter();
  TurnWriter(const TurnWriter&) = delete;
  TurnWriter& operator=(const TurnWriter&) = delete;

  // Queues `turns` (all or none; a caller's turns keep their order) and returns at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns);

 private:
  struct Batch {
    std::vector<Turn> turns;
    std::shared_ptr<TurnCommit> ticket;
  };

  void run();
  void commit(std::vector<Batch>& group);
  // Inserts the turns of `group[first, last)` in one statement; their ids in order.
  Result<std::vector<std::int64_t>> insert(const std::vector<Batch>& group, std::size_t first,
                                           std::size_t last);

  Pool& pool_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Batch> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace hark::store::pg

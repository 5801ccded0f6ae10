// Group commit of history turns for the PostgreSQL store. Internal to src/store.
#pragma once

#include "store/group_commit.h"
#include "store/pg_connection.h"
#include "store/store.h"

#include <memory>
#include <vector>

namespace hark::store::pg {

// The PostgreSQL commit of a GroupCommitQueue (group_commit.h): each group is one INSERT
// (one statement is one transaction, one WAL flush, one round trip).
class TurnWriter {
 public:
  // `pool` (the writer's own connection) must outlive the TurnWriter.
  explicit TurnWriter(Pool& pool);
  ~TurnWriter() = default;  // commits what is still queued
  TurnWriter(const TurnWriter&) = delete;
  TurnWriter& operator=(const TurnWriter&) = delete;

  // Queues `turns` (all or none; a caller's turns keep their order) and returns at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns) { return queue_.queue(std::move(turns)); }

 private:
  void commit(std::vector<TurnBatch>& group);
  // Inserts the turns of `group[first, last)` in one statement; their ids in order.
  Result<std::vector<std::int64_t>> insert(const std::vector<TurnBatch>& group, std::size_t first,
                                           std::size_t last);

  Pool& pool_;
  GroupCommitQueue queue_;  // last: its thread starts once everything above exists
};

}  // namespace hark::store::pg

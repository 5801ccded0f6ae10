// Group commit of history turns for the SQLite store. Internal to src/store.
#pragma once

#include "store/group_commit.h"
#include "store/sqlite_connection.h"
#include "store/store.h"

#include <memory>
#include <mutex>
#include <vector>

namespace hark::store::sqlite {

// The SQLite commit of a GroupCommitQueue (group_commit.h): each group is one transaction,
// so one WAL commit serves many utterances under load.
// Keeps a login session's dialog state (Store::save_dialog_state), only under a live
// session of that user. The caller holds the connection's lock. Errc::not_found when
// there is no such session.
Result<void> write_dialog_state(Connection& conn, const DialogStateWrite& w);

class TurnWriter {
 public:
  // `conn` is the store's writer connection, used under `conn_mutex` (the store's other
  // writes take the same lock). Both must outlive the TurnWriter.
  TurnWriter(Connection& conn, std::mutex& conn_mutex);
  ~TurnWriter() = default;  // commits what is still queued
  TurnWriter(const TurnWriter&) = delete;
  TurnWriter& operator=(const TurnWriter&) = delete;

  // Queues `turns` (all or none; a caller's turns keep their order) and returns at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns, std::optional<DialogStateWrite> state = std::nullopt) {
    return queue_.queue(std::move(turns), std::move(state));
  }

 private:
  // A batch's outcome while its group is written.
  struct Outcome {
    std::vector<std::int64_t> ids;
    Result<void> status;
  };

  void commit(std::vector<TurnBatch>& group);
  // Writes the group under the connection lock; the tickets are finished after it.
  void write(const std::vector<TurnBatch>& group, std::vector<Outcome>& out);
  // The id the next turn gets: above every id stored or ever deleted (sqlite_schema.cc, 5).
  Result<std::int64_t> next_id();
  // Inserts the batch's turns with ids from `next` on, advancing it.
  Result<void> insert(const TurnBatch& b, std::int64_t& next, Outcome& out);
  // A dialog state of the group (last_states: one per session, of batches whose turns
  // were written), after the turns; a failure is logged only.
  void keep_state(const DialogStateWrite& state);

  Connection& conn_;
  std::mutex& conn_mutex_;
  GroupCommitQueue queue_;  // last: its thread starts once everything above exists
};

}  // namespace hark::store::sqlite

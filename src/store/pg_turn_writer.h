// Group commit of history turns, and of the dialog states that go with them, for the
// PostgreSQL store. Internal to src/store.
#pragma once

#include "store/group_commit.h"
#include "store/pg_connection.h"
#include "store/store.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace hark::store::pg {

// Keeps login sessions' dialog states (Store::save_dialog_state), at most one per session
// (last_states), each only under a live session of its user; an empty state forgets.
// Answers how many non-empty states were kept. Throws what libpqxx throws.
std::size_t write_dialog_states(pqxx::transaction_base& tx, const std::vector<const DialogStateWrite*>& states);

// The PostgreSQL commit of a GroupCommitQueue (group_commit.h): each group is one
// transaction, one WAL flush: one INSERT of all its turns (one statement is a transaction
// of its own when no batch brings a dialog state), and the dialog states its batches bring.
class TurnWriter {
 public:
  // `pool` (the writer's own connection) must outlive the TurnWriter.
  explicit TurnWriter(Pool& pool);
  ~TurnWriter() = default;  // commits what is still queued
  TurnWriter(const TurnWriter&) = delete;
  TurnWriter& operator=(const TurnWriter&) = delete;

  // Queues `turns` (all or none; a caller's turns keep their order), and the login
  // session's dialog state to write with them, and returns at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns, std::optional<DialogStateWrite> state = std::nullopt) {
    return queue_.queue(std::move(turns), std::move(state));
  }

 private:
  void commit(std::vector<TurnBatch>& group);
  // The whole group in one transaction: all its turns' ids in order. Any failure, a
  // state's included, fails it all.
  Result<std::vector<std::int64_t>> write_all(const std::vector<TurnBatch>& group);
  // The group in one transaction, each batch's turns and then each dialog state in a
  // savepoint of its own: one caller's failure fails only its own ticket, and a failed
  // state write only costs that state. Finishes every ticket.
  void write_each(std::vector<TurnBatch>& group);

  Pool& pool_;
  GroupCommitQueue queue_;  // last: its thread starts once everything above exists
};

}  // namespace hark::store::pg

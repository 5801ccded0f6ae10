#include "store/sqlite_turn_writer.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace hark::store::sqlite {

TurnWriter::TurnWriter(Connection& conn, std::mutex& conn_mutex)
    : conn_(conn), conn_mutex_(conn_mutex), queue_([this](std::vector<TurnBatch>& g) { commit(g); }) {}

// The usual case is one transaction for all; only when it fails are the callers written
// one savepoint each, so that one caller's failure (a user deleted meanwhile) does not
// fail the others.
void TurnWriter::commit(std::vector<TurnBatch>& group) {
  std::vector<Outcome> out(group.size());
  {
    std::lock_guard lock(conn_mutex_);
    write(group, out);
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (out[i].status) {
      group[i].ticket->finish(std::move(out[i].ids));
    } else {
      group[i].ticket->finish(out[i].status.error());
    }
  }
}

void TurnWriter::write(const std::vector<TurnBatch>& group, std::vector<Outcome>& out) {
  auto fail_all = [&](const Error& e) {
    for (auto& o : out) {
      o.ids.clear();
      o.status = e;
    }
  };
  {
    auto tx = Transaction::begin(conn_);
    if (!tx) return fail_all(tx.error());
    auto next = next_id();
    if (!next) return fail_all(next.error());
    bool all_written = true;
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!insert(group[i], *next, out[i])) {
        all_written = false;
        break;
      }
    }
    if (all_written) {
      for (const auto* state : last_states(group, std::vector<bool>(group.size(), true))) keep_state(*state);
      if (auto committed = tx->commit(); !committed) fail_all(committed.error());
      return;
    }
  }  // rolled back
  for (auto& o : out) {
    o.ids.clear();
    o.status = {};
  }
  auto tx = Transaction::begin(conn_);
  if (!tx) return fail_all(tx.error());
  auto next = next_id();
  if (!next) return fail_all(next.error());
  std::vector<bool> written(group.size(), false);
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (auto sp = conn_.exec("SAVEPOINT turns"); !sp) return fail_all(sp.error());
    if (auto inserted = insert(group[i], *next, out[i]); !inserted) {
      out[i].ids.clear();
      out[i].status = inserted.error();
      if (auto rb = conn_.exec("ROLLBACK TO turns"); !rb) return fail_all(rb.error());
    } else {
      written[i] = true;
    }
    if (auto rel = conn_.exec("RELEASE turns"); !rel) return fail_all(rel.error());
  }
  for (const auto* state : last_states(group, written)) keep_state(*state);
  if (auto committed = tx->commit(); !committed) fail_all(committed.error());
}

// Read inside the write transaction, so another process sharing the file cannot take the
// same ids; a rolled-back insert leaves a gap, never a reuse.
Result<std::int64_t> TurnWriter::next_id() {
  auto s = conn_.prepare(
      "SELECT MAX(COALESCE((SELECT MAX(id) FROM turns), 0), "
      "COALESCE((SELECT max_deleted FROM turns_floor WHERE id = 1), 0)) + 1");
  if (!s) return s.error();
  auto row = s->step();
  if (!row) return row.error();
  return s->column_int(0);
}

Result<void> TurnWriter::insert(const TurnBatch& b, std::int64_t& next, Outcome& out) {
  out.ids.reserve(b.turns.size());
  for (const auto& turn : b.turns) {
    auto s = conn_.prepare(
        "INSERT INTO turns (id, user_id, role, text, action_json, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s) return s.error();
    s->bind(1, next).bind(2, turn.user_id).bind(3, turn.role).bind(4, turn.text).bind(5, turn.action_json).bind(6, turn.created_at);
    if (auto done = s->run(); !done) {
      // Rows for a user that does not exist (deleted meanwhile) break the foreign key.
      if (sqlite3_extended_errcode(conn_.handle()) == SQLITE_CONSTRAINT_FOREIGNKEY)
        return make_error(Errc::not_found, "No such user.");
      return done.error();
    }
    out.ids.push_back(next++);
  }
  return {};
}

void TurnWriter::keep_state(const DialogStateWrite& state) {
  // In its own savepoint: a failed state write leaves the turns written.
  if (!conn_.exec("SAVEPOINT state")) return;
  auto done = write_dialog_state(conn_, state);
  if (!done) {
    spdlog::warn("dialog state of a login session not saved: {}", done.error().detail);
    (void)conn_.exec("ROLLBACK TO state");
  }
  (void)conn_.exec("RELEASE state");
}

Result<void> write_dialog_state(Connection& conn, const DialogStateWrite& w) {
  if (w.state.empty()) {
    auto s = conn.prepare("DELETE FROM dialog_states WHERE session_id = ?1 AND user_id = ?2");
    if (!s) return s.error();
    return s->bind(1, w.session_id).bind(2, w.user_id).run();
  }
  // Only for a live session of that user: a state never lands under someone else's login.
  auto s = conn.prepare(
      "INSERT INTO dialog_states (session_id, user_id, state, updated_at) "
      "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM login_sessions "
      "WHERE id = ?1 AND user_id = ?2 AND revoked = 0) "
      "ON CONFLICT(session_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at "
      "WHERE dialog_states.user_id = excluded.user_id");
  if (!s) return s.error();
  auto done = s->bind(1, w.session_id).bind(2, w.user_id).bind(3, w.state).bind(4, w.now).run();
  if (!done) {
    if (sqlite3_extended_errcode(conn.handle()) == SQLITE_CONSTRAINT_FOREIGNKEY)
      return make_error(Errc::not_found, "No such user.");
    return done.error();
  }
  if (s->changes() == 0) return make_error(Errc::not_found, "No such login session for this user.");
  return {};
}

}  // namespace hark::store::sqlite

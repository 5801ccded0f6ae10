#include "store/pg_turn_writer.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace hark::store::pg {

namespace {

constexpr const char* kWhat = "cannot store turns";

// The turns of group[first, last) as the one JSON parameter of insert_turns: one prepared
// statement whatever their number.
struct Rows {
  std::string json;
  std::size_t count = 0;
};

Rows rows_of(const std::vector<TurnBatch>& group, std::size_t first, std::size_t last) {
  boost::json::array rows;
  for (std::size_t i = first; i < last; ++i) {
    for (const auto& t : group[i].turns) {
      rows.push_back(boost::json::object{{"u", t.user_id},
                                         {"r", t.role},
                                         {"t", t.text},
                                         {"a", t.action_json},
                                         {"c", t.created_at}});
    }
  }
  return Rows{boost::json::serialize(rows), rows.size()};
}

Result<std::vector<std::int64_t>> insert_rows(pqxx::transaction_base& tx, const Rows& rows) {
  auto r = tx.exec_prepared("insert_turns", rows.json);
  std::vector<std::int64_t> ids;
  ids.reserve(r.size());
  for (const auto& row : r) ids.push_back(row[0].as<std::int64_t>());
  // Identity values are drawn in the rows' order; RETURNING's order is not promised.
  std::sort(ids.begin(), ids.end());
  if (ids.size() != rows.count) return make_error(Errc::internal, "cannot store turns: row count");
  return ids;
}

// Runs `f` (answering a Result) in a savepoint of `tx`: what it wrote is undone when it
// answers an error or throws a database error (which it then answers); a lost connection
// is not caught. Not pqxx::subtransaction: libpqxx 6 sends its SAVEPOINT only before an
// exec(), not before an exec_prepared().
template <class F>
auto in_savepoint(pqxx::transaction_base& tx, std::string_view what, F&& f) -> decltype(f()) {
  tx.exec0("SAVEPOINT part");
  auto out = [&]() -> decltype(f()) {
    try {
      return f();
    } catch (const pqxx::sql_error& e) {
      return db_error(e, what);
    }
  }();
  if (!out) tx.exec0("ROLLBACK TO SAVEPOINT part");
  tx.exec0("RELEASE SAVEPOINT part");
  return out;
}

void warn_not_kept(std::size_t missed) {
  if (missed > 0) spdlog::warn("dialog state of {} login session(s) not saved: no such login session for this user", missed);
}

}  // namespace

std::size_t write_dialog_states(pqxx::transaction_base& tx, const std::vector<const DialogStateWrite*>& states) {
  // As JSON parameters, like the turns: one statement for a whole group's states.
  boost::json::array kept, forgotten;
  for (const auto* w : states) {
    if (w->state.empty()) {
      forgotten.push_back(boost::json::object{{"s", w->session_id}, {"u", w->user_id}});
    } else {
      kept.push_back(boost::json::object{{"s", w->session_id}, {"u", w->user_id}, {"t", w->state}, {"n", w->now}});
    }
  }
  if (!forgotten.empty()) tx.exec_prepared("delete_dialog_states", boost::json::serialize(forgotten));
  if (kept.empty()) return 0;
  return tx.exec_prepared("save_dialog_states", boost::json::serialize(kept)).affected_rows();
}

TurnWriter::TurnWriter(Pool& pool) : pool_(pool), queue_([this](std::vector<TurnBatch>& g) { commit(g); }) {}

// The usual case is one transaction for the whole group. When it fails for a reason other
// than the connection (a user deleted meanwhile breaks the foreign key), it is written
// again one savepoint per caller, so one caller's failure does not fail the others.
void TurnWriter::commit(std::vector<TurnBatch>& group) {
  const bool with_states = std::any_of(group.begin(), group.end(), [](const TurnBatch& b) { return b.state.has_value(); });
  auto all = write_all(group);
  if (all) {
    std::size_t next = 0;
    for (auto& b : group) {
      std::vector<std::int64_t> ids(all->begin() + static_cast<std::ptrdiff_t>(next),
                                    all->begin() + static_cast<std::ptrdiff_t>(next + b.turns.size()));
      next += b.turns.size();
      b.ticket->finish(std::move(ids));
    }
    return;
  }
  // A lost connection fails all; a lone caller without a state failed by its own turns.
  if (all.error().code == Errc::unavailable || (group.size() == 1 && !with_states)) {
    for (auto& b : group) b.ticket->finish(all.error());
    return;
  }
  write_each(group);
}

Result<std::vector<std::int64_t>> TurnWriter::write_all(const std::vector<TurnBatch>& group) {
  const Rows rows = rows_of(group, 0, group.size());
  const auto states = last_states(group, std::vector<bool>(group.size(), true));
  return pool_.run(kWhat, [&](pqxx::connection& c) -> Result<std::vector<std::int64_t>> {
    if (states.empty()) {
      pqxx::nontransaction tx(c);
      return insert_rows(tx, rows);
    }
    pqxx::work tx(c);
    auto ids = insert_rows(tx, rows);
    if (!ids) return ids;  // rolled back
    const std::size_t kept = write_dialog_states(tx, states);
    tx.commit();
    const auto live = static_cast<std::size_t>(
        std::count_if(states.begin(), states.end(), [](const DialogStateWrite* w) { return !w->state.empty(); }));
    warn_not_kept(live - std::min(kept, live));
    return ids;
  });
}

void TurnWriter::write_each(std::vector<TurnBatch>& group) {
  std::vector<Result<std::vector<std::int64_t>>> out(group.size(), std::vector<std::int64_t>{});
  auto done = pool_.run(kWhat, [&](pqxx::connection& c) -> Result<void> {
    pqxx::work tx(c);
    std::vector<bool> written(group.size(), false);
    for (std::size_t i = 0; i < group.size(); ++i) {
      const Rows rows = rows_of(group, i, i + 1);
      out[i] = in_savepoint(tx, kWhat, [&] { return insert_rows(tx, rows); });
      written[i] = static_cast<bool>(out[i]);
    }
    for (const auto* state : last_states(group, written)) {
      auto kept = in_savepoint(tx, "cannot store the conversation",
                               [&]() -> Result<std::size_t> { return write_dialog_states(tx, {state}); });
      if (!kept) {
        spdlog::warn("dialog state of a login session not saved: {}", kept.error().detail);
      } else {
        warn_not_kept(state->state.empty() || *kept == 1 ? 0 : 1);
      }
    }
    tx.commit();
    return {};
  });
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (done) {
      group[i].ticket->finish(std::move(out[i]));
    } else {
      group[i].ticket->finish(done.error());
    }
  }
}

}  // namespace hark::store::pg

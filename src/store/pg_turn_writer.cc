#include "store/pg_turn_writer.h"

#include <boost/json.hpp>

#include <algorithm>
#include <utility>

namespace hark::store::pg {

TurnWriter::TurnWriter(Pool& pool) : pool_(pool), queue_([this](std::vector<TurnBatch>& g) { commit(g); }) {}

// The usual case is one statement for the whole group. When it fails for a reason other
// than the connection (a user deleted meanwhile breaks the foreign key), each caller's
// turns are written alone, so one caller's failure does not fail the others.
void TurnWriter::commit(std::vector<TurnBatch>& group) {
  auto all = insert(group, 0, group.size());
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
  if (group.size() == 1 || all.error().code == Errc::unavailable) {
    for (auto& b : group) b.ticket->finish(all.error());
    return;
  }
  for (std::size_t i = 0; i < group.size(); ++i) group[i].ticket->finish(insert(group, i, i + 1));
}

Result<std::vector<std::int64_t>> TurnWriter::insert(const std::vector<TurnBatch>& group,
                                                     std::size_t first, std::size_t last) {
  // The rows travel as one JSON parameter: one prepared statement whatever their number.
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
  const std::string payload = boost::json::serialize(rows);
  return pool_.run("cannot store turns", [&](pqxx::connection& c) -> Result<std::vector<std::int64_t>> {
    pqxx::nontransaction tx(c);
    auto r = tx.exec_prepared("insert_turns", payload);
    std::vector<std::int64_t> ids;
    ids.reserve(r.size());
    for (const auto& row : r) ids.push_back(row[0].as<std::int64_t>());
    // Identity values are drawn in the rows' order; RETURNING's order is not promised.
    std::sort(ids.begin(), ids.end());
    if (ids.size() != rows.size()) return make_error(Errc::internal, "cannot store turns: row count");
    return ids;
  });
}

}  // namespace hark::store::pg

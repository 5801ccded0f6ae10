// One group-commit queue for history turns, shared by the SQLite and PostgreSQL stores.
// Internal to src/store.
#pragma once

#include "store/store.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace hark::store {

// One caller's turns (all or none; they keep their order) and the ticket it waits on.
struct TurnBatch {
  std::vector<Turn> turns;
  std::shared_ptr<TurnCommit> ticket;
  std::optional<DialogStateWrite> state;  // written with the turns, when given
};

// The dialog states a group leaves: for each login session, the last state given by a
// batch whose turns were written (`written[i]` for group[i]), so a store writes one per
// session per group, and the later of two utterances wins. In the order of those last
// states; they point into `group`.
std::vector<const DialogStateWrite*> last_states(const std::vector<TurnBatch>& group,
                                                 const std::vector<bool>& written);

// Turns are queued, and one thread hands everything queued while it was busy to the
// store's commit callback at once: under load one commit serves many utterances, and an
// idle server commits at once. Callers answer only once their ticket is done, so nothing
// answered can be lost to a shutdown; the destructor commits what is still queued before
// it returns.
class GroupCommitQueue {
 public:
  // Writes a group; must finish every batch's ticket (ids in order, or why not stored).
  using Commit = std::function<void(std::vector<TurnBatch>& group)>;

  explicit GroupCommitQueue(Commit commit);
  ~GroupCommitQueue();
  GroupCommitQueue(const GroupCommitQueue&) = delete;
  GroupCommitQueue& operator=(const GroupCommitQueue&) = delete;

  // Queues `turns` and returns at once; an empty list is done at once.
  std::shared_ptr<TurnCommit> queue(std::vector<Turn> turns, std::optional<DialogStateWrite> state = std::nullopt);

 private:
  void run();

  Commit commit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<TurnBatch> queue_;
  bool busy_ = true;  // the thread is committing (or not started): no need to wake it
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace hark::store

#include "store_suite.h"

#include "store/group_commit.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace hark::store::testing {
namespace {

Turn turn(std::int64_t user_id, std::string role, std::string text, std::int64_t at,
          std::string action = {}) {
  Turn t;
  t.user_id = user_id;
  t.role = std::move(role);
  t.text = std::move(text);
  t.action_json = std::move(action);
  t.created_at = at;
  return t;
}

std::vector<std::string> texts(const std::vector<Turn>& turns) {
  std::vector<std::string> out;
  for (const auto& t : turns) out.push_back(t.text);
  return out;
}

TEST_P(StoreTest, PingAnswers) { EXPECT_TRUE(store_->ping()); }

// --- users -------------------------------------------------------------------------------

TEST_P(StoreTest, CreatedUserIsFoundByEmailAnyCaseAndById) {
  auto created = store_->create_user("Ada.Lovelace@Example.ORG", "Ada", "argon-hash", 1234);
  ASSERT_TRUE(created) << created.error().detail;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "ada.lovelace@example.org");
  EXPECT_EQ(created->display_name, "Ada");
  EXPECT_EQ(created->password_hash, "argon-hash");
  EXPECT_EQ(created->created_at, 1234);

  auto by_email = store_->find_user_by_email("ADA.lovelace@example.org");
  ASSERT_TRUE(by_email);
  EXPECT_EQ(by_email->id, created->id);
  EXPECT_EQ(by_email->email, "ada.lovelace@example.org");
  EXPECT_EQ(by_email->password_hash, "argon-hash");
  EXPECT_EQ(by_email->created_at, 1234);

  auto by_id = store_->find_user(created->id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->email, "ada.lovelace@example.org");
  EXPECT_EQ(by_id->display_name, "Ada");
}

TEST_P(StoreTest, EmailIsUniqueWhateverItsCase) {
  make_user("grace@example.net");
  auto again = store_->create_user("Grace@Example.NET", "Other", "h", 5);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::email_taken);
  auto other = store_->create_user("grace2@example.net", "Other", "h", 5);
  EXPECT_TRUE(other);
}

TEST_P(StoreTest, MissingUserIsNotFound) {
  auto by_email = store_->find_user_by_email("nobody@example.com");
  ASSERT_FALSE(by_email);
  EXPECT_EQ(by_email.error().code, Errc::not_found);
  auto by_id = store_->find_user(424242);
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().code, Errc::not_found);
  auto del = store_->delete_user(424242);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, Errc::not_found);
}

// --- sessions ----------------------------------------------------------------------------

LoginSession session_for(std::int64_t user_id, std::string id, std::string hash) {
  LoginSession s;
  s.id = std::move(id);
  s.user_id = user_id;
  s.refresh_hash = std::move(hash);
  s.created_at = 100;
  s.expires_at = 900;
  return s;
}

TEST_P(StoreTest, SessionIsCreatedFoundAndRevoked) {
  auto u = make_user("s@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-1", "h1")));
  auto found = store_->find_session("sess-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, u.id);
  EXPECT_EQ(found->refresh_hash, "h1");
  EXPECT_EQ(found->created_at, 100);
  EXPECT_EQ(found->expires_at, 900);
  EXPECT_FALSE(found->revoked);

  ASSERT_TRUE(store_->revoke_session("sess-1"));
  found = store_->find_session("sess-1");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->revoked);
  EXPECT_TRUE(store_->revoke_session("sess-1"));  // twice is fine

  auto missing = store_->find_session("no-such-session");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  auto revoke_missing = store_->revoke_session("no-such-session");
  ASSERT_FALSE(revoke_missing);
  EXPECT_EQ(revoke_missing.error().code, Errc::not_found);
}

TEST_P(StoreTest, SessionForMissingUserIsRefused) {
  auto r = store_->create_session(session_for(987654, "orphan", "h"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(StoreTest, RotateRefreshIsCompareAndSwap) {
  auto u = make_user("r@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-r", "old")));

  ASSERT_TRUE(store_->rotate_refresh("sess-r", "old", "new", 5000, 150));
  auto s = store_->find_session("sess-r");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->refresh_hash, "new");
  EXPECT_EQ(s->expires_at, 5000);

  // The old hash no longer matches: a replayed refresh token loses.
  auto replay = store_->rotate_refresh("sess-r", "old", "other", 6000, 160);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, Errc::invalid_token);
  s = store_->find_session("sess-r");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->refresh_hash, "new");
  EXPECT_EQ(s->expires_at, 5000);

  auto unknown = store_->rotate_refresh("no-such", "new", "x", 1, 170);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::invalid_token);

  ASSERT_TRUE(store_->revoke_session("sess-r"));
  auto revoked = store_->rotate_refresh("sess-r", "new", "newer", 7000, 180);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, Errc::invalid_token);
}

TEST_P(StoreTest, ConcurrentRotationsWithOneTokenHaveExactlyOneWinner) {
  auto u = make_user("race@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-race", "shared")));
  constexpr int kThreads = 6;
  std::atomic<int> wins{0};
  std::atomic<int> other_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = store_->rotate_refresh("sess-race", "shared", "next-" + std::to_string(i), 10, 5);
      if (r) {
        ++wins;
      } else if (r.error().code != Errc::invalid_token) {
        ++other_errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(other_errors.load(), 0);
  auto s = store_->find_session("sess-race");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->refresh_hash.rfind("next-", 0), 0u);
}

// --- history -----------------------------------------------------------------------------

TEST_P(StoreTest, HistoryIsNewestFirstAndPages) {
  auto u = make_user("h@example.com");
  auto other = make_user("h2@example.com");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    auto id = store_->append_turn(turn(u.id, i % 2 == 0 ? "user" : "assistant",
                                       "line " + std::to_string(i), 100 + i,
                                       i == 3 ? R"({"name":"timer"})" : ""));
    ASSERT_TRUE(id) << id.error().detail;
    if (!ids.empty()) {
      EXPECT_GT(*id, ids.back());
    }
    ids.push_back(*id);
  }
  ASSERT_TRUE(store_->append_turn(turn(other.id, "user", "not yours", 200)));

  auto page1 = store_->history(u.id, 3, 0);
  ASSERT_TRUE(page1);
  EXPECT_EQ(texts(*page1), (std::vector<std::string>{"line 6", "line 5", "line 4"}));
  EXPECT_EQ((*page1)[0].id, ids[6]);
  EXPECT_EQ((*page1)[0].role, "user");
  EXPECT_EQ((*page1)[1].role, "assistant");
  EXPECT_EQ((*page1)[0].created_at, 106);
  EXPECT_EQ((*page1)[0].user_id, u.id);

  auto page2 = store_->history(u.id, 3, page1->back().id);
  ASSERT_TRUE(page2);
  EXPECT_EQ(texts(*page2), (std::vector<std::string>{"line 3", "line 2", "line 1"}));
  EXPECT_EQ((*page2)[0].action_json, R"({"name":"timer"})");
  EXPECT_EQ((*page2)[1].action_json, "");

  auto page3 = store_->history(u.id, 3, page2->back().id);
  ASSERT_TRUE(page3);
  EXPECT_EQ(texts(*page3), (std::vector<std::string>{"line 0"}));

  auto page4 = store_->history(u.id, 3, page3->back().id);
  ASSERT_TRUE(page4);
  EXPECT_TRUE(page4->empty());

  auto none = store_->history(u.id, 0, 0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  auto theirs = store_->history(other.id, 50, 0);
  ASSERT_TRUE(theirs);
  EXPECT_EQ(texts(*theirs), (std::vector<std::string>{"not yours"}));
}

TEST_P(StoreTest, ClearHistoryForgetsOnlyThatUser) {
  auto a = make_user("a@example.com");
  auto b = make_user("b@example.com");
  ASSERT_TRUE(store_->append_turn(turn(a.id, "user", "from a", 1)));
  ASSERT_TRUE(store_->append_turn(turn(b.id, "user", "from b", 1)));
  ASSERT_TRUE(store_->clear_history(a.id));
  auto ha = store_->history(a.id, 10, 0);
  auto hb = store_->history(b.id, 10, 0);
  ASSERT_TRUE(ha && hb);
  EXPECT_TRUE(ha->empty());
  EXPECT_EQ(texts(*hb), (std::vector<std::string>{"from b"}));
}

TEST_P(StoreTest, TurnForMissingUserIsRefused) {
  auto r = store_->append_turn(turn(555555, "user", "ghost", 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(StoreTest, ConcurrentAppendsLoseNoTurn) {
  auto u = make_user("busy@example.com");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!store_->append_turn(turn(u.id, "user", std::to_string(t) + ":" + std::to_string(i), i))) {
          ++failures;
        }
        // Readers run alongside the writers.
        if (i % 10 == 0 && !store_->history(u.id, 5, 0)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  auto all = store_->history(u.id, kThreads * kPerThread + 10, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::int64_t> ids;
  std::set<std::string> seen;
  for (const auto& t : *all) {
    ids.insert(t.id);
    seen.insert(t.text);
  }
  EXPECT_EQ(ids.size(), all->size());
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_EQ(seen.count(std::to_string(t) + ":" + std::to_string(i)), 1u) << t << ":" << i;
    }
  }
  // Within one thread, later appends got larger ids (newest first means reversed order).
  for (int t = 0; t < kThreads; ++t) {
    int last = kPerThread;
    for (const auto& turn : *all) {
      const auto prefix = std::to_string(t) + ":";
      if (turn.text.rfind(prefix, 0) != 0) continue;
      const int i = std::stoi(turn.text.substr(prefix.size()));
      EXPECT_LT(i, last);
      last = i;
    }
  }
}

TEST_P(StoreTest, AppendTurnsKeepsOrderAndAnswersIds) {
  auto u = make_user("pair@example.com");
  auto ids = store_->append_turns({turn(u.id, "user", "call the office", 10),
                                   turn(u.id, "assistant", "Calling the office.", 10, R"({"name":"call"})")});
  ASSERT_TRUE(ids) << ids.error().detail;
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  auto single = store_->append_turn(turn(u.id, "user", "thanks", 11));
  ASSERT_TRUE(single);
  EXPECT_GT(*single, (*ids)[1]);
  auto all = store_->history(u.id, 10, 0);
  ASSERT_TRUE(all);
  EXPECT_EQ(texts(*all), (std::vector<std::string>{"thanks", "Calling the office.", "call the office"}));
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].id, (*ids)[1]);
  EXPECT_EQ((*all)[1].role, "assistant");
  EXPECT_EQ((*all)[1].action_json, R"({"name":"call"})");
  auto none = store_->append_turns({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreTest, AppendTurnsForMissingUserWritesNothing) {
  auto r = store_->append_turns({turn(555555, "user", "ghost", 1), turn(555555, "assistant", "boo", 1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

// queue_turns returns a ticket at once; many callers' turns queued without waiting are all
// stored, each caller's in its order, and a ghost caller's failure is its ticket's alone.
TEST_P(StoreTest, QueuedTurnsAreStoredInOrderAndFailAlone) {
  auto u = make_user("queued@example.com");
  std::vector<std::shared_ptr<TurnCommit>> tickets;
  std::vector<std::shared_ptr<TurnCommit>> ghosts;
  for (int i = 0; i < 50; ++i) {
    auto n = std::to_string(i);
    tickets.push_back(store_->queue_turns({turn(u.id, "user", "q" + n, i), turn(u.id, "assistant", "a" + n, i)}));
    if (i % 10 == 3) ghosts.push_back(store_->queue_turns({turn(888888, "user", "ghost", i)}));
  }
  std::int64_t last_id = 0;
  for (auto& t : tickets) {
    auto ids = t->wait();
    ASSERT_TRUE(ids) << ids.error().detail;
    EXPECT_TRUE(t->done());
    ASSERT_EQ(ids->size(), 2u);
    EXPECT_GT((*ids)[0], last_id);
    EXPECT_LT((*ids)[0], (*ids)[1]);
    last_id = (*ids)[1];
  }
  for (auto& g : ghosts) {
    auto r = g->wait();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
  auto all = store_->history(u.id, 1000, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 100u);
  EXPECT_EQ(all->back().text, "q0");
  EXPECT_EQ(all->front().text, "a49");
  auto empty = store_->queue_turns({});
  auto none = empty->wait();
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(TurnCommitTest, CallbackRunsOnFinishOrAtOnceWhenAlreadyDone) {
  TurnCommit pending;
  int calls = 0;
  pending.on_done([&] { ++calls; });
  pending.on_done([&] { calls += 10; });  // replaces the first, which has not run
  EXPECT_FALSE(pending.done());
  EXPECT_EQ(calls, 0);
  pending.finish(std::vector<std::int64_t>{7, 8});
  EXPECT_EQ(calls, 10);
  ASSERT_TRUE(pending.wait());
  EXPECT_EQ(*pending.wait(), (std::vector<std::int64_t>{7, 8}));
  pending.on_done([&] { ++calls; });  // already done: runs here
  EXPECT_EQ(calls, 11);

  TurnCommit failed;
  std::thread finisher([&] { failed.finish(make_error(Errc::unavailable, "disk gone")); });
  auto r = failed.wait();
  finisher.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

// A group's dialog states are the last one per session, of batches whose turns were written.
TEST(GroupCommitTest, LastStatePerSessionOfWrittenBatchesOnly) {
  auto batch = [](std::optional<DialogStateWrite> state) {
    return TurnBatch{{}, std::make_shared<TurnCommit>(), std::move(state)};
  };
  std::vector<TurnBatch> group;
  group.push_back(batch(DialogStateWrite{"a", 1, "a1", 1}));
  group.push_back(batch(DialogStateWrite{"b", 2, "b1", 1}));
  group.push_back(batch(std::nullopt));
  group.push_back(batch(DialogStateWrite{"a", 1, "a2", 2}));
  group.push_back(batch(DialogStateWrite{"b", 2, "b2", 2}));  // its turns failed
  group.push_back(batch(DialogStateWrite{"c", 3, "", 2}));
  auto states = last_states(group, {true, true, true, true, false, true});
  std::vector<std::string> got;
  for (const auto* w : states) got.push_back(w->session_id + "=" + w->state);
  EXPECT_EQ(got, (std::vector<std::string>{"b=b1", "a=a2", "c="}));
  EXPECT_TRUE(last_states(group, std::vector<bool>(group.size(), false)).empty());
}

// Concurrent pairs (committed together by a group-committing store) lose nothing, keep each
// pair adjacent in its order, and one caller's failure does not fail the others.
TEST_P(StoreTest, ConcurrentAppendTurnsLoseNoTurnAndKeepOrder) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 30;
  std::vector<User> users;
  for (int t = 0; t < kThreads; ++t) users.push_back(make_user("pairs" + std::to_string(t) + "@example.com"));
  std::atomic<int> failures{0};
  std::atomic<int> ghost_accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto n = std::to_string(i);
        auto ids = store_->append_turns({turn(users[t].id, "user", "q" + n, i),
                                         turn(users[t].id, "assistant", "a" + n, i)});
        if (!ids || ids->size() != 2 || (*ids)[0] >= (*ids)[1]) ++failures;
        // A writer for a user that does not exist fails alone.
        if (i % 7 == 0 && store_->append_turns({turn(777777, "user", "ghost", i)})) ++ghost_accepted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ghost_accepted.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    auto all = store_->history(users[t].id, 1000, 0);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), static_cast<std::size_t>(2 * kPerThread));
    // Newest first: a{i}, q{i}, a{i-1}, q{i-1}, ...
    for (int i = 0; i < kPerThread; ++i) {
      const auto& a = (*all)[2 * (kPerThread - 1 - i)];
      const auto& q = (*all)[2 * (kPerThread - 1 - i) + 1];
      EXPECT_EQ(a.text, "a" + std::to_string(i));
      EXPECT_EQ(q.text, "q" + std::to_string(i));
    }
  }
}

// --- contacts ----------------------------------------------------------------------------

TEST_P(StoreTest, PutContactsReplacesTheWholeList) {
  auto u = make_user("c@example.com");
  auto other = make_user("c2@example.com");
  std::vector<Contact> first = {
      {"Mom", {"+15550001", "+15550002"}, {"Mother", "Mama"}},
      {"Dr. Émile Zola", {}, {}},
      {"Bob", {"555-0100"}, {}},
  };
  ASSERT_TRUE(store_->put_contacts(u.id, first));
  ASSERT_TRUE(store_->put_contacts(other.id, {{"Stranger", {"1"}, {}}}));
  auto got = store_->contacts(u.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].name, "Mom");
  EXPECT_EQ((*got)[0].phones, (std::vector<std::string>{"+15550001", "+15550002"}));
  EXPECT_EQ((*got)[0].aliases, (std::vector<std::string>{"Mother", "Mama"}));
  EXPECT_EQ((*got)[1].name, "Dr. Émile Zola");
  EXPECT_TRUE((*got)[1].phones.empty());
  EXPECT_EQ((*got)[2].name, "Bob");

  ASSERT_TRUE(store_->put_contacts(u.id, {{"Carol", {"42"}, {"C"}}}));
  got = store_->contacts(u.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].name, "Carol");
  EXPECT_EQ((*got)[0].aliases, (std::vector<std::string>{"C"}));

  ASSERT_TRUE(store_->put_contacts(u.id, {}));
  got = store_->contacts(u.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->empty());

  auto theirs = store_->contacts(other.id);
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ((*theirs)[0].name, "Stranger");
}

// --- lists -------------------------------------------------------------------------------

TEST_P(StoreTest, ListItemsAreUniqueCaseInsensitivelyAndKeepOrder) {
  auto u = make_user("l@example.com");
  auto added = store_->list_add(u.id, "shopping", "Oat milk");
  ASSERT_TRUE(added);
  EXPECT_TRUE(*added);
  ASSERT_TRUE(store_->list_add(u.id, "shopping", "eggs"));
  ASSERT_TRUE(store_->list_add(u.id, "shopping", "crème fraîche"));
  auto dup = store_->list_add(u.id, "shopping", "OAT MILK");
  ASSERT_TRUE(dup);
  EXPECT_FALSE(*dup);
  ASSERT_TRUE(store_->list_add(u.id, "todo", "eggs"));  // another list, another item

  auto items = store_->list_items(u.id, "shopping");
  ASSERT_TRUE(items);
  EXPECT_EQ(*items, (std::vector<std::string>{"Oat milk", "eggs", "crème fraîche"}));
  auto todo = store_->list_items(u.id, "todo");
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, (std::vector<std::string>{"eggs"}));

  auto removed = store_->list_remove(u.id, "shopping", "Eggs");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  auto absent = store_->list_remove(u.id, "shopping", "bread");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
  items = store_->list_items(u.id, "shopping");
  ASSERT_TRUE(items);
  EXPECT_EQ(*items, (std::vector<std::string>{"Oat milk", "crème fraîche"}));

  // Re-adding a removed item puts it at the end.
  ASSERT_TRUE(store_->list_add(u.id, "shopping", "eggs"));
  items = store_->list_items(u.id, "shopping");
  ASSERT_TRUE(items);
  EXPECT_EQ(items->back(), "eggs");

  ASSERT_TRUE(store_->list_clear(u.id, "shopping"));
  items = store_->list_items(u.id, "shopping");
  ASSERT_TRUE(items);
  EXPECT_TRUE(items->empty());
  todo = store_->list_items(u.id, "todo");
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->size(), 1u);
}

TEST_P(StoreTest, ListsBelongToOneUser) {
  auto a = make_user("la@example.com");
  auto b = make_user("lb@example.com");
  ASSERT_TRUE(store_->list_add(a.id, "shopping", "apples"));
  auto b_add = store_->list_add(b.id, "shopping", "apples");
  ASSERT_TRUE(b_add);
  EXPECT_TRUE(*b_add);
  ASSERT_TRUE(store_->list_clear(b.id, "shopping"));
  auto a_items = store_->list_items(a.id, "shopping");
  ASSERT_TRUE(a_items);
  EXPECT_EQ(*a_items, (std::vector<std::string>{"apples"}));
}

// --- reminders ---------------------------------------------------------------------------

TEST_P(StoreTest, RemindersComeOrderedByDatetime) {
  auto u = make_user("rem@example.com");
  auto other = make_user("rem2@example.com");
  auto late = store_->add_reminder(u.id, {0, "water the plants", "2027-03-02T18:00", 10});
  auto early = store_->add_reminder(u.id, {0, "call the plumber", "2027-03-01T09:30", 11});
  auto middle = store_->add_reminder(u.id, {0, "buy stamps", "2027-03-02T08:15", 12});
  ASSERT_TRUE(late && early && middle);
  EXPECT_NE(*late, *early);
  ASSERT_TRUE(store_->add_reminder(other.id, {0, "someone else's", "2027-01-01T00:00", 1}));

  auto got = store_->reminders(u.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].text, "call the plumber");
  EXPECT_EQ((*got)[0].id, *early);
  EXPECT_EQ((*got)[0].datetime, "2027-03-01T09:30");
  EXPECT_EQ((*got)[0].created_at, 11);
  EXPECT_EQ((*got)[1].text, "buy stamps");
  EXPECT_EQ((*got)[2].text, "water the plants");
  EXPECT_EQ((*got)[2].id, *late);
}

// A follow-up ("make it 6 pm") changes the reminder it names, and only the owner's.
TEST_P(StoreTest, UpdateReminderChangesOnlyTheOwnersReminder) {
  auto u = make_user("move@example.com");
  auto other = make_user("move2@example.com");
  auto mine = store_->add_reminder(u.id, {0, "call the bank", "2027-03-01T17:00", 5});
  auto theirs = store_->add_reminder(other.id, {0, "feed the fish", "2027-03-01T08:00", 6});
  ASSERT_TRUE(mine && theirs);

  auto moved = store_->update_reminder(u.id, {*mine, "call the bank", "2027-03-01T18:00", 99});
  ASSERT_TRUE(moved);
  EXPECT_TRUE(*moved);
  auto got = store_->reminders(u.id).value();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, *mine);
  EXPECT_EQ(got[0].datetime, "2027-03-01T18:00");
  EXPECT_EQ(got[0].created_at, 5);

  // Another user's id, or one that does not exist: nothing changes.
  auto foreign = store_->update_reminder(u.id, {*theirs, "mine now", "2027-03-02T09:00", 1});
  ASSERT_TRUE(foreign);
  EXPECT_FALSE(*foreign);
  auto none = store_->update_reminder(u.id, {*theirs + *mine + 1000, "nothing", "2027-03-02T09:00", 1});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto kept = store_->reminders(other.id).value();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].text, "feed the fish");
  EXPECT_EQ(kept[0].datetime, "2027-03-01T08:00");
  EXPECT_EQ(store_->reminders(u.id).value().size(), 1u);
}

// --- deletion and persistence ------------------------------------------------------------

TEST_P(StoreTest, DeleteUserErasesEverythingOfTheirs) {
  auto u = make_user("gone@example.com");
  auto keep = make_user("kept@example.com");
  for (const auto& who : {u, keep}) {
    ASSERT_TRUE(store_->create_session(session_for(who.id, "sess-" + who.email, "h")));
    ASSERT_TRUE(store_->append_turn(turn(who.id, "user", "hello", 1)));
    ASSERT_TRUE(store_->put_contacts(who.id, {{"Mom", {"1"}, {}}}));
    ASSERT_TRUE(store_->list_add(who.id, "todo", "taxes"));
    ASSERT_TRUE(store_->add_reminder(who.id, {0, "dentist", "2027-05-05T10:00", 1}));
  }

  ASSERT_TRUE(store_->delete_user(u.id));

  auto user = store_->find_user(u.id);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, Errc::not_found);
  auto session = store_->find_session("sess-gone@example.com");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, Errc::not_found);
  auto history = store_->history(u.id, 10, 0);
  ASSERT_TRUE(history);
  EXPECT_TRUE(history->empty());
  auto contacts = store_->contacts(u.id);
  ASSERT_TRUE(contacts);
  EXPECT_TRUE(contacts->empty());
  auto items = store_->list_items(u.id, "todo");
  ASSERT_TRUE(items);
  EXPECT_TRUE(items->empty());
  auto reminders = store_->reminders(u.id);
  ASSERT_TRUE(reminders);
  EXPECT_TRUE(reminders->empty());

  // The other user is untouched.
  EXPECT_TRUE(store_->find_session("sess-kept@example.com"));
  EXPECT_EQ(store_->history(keep.id, 10, 0)->size(), 1u);
  EXPECT_EQ(store_->contacts(keep.id)->size(), 1u);
  EXPECT_EQ(store_->list_items(keep.id, "todo")->size(), 1u);
  EXPECT_EQ(store_->reminders(keep.id)->size(), 1u);

  // The email is free again, and the new account is a new id with nothing of the old one.
  auto again = store_->create_user("gone@example.com", "Again", "h", 2);
  ASSERT_TRUE(again);
  EXPECT_NE(again->id, u.id);
  EXPECT_TRUE(store_->history(again->id, 10, 0)->empty());
}

TEST_P(StoreTest, DataSurvivesReopening) {
  auto u = make_user("keep@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-keep", "hash-k")));
  auto turn_id = store_->append_turn(turn(u.id, "assistant", "Timer set.", 50, R"({"name":"timer"})"));
  ASSERT_TRUE(turn_id);
  ASSERT_TRUE(store_->put_contacts(u.id, {{"Mom", {"+1555"}, {"Mother"}}}));
  ASSERT_TRUE(store_->list_add(u.id, "shopping", "bread"));
  ASSERT_TRUE(store_->add_reminder(u.id, {0, "stretch", "2027-01-02T07:00", 3}));

  reopen();
  ASSERT_NE(store_, nullptr);

  auto user = store_->find_user_by_email("keep@example.com");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, u.id);
  EXPECT_EQ(user->password_hash, u.password_hash);
  auto session = store_->find_session("sess-keep");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->refresh_hash, "hash-k");
  auto history = store_->history(u.id, 10, 0);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].id, *turn_id);
  EXPECT_EQ((*history)[0].action_json, R"({"name":"timer"})");
  auto contacts = store_->contacts(u.id);
  ASSERT_TRUE(contacts);
  ASSERT_EQ(contacts->size(), 1u);
  EXPECT_EQ((*contacts)[0].aliases, (std::vector<std::string>{"Mother"}));
  EXPECT_EQ(*store_->list_items(u.id, "shopping"), (std::vector<std::string>{"bread"}));
  auto reminders = store_->reminders(u.id);
  ASSERT_TRUE(reminders);
  ASSERT_EQ(reminders->size(), 1u);
  EXPECT_EQ((*reminders)[0].text, "stretch");

  // Ids keep increasing after a restart (history paging relies on it).
  auto next = store_->append_turn(turn(u.id, "user", "again", 60));
  ASSERT_TRUE(next);
  EXPECT_GT(*next, *turn_id);
  // Uniqueness rules survive too.
  auto dup = store_->create_user("KEEP@example.com", "x", "y", 1);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::email_taken);
}

// --- Hardening (issue 11): refresh retries within a grace window, expired sessions swept ---

TEST_P(StoreTest, RotationRemembersThePreviousHashAndWhen) {
  auto u = make_user("prev@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-prev", "h0")));
  auto s = store_->find_session("sess-prev");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->previous_refresh_hash, "");
  EXPECT_EQ(s->rotated_at, 0);
  ASSERT_TRUE(store_->rotate_refresh("sess-prev", "h0", "h1", 5000, 1234));
  s = store_->find_session("sess-prev");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->refresh_hash, "h1");
  EXPECT_EQ(s->previous_refresh_hash, "h0");
  EXPECT_EQ(s->rotated_at, 1234);
  // A failed swap changes neither.
  ASSERT_FALSE(store_->rotate_refresh("sess-prev", "h0", "h9", 6000, 2000));
  s = store_->find_session("sess-prev");
  EXPECT_EQ(s->previous_refresh_hash, "h0");
  EXPECT_EQ(s->rotated_at, 1234);
}

TEST_P(StoreTest, DeleteExpiredSessionsRemovesExpiredAndRevokedOnly) {
  auto u = make_user("sweep@example.com");
  constexpr std::int64_t kFar = 4'000'000'000;  // after any revocation made by this test
  auto with_expiry = [&](std::string id, std::int64_t expires) {
    auto s = session_for(u.id, std::move(id), "h");
    s.expires_at = expires;
    return s;
  };
  ASSERT_TRUE(store_->create_session(with_expiry("expired", kFar - 1)));
  ASSERT_TRUE(store_->create_session(with_expiry("live", kFar + 100)));
  ASSERT_TRUE(store_->create_session(with_expiry("revoked", kFar + 100)));
  ASSERT_TRUE(store_->revoke_session("revoked"));

  auto none = store_->delete_expired_sessions(100);  // long before anything expired
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto removed = store_->delete_expired_sessions(kFar);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(store_->find_session("expired").error().code, Errc::not_found);
  EXPECT_EQ(store_->find_session("revoked").error().code, Errc::not_found);
  EXPECT_TRUE(store_->find_session("live"));
  auto again = store_->delete_expired_sessions(kFar);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

// --- Dialog state (the nlu/dialog helper): the conversation's memory of a login session ---

TEST_P(StoreTest, DialogStateIsKeptPerLoginSessionAndSurvivesAReopen) {
  User u = make_user("talker@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-a", "ha")));
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-b", "hb")));
  EXPECT_EQ(*store_->load_dialog_state("sess-a"), "");  // none yet
  ASSERT_TRUE(store_->save_dialog_state("sess-a", u.id, R"({"last":"list_add"})", 100));
  ASSERT_TRUE(store_->save_dialog_state("sess-a", u.id, R"({"last":"weather"})", 101));  // replaces
  ASSERT_TRUE(store_->save_dialog_state("sess-b", u.id, R"({"last":"call"})", 102));
  reopen();
  EXPECT_EQ(*store_->load_dialog_state("sess-a"), R"({"last":"weather"})");
  EXPECT_EQ(*store_->load_dialog_state("sess-b"), R"({"last":"call"})");
  // An empty state forgets.
  ASSERT_TRUE(store_->save_dialog_state("sess-b", u.id, "", 103));
  EXPECT_EQ(*store_->load_dialog_state("sess-b"), "");
}

TEST_P(StoreTest, DialogStateNeverLandsUnderAnotherUsersSession) {
  User a = make_user("a-dialog@example.com");
  User b = make_user("b-dialog@example.com");
  ASSERT_TRUE(store_->create_session(session_for(a.id, "sess-of-a", "h")));
  ASSERT_TRUE(store_->save_dialog_state("sess-of-a", a.id, "mine", 100));
  auto stolen = store_->save_dialog_state("sess-of-a", b.id, "yours", 101);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, Errc::not_found);
  EXPECT_EQ(*store_->load_dialog_state("sess-of-a"), "mine");
  auto nowhere = store_->save_dialog_state("no-such-session", a.id, "x", 100);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().code, Errc::not_found);
}

TEST_P(StoreTest, DialogStateIsErasedWithTheSessionAndTheUser) {
  User u = make_user("erase-dialog@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-r", "h1")));
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-d", "h2")));
  ASSERT_TRUE(store_->save_dialog_state("sess-r", u.id, "state r", 100));
  ASSERT_TRUE(store_->save_dialog_state("sess-d", u.id, "state d", 100));
  ASSERT_TRUE(store_->revoke_session("sess-r"));  // logout
  EXPECT_EQ(*store_->load_dialog_state("sess-r"), "");
  EXPECT_FALSE(store_->save_dialog_state("sess-r", u.id, "again", 101));  // an ended login keeps none
  ASSERT_TRUE(store_->delete_user(u.id));
  EXPECT_EQ(*store_->load_dialog_state("sess-d"), "");
}

// queue_turns_and_state: the state is kept with the turns' commit, as save_dialog_state
// keeps it, and is there once the ticket is done.
TEST_P(StoreTest, QueuedStateIsKeptWithItsTurns) {
  User u = make_user("queued-state@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-q", "h")));
  auto ticket = store_->queue_turns_and_state({turn(u.id, "user", "add tea", 1), turn(u.id, "assistant", "Added.", 1)},
                                              DialogStateWrite{"sess-q", u.id, R"({"last":"list_add"})", 100});
  auto ids = ticket->wait();
  ASSERT_TRUE(ids) << ids.error().detail;
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_EQ(*store_->load_dialog_state("sess-q"), R"({"last":"list_add"})");
  auto all = store_->history(u.id, 10, 0);
  ASSERT_TRUE(all);
  EXPECT_EQ(texts(*all), (std::vector<std::string>{"Added.", "add tea"}));
  // An empty state forgets, as with save_dialog_state; the turns are stored all the same.
  ASSERT_TRUE(store_->queue_turns_and_state({turn(u.id, "user", "never mind", 2)},
                                            DialogStateWrite{"sess-q", u.id, "", 101})->wait());
  EXPECT_EQ(*store_->load_dialog_state("sess-q"), "");
  reopen();
  EXPECT_EQ(*store_->load_dialog_state("sess-q"), "");
  EXPECT_EQ(store_->history(u.id, 10, 0)->size(), 3u);
}

// A state for a login that ended (revoked, or deleted) or belongs to someone else is not
// written, and does not fail the turns; a state whose turns fail is not written either.
TEST_P(StoreTest, QueuedStateOfAnEndedOrForeignSessionIsNotWritten) {
  User u = make_user("ended-state@example.com");
  User other = make_user("other-state@example.com");
  auto lasting = [](LoginSession s) {
    s.expires_at = 9'000'000'000;
    return s;
  };
  ASSERT_TRUE(store_->create_session(lasting(session_for(u.id, "sess-revoked", "h1"))));
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-deleted", "h2")));
  ASSERT_TRUE(store_->create_session(lasting(session_for(other.id, "sess-other", "h3"))));
  ASSERT_TRUE(store_->create_session(lasting(session_for(u.id, "sess-live", "h4"))));
  ASSERT_TRUE(store_->save_dialog_state("sess-other", other.id, "theirs", 100));
  ASSERT_TRUE(store_->save_dialog_state("sess-deleted", u.id, "old", 100));
  auto removed = store_->delete_expired_sessions(1000);  // sess-deleted expired at 900
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  ASSERT_FALSE(store_->find_session("sess-deleted"));
  ASSERT_TRUE(store_->revoke_session("sess-revoked"));

  // Queued together, so a group-committing store may write them in one group.
  auto revoked = store_->queue_turns_and_state({turn(u.id, "user", "r", 1)}, DialogStateWrite{"sess-revoked", u.id, "r", 101});
  auto deleted = store_->queue_turns_and_state({turn(u.id, "user", "d", 1)}, DialogStateWrite{"sess-deleted", u.id, "d", 101});
  auto foreign = store_->queue_turns_and_state({turn(u.id, "user", "f", 1)}, DialogStateWrite{"sess-other", u.id, "f", 101});
  auto ghost = store_->queue_turns_and_state({turn(777777, "user", "g", 1)}, DialogStateWrite{"sess-live", 777777, "g", 101});
  auto failed = store_->queue_turns_and_state({turn(777777, "user", "x", 1)}, DialogStateWrite{"sess-live", u.id, "x", 101});
  auto kept = store_->queue_turns_and_state({turn(u.id, "user", "k", 1)}, DialogStateWrite{"sess-live", u.id, "k", 101});
  for (auto* t : {&revoked, &deleted, &foreign, &kept}) {
    auto ids = (*t)->wait();
    EXPECT_TRUE(ids) << ids.error().detail;
  }
  for (auto* t : {&ghost, &failed}) {
    auto ids = (*t)->wait();
    ASSERT_FALSE(ids);
    EXPECT_EQ(ids.error().code, Errc::not_found);
  }
  EXPECT_EQ(*store_->load_dialog_state("sess-revoked"), "");
  EXPECT_EQ(*store_->load_dialog_state("sess-deleted"), "");
  EXPECT_EQ(*store_->load_dialog_state("sess-other"), "theirs");
  EXPECT_EQ(*store_->load_dialog_state("sess-live"), "k");
  EXPECT_EQ(store_->history(u.id, 10, 0)->size(), 4u);

  // Alone, a failed caller's state is not written either.
  auto alone = store_->queue_turns_and_state({turn(777777, "user", "y", 2)}, DialogStateWrite{"sess-live", u.id, "y", 102});
  EXPECT_FALSE(alone->wait());
  EXPECT_EQ(*store_->load_dialog_state("sess-live"), "k");
}

// Of the states queued for one session before any was committed (one group, or several),
// the last queued is the one kept; each session keeps its own.
TEST_P(StoreTest, LastQueuedStateOfASessionWins) {
  User u = make_user("last-state@example.com");
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-1", "h1")));
  ASSERT_TRUE(store_->create_session(session_for(u.id, "sess-2", "h2")));
  std::vector<std::shared_ptr<TurnCommit>> tickets;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    tickets.push_back(store_->queue_turns_and_state({turn(u.id, "user", "one " + n, i)},
                                                    DialogStateWrite{"sess-1", u.id, "one " + n, 100 + i}));
    tickets.push_back(store_->queue_turns_and_state({turn(u.id, "user", "two " + n, i)},
                                                    DialogStateWrite{"sess-2", u.id, "two " + n, 100 + i}));
  }
  for (auto& t : tickets) {
    auto ids = t->wait();
    ASSERT_TRUE(ids) << ids.error().detail;
  }
  EXPECT_EQ(*store_->load_dialog_state("sess-1"), "one 39");
  EXPECT_EQ(*store_->load_dialog_state("sess-2"), "two 39");
  EXPECT_EQ(store_->history(u.id, 100, 0)->size(), 80u);
}

}  // namespace
}  // namespace hark::store::testing

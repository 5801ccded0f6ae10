// Runs the common Store suite on a real PostgreSQL server (the throw-away cluster of the
// ctest fixture `postgres`), plus what only the PostgreSQL store has: migrations shared by
// instances that start together, revocations heard from another instance, reconnecting
// after the server dropped the connections.
#include "store_suite.h"

#include "store/pg_schema.h"
#include "support/pg_database.h"

#include <pqxx/pqxx>

#include <chrono>
#include <thread>
#include <vector>

namespace hark::store::testing {
namespace {

using hark::testing::PgSchema;
using namespace std::chrono_literals;

class PostgresBackend final : public Backend {
 public:
  std::unique_ptr<Store> open() override { return open_postgres(schema_.url()); }

 private:
  PgSchema schema_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest,
                         ::testing::Values(StoreParam{
                             "postgres", [] { return std::make_unique<PostgresBackend>(); }}),
                         store_param_name);

std::string scalar(const PgSchema& schema, const std::string& sql) {
  auto c = schema.connect();
  pqxx::nontransaction tx(c);
  auto r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
}

// Waits up to `limit` for `done`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(PostgresStoreTest, InstancesStartingTogetherMigrateOnce) {
  PgSchema schema;
  constexpr int kInstances = 4;
  std::vector<std::unique_ptr<Store>> stores(kInstances);
  std::vector<std::string> errors(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      try {
        stores[i] = open_postgres(schema.url());
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kInstances; ++i) {
    EXPECT_EQ(errors[i], "") << "instance " << i;
    ASSERT_NE(stores[i], nullptr);
  }
  // Every migration is recorded once, and what one instance writes the others read.
  EXPECT_EQ(scalar(schema, "SELECT count(*) FROM schema_version"),
            scalar(schema, "SELECT count(DISTINCT version) FROM schema_version"));
  EXPECT_EQ(scalar(schema, "SELECT max(version) FROM schema_version"),
            std::to_string(pg::latest_schema_version()));
  auto u = stores[0]->create_user("together@example.com", "T", "h", 1);
  ASSERT_TRUE(u) << u.error().detail;
  for (auto& s : stores) {
    auto found = s->find_user_by_email("together@example.com");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, u->id);
  }
}

TEST(PostgresStoreTest, NewerSchemaIsRefused) {
  PgSchema schema;
  open_postgres(schema.url()).reset();
  scalar(schema, "INSERT INTO schema_version (version) VALUES (99)");
  try {
    open_postgres(schema.url());
    FAIL() << "a database from a newer program must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this program"), std::string::npos) << e.what();
  }
}

TEST(PostgresStoreTest, UnreachableServerIsAClearStartUpError) {
  try {
    open_postgres("postgresql://hark@127.0.0.1:1/hark?connect_timeout=2");
    FAIL() << "no server listens on port 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos) << e.what();
  }
}

// Two stores on one database stand for two Hark instances.
TEST(PostgresStoreTest, RevocationOnOneInstanceReachesTheOther) {
  PgSchema schema;
  auto a = open_postgres(schema.url());
  auto b = open_postgres(schema.url());
  auto u = a->create_user("rev@example.com", "R", "h", 1);
  ASSERT_TRUE(u);
  LoginSession s{"sess-rev", u->id, "h1", 1, 9'000'000'000, false};
  ASSERT_TRUE(a->create_session(s));
  // Give b's listener a moment to be connected (it starts in the background).
  ASSERT_TRUE(eventually([&] {
    scalar(schema, "SELECT pg_notify('hark_revocations', current_schema() || ':warm-up')");
    return b->revocation_epoch() > 0;
  }));

  auto before = b->revocation_epoch();
  ASSERT_TRUE(a->revoke_session("sess-rev"));
  EXPECT_TRUE(eventually([&] { return b->revocation_epoch() != before; }, 1000ms));
  auto seen = b->find_session("sess-rev");
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->revoked);

  before = b->revocation_epoch();
  ASSERT_TRUE(a->delete_user(u->id));
  EXPECT_TRUE(eventually([&] { return b->revocation_epoch() != before; }, 1000ms));

  // A revocation that changes nothing notifies nobody.
  before = b->revocation_epoch();
  EXPECT_FALSE(a->revoke_session("no-such-session"));
  // Nor does one from a deployment in another schema of the same database (parallel tests
  // here do exactly that).
  scalar(schema, "SELECT pg_notify('hark_revocations', 'some_other_schema:sess-rev')");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(b->revocation_epoch(), before);
}

TEST(PostgresStoreTest, ContactsWrittenByOneInstanceAreReadAtOnceByAnother) {
  PgSchema schema;
  auto a = open_postgres(schema.url());
  auto b = open_postgres(schema.url());
  auto u = a->create_user("cc@example.com", "C", "h", 1);
  ASSERT_TRUE(u);
  ASSERT_TRUE(b->contacts(u->id));  // read once, as an utterance would
  ASSERT_TRUE(a->put_contacts(u->id, {{"Zoë", {"+44 1"}, {"Z"}}}));
  auto got = b->contacts(u->id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].name, "Zoë");
  ASSERT_TRUE(a->list_add(u->id, "Shopping", "Tea"));
  EXPECT_EQ(*b->list_items(u->id, "shopping"), (std::vector<std::string>{"Tea"}));
}

// The server restarting (or a proxy cutting connections) costs at most the requests in
// flight: the store opens its connections again and goes on.
TEST(PostgresStoreTest, ConnectionsDroppedByTheServerAreOpenedAgain) {
  PgSchema schema;
  auto store = open_postgres(schema.url(), PostgresOptions{2, 2000ms});
  auto u = store->create_user("drop@example.com", "D", "h", 1);
  ASSERT_TRUE(u);
  ASSERT_TRUE(store->append_turn(Turn{0, u->id, "user", "before", "", 1}));
  auto killed = scalar(schema, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE application_name = '" + schema.name() + "' AND pid <> pg_backend_pid()");
  EXPECT_GE(std::stoi(killed), 3);  // pool, turn writer, listener

  // Each failure is a clear, retryable answer, and a few tries later everything works.
  int failures = 0;
  bool history_ok = false, turn_ok = false;
  for (int i = 0; i < 10 && !(history_ok && turn_ok); ++i) {
    auto h = store->history(u->id, 10, 0);
    if (h) history_ok = true; else { ++failures; EXPECT_EQ(h.error().code, Errc::unavailable) << h.error().detail; }
    auto t = store->append_turn(Turn{0, u->id, "user", "after " + std::to_string(i), "", 2});
    if (t) turn_ok = true; else { ++failures; EXPECT_EQ(t.error().code, Errc::unavailable) << t.error().detail; }
  }
  EXPECT_TRUE(history_ok);
  EXPECT_TRUE(turn_ok);
  EXPECT_LE(failures, 4);
  auto h = store->history(u->id, 50, 0);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->back().text, "before");
  // The listener came back too: a revocation from elsewhere is heard again.
  EXPECT_TRUE(eventually([&] {
    auto e = store->revocation_epoch();
    scalar(schema, "SELECT pg_notify('hark_revocations', current_schema() || ':x')");
    std::this_thread::sleep_for(50ms);
    return store->revocation_epoch() != e;
  }));
}

}  // namespace
}  // namespace hark::store::testing

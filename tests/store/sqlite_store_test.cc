// Runs the common Store suite on SQLite files, plus what only SQLite has: the file format,
// its pragmas, migrations, and how it reports a broken database.
#include "store_suite.h"
#include "store/sqlite_schema.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "support/temp_dir.h"

namespace hark::store::testing {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed (with the -wal/-shm files) at the end.
// A temp dir named for this suite.
class TempDir : public hark::testing::TempDir {
 public:
  TempDir() : hark::testing::TempDir("hark-store-test") {}
};

class SqliteBackend final : public Backend {
 public:
  std::unique_ptr<Store> open() override { return open_sqlite(file()); }
  fs::path file() const { return dir_.path() / "hark.db"; }

 private:
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest,
                         ::testing::Values(StoreParam{
                             "sqlite", [] { return std::make_unique<SqliteBackend>(); }}),
                         store_param_name);

// Raw access to the file, to look at what the store left there or to break it on purpose.
class RawDb {
 public:
  explicit RawDb(const fs::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open");
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  std::string scalar(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    return out;
  }
  bool exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

 private:
  sqlite3* db_ = nullptr;
};

TEST(SqliteStoreTest, FileIsInWalModeWithTheSchemaVersionRecorded) {
  SqliteBackend backend;
  auto store = backend.open();
  RawDb raw(backend.file());
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");
  const std::string latest = std::to_string(store::sqlite::latest_schema_version());
  EXPECT_EQ(raw.scalar("SELECT MAX(version) FROM schema_version"), latest);
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM schema_version"), latest);
  // Opening again applies nothing twice.
  store.reset();
  store = backend.open();
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM schema_version"), latest);
}

// Issue 11: SQLite reads a zero-length file as a new database, so a truncated hark.db
// started silently empty.
TEST(SqliteStoreTest, AZeroLengthFileIsRefusedWithAClearError) {
  SqliteBackend backend;
  { std::ofstream(backend.file()).flush(); }
  ASSERT_EQ(std::filesystem::file_size(backend.file()), 0u);
  try {
    backend.open();
    FAIL() << "an empty database file was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::filesystem::file_size(backend.file()), 0u) << "the file was changed";
}

// Issue 11: /readyz answered ready while every write failed, because ping() only read.
TEST(SqliteStoreTest, PingFailsWhileWritesFail) {
  SqliteBackend backend;
  auto store = store::open_sqlite(backend.file(), store::SqliteOptions{.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store->ping());
  RawDb raw(backend.file());
  ASSERT_TRUE(raw.exec("BEGIN EXCLUSIVE"));  // another process holds the write lock
  auto r = store->ping();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  ASSERT_TRUE(raw.exec("ROLLBACK"));
  EXPECT_TRUE(store->ping());
}

TEST(SqliteStoreTest, EmailIsStoredLowerCase) {
  SqliteBackend backend;
  auto store = backend.open();
  ASSERT_TRUE(store->create_user("MiXeD@Example.Com", "M", "h", 1));
  RawDb raw(backend.file());
  EXPECT_EQ(raw.scalar("SELECT email FROM users"), "mixed@example.com");
}

TEST(SqliteStoreTest, OpeningAnImpossiblePathThrows) {
  TempDir dir;
  EXPECT_THROW(open_sqlite(dir.path() / "no" / "such" / "dir" / "hark.db"), std::runtime_error);
}

TEST(SqliteStoreTest, OpeningAFileThatIsNotADatabaseThrows) {
  TempDir dir;
  const auto path = dir.path() / "garbage.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 256; ++i) out << "this is not an SQLite database at all. ";
  }
  EXPECT_THROW(open_sqlite(path), std::runtime_error);
}

TEST(SqliteStoreTest, ADatabaseFromANewerProgramIsRefused) {
  SqliteBackend backend;
  backend.open().reset();
  {
    RawDb raw(backend.file());
    ASSERT_TRUE(raw.exec("INSERT INTO schema_version (version) VALUES (99)"));
  }
  try {
    backend.open();
    FAIL() << "expected the open to fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(SqliteStoreTest, SqliteFailuresBecomeInternalErrors) {
  SqliteBackend backend;
  auto store = backend.open();
  auto u = store->create_user("x@example.com", "X", "h", 1);
  ASSERT_TRUE(u);
  ASSERT_TRUE(store->list_add(u->id, "todo", "warm up the cache"));
  ASSERT_TRUE(store->list_items(u->id, "todo"));
  {
    RawDb raw(backend.file());
    ASSERT_TRUE(raw.exec("DROP TABLE list_items"));
  }
  auto read = store->list_items(u->id, "todo");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::internal);
  EXPECT_NE(read.error().detail.find("list_items"), std::string::npos) << read.error().detail;
  auto write = store->list_add(u->id, "todo", "again");
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code, Errc::internal);
  // The rest of the store still works.
  EXPECT_TRUE(store->find_user(u->id));
  EXPECT_TRUE(store->ping());
}

TEST(SqliteStoreTest, AWriteLockHeldElsewhereMakesWritesUnavailableNotStuck) {
  SqliteBackend backend;
  SqliteOptions options;
  options.busy_timeout = std::chrono::milliseconds(20);
  auto store = open_sqlite(backend.file(), options);
  auto u = store->create_user("lock@example.com", "L", "h", 1);
  ASSERT_TRUE(u);

  RawDb other_process(backend.file());
  ASSERT_TRUE(other_process.exec("BEGIN IMMEDIATE"));
  auto blocked = store->append_turn({0, u->id, "user", "hello", "", 2});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::unavailable) << blocked.error().detail;
  // Reads go on in WAL mode while someone else writes.
  EXPECT_TRUE(store->find_user(u->id));

  ASSERT_TRUE(other_process.exec("ROLLBACK"));
  EXPECT_TRUE(store->append_turn({0, u->id, "user", "hello", "", 2}));
}

TEST(SqliteStoreTest, RevocationEpochMovesOnRevokeAndDeleteOnly) {
  SqliteBackend backend;
  auto store = open_sqlite(backend.file());
  auto u = store->create_user("epoch@example.com", "E", "h", 1);
  ASSERT_TRUE(u);
  LoginSession s{"sess-epoch", u->id, "hash", 1, 100, false};
  ASSERT_TRUE(store->create_session(s));
  auto before = store->revocation_epoch();
  ASSERT_TRUE(store->append_turn({0, u->id, "user", "hello", "", 2}));
  ASSERT_TRUE(store->rotate_refresh("sess-epoch", "hash", "hash2", 200, 50));
  EXPECT_EQ(store->revocation_epoch(), before);
  ASSERT_TRUE(store->revoke_session("sess-epoch"));
  auto after_revoke = store->revocation_epoch();
  EXPECT_NE(after_revoke, before);
  ASSERT_TRUE(store->delete_user(u->id));
  EXPECT_NE(store->revocation_epoch(), after_revoke);
}

// Turn ids are never given twice, even after the turns holding the highest ids are gone
// (cleared, or erased with their user) and the file is opened again.
TEST(SqliteStoreTest, TurnIdsAreNeverReusedAfterDeletion) {
  SqliteBackend backend;
  auto store = open_sqlite(backend.file());
  auto a = store->create_user("ids-a@example.com", "A", "h", 1);
  auto b = store->create_user("ids-b@example.com", "B", "h", 1);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(store->append_turns({{0, a->id, "user", "one", "", 2}}));
  auto b_ids = store->append_turns({{0, b->id, "user", "two", "", 3}, {0, b->id, "assistant", "three", "", 3}});
  ASSERT_TRUE(b_ids);
  ASSERT_EQ(b_ids->size(), 2u);
  ASSERT_LT(b_ids->front(), b_ids->back());
  ASSERT_TRUE(store->clear_history(b->id));  // the highest ids are gone
  auto after_clear = store->append_turns({{0, a->id, "user", "four", "", 4}});
  ASSERT_TRUE(after_clear);
  EXPECT_GT(after_clear->front(), b_ids->back());

  auto c = store->create_user("ids-c@example.com", "C", "h", 1);
  ASSERT_TRUE(c);
  auto c_ids = store->append_turns({{0, c->id, "user", "five", "", 5}});
  ASSERT_TRUE(c_ids);
  ASSERT_TRUE(store->delete_user(c->id));  // its turns go by the cascade
  store.reset();
  store = open_sqlite(backend.file());
  auto reopened = store->append_turns({{0, a->id, "user", "six", "", 6}});
  ASSERT_TRUE(reopened);
  EXPECT_GT(reopened->front(), c_ids->front());
  auto history = store->history(a->id, 10, 0);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
}

// A file from before migration 5 (turns with AUTOINCREMENT) keeps its turns, and ids it
// handed out to turns deleted since are not given again.
TEST(SqliteStoreTest, MigrationFiveKeepsTurnsAndTheOldSequence) {
  SqliteBackend backend;
  std::int64_t user = 0;
  {
    auto store = open_sqlite(backend.file());
    auto u = store->create_user("old@example.com", "Old", "h", 1);
    ASSERT_TRUE(u);
    user = u->id;
    ASSERT_TRUE(store->append_turns({{0, user, "user", "kept", "{\"a\":1}", 2},
                                     {0, user, "assistant", "also kept", "", 2}}));
  }
  {
    // Back to the turns table of schema 4, with turns up to id 40 handed out and deleted.
    RawDb raw(backend.file());
    ASSERT_TRUE(raw.exec(
        "PRAGMA foreign_keys=OFF; BEGIN;"
        "DROP TRIGGER turns_deleted; DROP TABLE turns_floor;"
        "CREATE TABLE turns_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        " role TEXT NOT NULL, text TEXT NOT NULL, action_json TEXT NOT NULL DEFAULT '',"
        " created_at INTEGER NOT NULL);"
        "INSERT INTO turns_v4 SELECT * FROM turns; DROP TABLE turns;"
        "ALTER TABLE turns_v4 RENAME TO turns; CREATE INDEX turns_user ON turns(user_id, id);"
        "UPDATE sqlite_sequence SET seq = 40 WHERE name = 'turns';"
        "DROP TABLE login_failures; DELETE FROM schema_version WHERE version >= 5; COMMIT;"));
    ASSERT_EQ(raw.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'turns'"), "40");
  }
  auto store = open_sqlite(backend.file());
  auto history = store->history(user, 10, 0);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].text, "also kept");  // newest first
  EXPECT_EQ((*history)[1].text, "kept");
  EXPECT_EQ((*history)[1].action_json, "{\"a\":1}");
  auto next = store->append_turns({{0, user, "user", "new", "", 3}});
  ASSERT_TRUE(next);
  EXPECT_GT(next->front(), 40);
  RawDb raw(backend.file());
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'turns'"), "0");
}

// Contacts are cached per user; a put through the same store is seen at once.
TEST(SqliteStoreTest, CachedContactsFollowPutsAndDeletes) {
  SqliteBackend backend;
  auto store = open_sqlite(backend.file());
  auto u = store->create_user("cache@example.com", "C", "h", 1);
  ASSERT_TRUE(u);
  ASSERT_TRUE(store->put_contacts(u->id, {{"Ana", {"1"}, {}}}));
  ASSERT_EQ(store->contacts(u->id)->at(0).name, "Ana");
  ASSERT_EQ(store->contacts(u->id)->at(0).name, "Ana");  // served from the cache
  ASSERT_TRUE(store->put_contacts(u->id, {{"Bea", {"2"}, {}}, {"Cy", {"3"}, {}}}));
  auto got = store->contacts(u->id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].name, "Bea");
  ASSERT_TRUE(store->delete_user(u->id));
  got = store->contacts(u->id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->empty());
}

}  // namespace
}  // namespace hark::store::testing

// Runs the common Store suite on SQLite files, plus what only SQLite has: the file format,
// its pragmas, migrations, and how it reports a broken database.
#include "store_suite.h"

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
  EXPECT_EQ(raw.scalar("SELECT MAX(version) FROM schema_version"), "2");  // 2: dialog_states
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM schema_version"), "2");
  // Opening again applies nothing twice.
  store.reset();
  store = backend.open();
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM schema_version"), "2");
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
  ASSERT_TRUE(store->rotate_refresh("sess-epoch", "hash", "hash2", 200));
  EXPECT_EQ(store->revocation_epoch(), before);
  ASSERT_TRUE(store->revoke_session("sess-epoch"));
  auto after_revoke = store->revocation_epoch();
  EXPECT_NE(after_revoke, before);
  ASSERT_TRUE(store->delete_user(u->id));
  EXPECT_NE(store->revocation_epoch(), after_revoke);
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

// StoreHealth over a real SQLite file whose write lock another connection takes, as
// another process would.
#include "server/store_health.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "support/temp_dir.h"

namespace hark::server {
namespace {

using namespace std::chrono_literals;

TEST(StoreHealth, NotReadyWhileWritesFailAndReadyAgainAfter) {
  hark::testing::TempDir dir("hark-health-test");
  const auto file = dir.path() / "hark.db";
  auto store = store::open_sqlite(file, store::SqliteOptions{.busy_timeout = 50ms});
  StoreHealth health(*store, 0ms);
  ASSERT_TRUE(health.check());

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = health.check();
  ASSERT_FALSE(r);  // reads still work; writes do not
  EXPECT_EQ(r.error().code, Errc::unavailable);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE(health.check());
}

TEST(StoreHealth, ProbesAtMostOncePerInterval) {
  hark::testing::TempDir dir("hark-health-test");
  const auto file = dir.path() / "hark.db";
  auto store = store::open_sqlite(file, store::SqliteOptions{.busy_timeout = 50ms});
  StoreHealth health(*store, 1h);
  ASSERT_TRUE(health.check());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_TRUE(health.check());  // the cached outcome: no probe within the interval
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

}  // namespace
}  // namespace hark::server

// The SQLite schema as an ordered list of migrations. Internal to src/store.
#pragma once

#include "common/error.h"
#include "store/sqlite_connection.h"

namespace hark::store::sqlite {

// The version a fully migrated database reports in schema_version.
int latest_schema_version();

// Brings the database up to latest_schema_version(), each migration in its own
// transaction. Refuses a database newer than this program.
Result<void> migrate(Connection& conn);

}  // namespace hark::store::sqlite

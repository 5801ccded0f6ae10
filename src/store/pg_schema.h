// The PostgreSQL store's schema: versioned migrations applied on start. Internal to src/store.
#pragma once

#include "common/error.h"

#include <pqxx/pqxx>

namespace hark::store::pg {

// The version this program's schema has (the number of migrations it knows).
int latest_schema_version();

// Applies the migrations `conn`'s database lacks, each in its own transaction, holding a
// session advisory lock meanwhile: instances started at the same moment take turns, and the
// second finds the work done. Fails when the database is newer than this program.
Result<void> migrate(pqxx::connection& conn);

}  // namespace hark::store::pg

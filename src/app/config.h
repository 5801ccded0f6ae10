// The settings of `hark serve` (and of the other subcommands that open the data directory).
// Precedence, highest first: command-line flags, HARK_* environment variables, the YAML
// config file (--config / HARK_CONFIG), the defaults. Config holds the modules' own Options,
// whose member initialisers are the defaults; app/settings.h is the table that names each
// setting's key, variable, flag and range.
#pragma once

#include "asr/recognizer.h"
#include "auth/auth.h"
#include "common/error.h"
#include "server/server.h"
#include "store/store.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hark::app {

struct Config {
  server::Options server;       // listener, threads, limits, end-pointing
  auth::Options auth;           // token lifetimes, registration; secret from jwt_secret
  store::PostgresOptions postgres;  // with database_url
  asr::PoolOptions speech_pool;     // warm decoders (size) and their wait (max_wait)
  // Database and secret key.
  std::filesystem::path data_dir = "./data";
  // Extra skill directories, loaded after the built-in skills in this order.
  std::vector<std::filesystem::path> skills_dirs;
  std::optional<std::filesystem::path> config_file;
  std::string log_level = "info";
  // PostgreSQL instead of DATA_DIR/hark.db, for several instances sharing one database
  // ("postgresql://user@host:5432/hark"). Empty: SQLite.
  std::string database_url;
  // Speech recognition. Off: audio answers speech_unavailable (and start-up loads no
  // decoders).
  bool speech = true;
  // Where compiled language models are kept, by content hash (safe to share between
  // servers). Unset: DATA_DIR/asr.
  std::optional<std::filesystem::path> speech_cache_dir;
};

// Reads an environment variable; nullopt when unset. Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// Builds the configuration from `args` (the flags after the subcommand, e.g.
// {"--port", "0", "--data-dir", "d"}), the environment and the config file, through the
// table of app/settings.h. Flags not in the table, and `positional` arguments when
// `positional` is null, are errors. Errc::invalid_field with a sentence naming the flag,
// variable or key.
Result<Config> load_config(const std::vector<std::string>& args, const EnvLookup& env,
                           std::vector<std::string>* positional = nullptr);

}  // namespace hark::app

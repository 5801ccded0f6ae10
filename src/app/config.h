// The settings of `hark serve` (and of the other subcommands that open the data directory).
// Precedence, highest first: command-line flags, HARK_* environment variables, the YAML
// config file (--config / HARK_CONFIG), the defaults below.
#pragma once

#include "common/error.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hark::app {

struct Config {
  std::string host = "0.0.0.0";           // --host, HARK_HOST, host:
  std::uint16_t port = 8000;              // --port, HARK_PORT, port: (0 = any free port)
  std::filesystem::path data_dir = "./data";  // --data-dir, HARK_DATA_DIR, data_dir:
  // Extra skill directories, loaded after the built-in skills in this order.
  // --skills-dir (repeatable), HARK_SKILLS_DIR (colon-separated), skills_dirs: (list).
  std::vector<std::filesystem::path> skills_dirs;
  std::optional<std::filesystem::path> config_file;  // --config, HARK_CONFIG
  int io_threads = 2;                     // --threads, HARK_THREADS, threads:
  int worker_threads = 2;                 // --workers, HARK_WORKERS, workers:
  bool allow_register = true;             // --no-register, HARK_ALLOW_REGISTER, allow_register:
  std::chrono::seconds access_ttl{3600};  // --access-ttl, HARK_ACCESS_TTL, access_ttl:
  // A refresh token presented again this soon after its rotation (a retry) gets the same
  // new pair; 0 turns it off. HARK_REFRESH_GRACE, refresh_grace:
  std::chrono::seconds refresh_grace{30};
  std::string log_level = "info";         // --log-level, HARK_LOG_LEVEL, log_level:
  std::string jwt_secret;                 // HARK_JWT_SECRET, jwt_secret: (else data_dir/secret.key)
  // PostgreSQL instead of DATA_DIR/hark.db, for several instances sharing one database
  // ("postgresql://user@host:5432/hark"). --database-url, HARK_DATABASE_URL, database_url:
  std::string database_url;
  // Connections each instance keeps to it for requests. HARK_DATABASE_POOL, database_pool:
  int database_pool = 4;
  // Limits (config file only).
  std::size_t max_body_bytes = 64 * 1024;    // max_body_bytes:
  std::size_t max_frame_bytes = 1024 * 1024;  // max_frame_bytes:
  int max_messages_per_second = 50;          // max_messages_per_second:
  std::chrono::seconds drain_timeout{10};    // drain_timeout:
  // Time a WebSocket client has to send its `auth` message when it did not authenticate
  // on the upgrade. --ws-auth-timeout, HARK_WS_AUTH_TIMEOUT, ws_auth_timeout:
  std::chrono::seconds ws_auth_timeout{10};
  // Speech recognition. Off: audio answers speech_unavailable (and start-up loads no
  // decoders). --no-speech, HARK_SPEECH, speech:
  bool speech = true;
  // Warm pocketsphinx decoders (~150 MB each): utterances decoded at once.
  // --speech-decoders, HARK_SPEECH_DECODERS, speech_decoders:
  int speech_decoders = 2;
  // Threads decoding speech, apart from the workers. HARK_SPEECH_THREADS, speech_threads:
  int speech_threads = 2;
  // Silence after speech that ends an utterance (a session may set its own).
  // HARK_END_SILENCE_MS, end_silence_ms:
  int end_silence_ms = 700;
  // Where compiled language models are kept, by content hash (safe to share between
  // servers). Default DATA_DIR/asr. --speech-cache-dir, HARK_SPEECH_CACHE_DIR, speech_cache_dir:
  std::optional<std::filesystem::path> speech_cache_dir;
  // How long an utterance waits for a free decoder before it answers busy (config file only).
  int speech_max_wait_ms = 1500;
  // Abuse limits (SECURITY.md). Config file, or HARK_<NAME> in upper case.
  int hash_threads = 1;                     // hash_threads: password-hashing threads
  int hash_queue_limit = 16;                // hash_queue_limit: logins waiting, then 503
  int header_timeout = 5;                   // header_timeout: seconds for a new connection's headers
  int max_connections_per_address = 64;     // max_connections_per_address: unauthenticated
  int max_connections = 0;                  // max_connections: 0 = from the open-file limit
  int registrations_per_hour = 30;          // registrations_per_hour: per address, 0 = off
  // Reverse proxies whose X-Forwarded-For is believed; none by default.
  // trusted_proxies: (list or comma-separated), HARK_TRUSTED_PROXIES (comma-separated).
  std::vector<std::string> trusted_proxies;
};

// Reads an environment variable; nullopt when unset. Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// Builds the configuration from `args` (the flags after the subcommand, e.g.
// {"--port", "0", "--data-dir", "d"}), the environment and the config file.
// Flags not in the list above, and `positional` arguments when `positional` is null,
// are errors. Errc::invalid_field with a sentence naming the flag, variable or key.
Result<Config> load_config(const std::vector<std::string>& args, const EnvLookup& env,
                           std::vector<std::string>* positional = nullptr);

}  // namespace hark::app

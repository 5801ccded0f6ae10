#include "app/settings.h"

#include <charconv>
#include <chrono>
#include <algorithm>
#include <cmath>
#include <sstream>

namespace hark::app {

namespace {

// --- storing a parsed value into a field of any of the kinds the modules use ---

template <class T>
  requires std::is_arithmetic_v<T>
void assign(T& field, const SettingValue& v) {
  if constexpr (std::is_same_v<T, bool>) field = std::get<bool>(v);
  else field = static_cast<T>(std::get<std::int64_t>(v));
}
template <class Rep, class Period>
void assign(std::chrono::duration<Rep, Period>& field, const SettingValue& v) {
  field = std::chrono::duration<Rep, Period>(std::get<std::int64_t>(v));
}
void assign(std::string& field, const SettingValue& v) { field = std::get<std::string>(v); }
void assign(std::filesystem::path& field, const SettingValue& v) { field = std::get<std::string>(v); }
void assign(std::optional<std::filesystem::path>& field, const SettingValue& v) {
  field = std::get<std::string>(v);
}
void assign(std::vector<std::string>& field, const SettingValue& v) {
  field = std::get<std::vector<std::string>>(v);
}
void assign(std::vector<std::filesystem::path>& field, const SettingValue& v) {
  const auto& items = std::get<std::vector<std::string>>(v);
  field.assign(items.begin(), items.end());
}

template <class T>
  requires std::is_arithmetic_v<T>
SettingValue value_of(const T& field) {
  if constexpr (std::is_same_v<T, bool>) return field;
  else return static_cast<std::int64_t>(std::llround(static_cast<double>(field)));
}
template <class Rep, class Period>
SettingValue value_of(const std::chrono::duration<Rep, Period>& field) {
  return static_cast<std::int64_t>(field.count());
}
SettingValue value_of(const std::string& field) { return field; }
SettingValue value_of(const std::filesystem::path& field) { return field.string(); }
SettingValue value_of(const std::optional<std::filesystem::path>& field) {
  return field ? field->string() : std::string();
}
SettingValue value_of(const std::vector<std::string>& field) { return field; }
SettingValue value_of(const std::vector<std::filesystem::path>& field) {
  std::vector<std::string> out;
  for (const auto& p : field) out.push_back(p.string());
  return out;
}

// The field reached from a Config through the pointers-to-member Ms (e.g. &Config::server,
// &server::Options::port).
template <auto... Ms, class C>
decltype(auto) field_of(C& c) {
  return (c.*....*Ms);
}
template <auto... Ms>
void store_into(Config& c, const SettingValue& v) {
  assign(field_of<Ms...>(c), v);
}
template <auto... Ms>
SettingValue load_from(const Config& c) {
  return value_of(field_of<Ms...>(c));
}

using K = Setting::Kind;

// Row builders: the field as pointers-to-member, then key, variable, flag, value name, help.
template <auto... Ms>
Setting integer(const char* key, const char* env, const char* flag, const char* arg,
                std::int64_t lo, std::int64_t hi, const char* help, const char* default_text = "") {
  return {key, env, flag, arg, K::integer, lo, hi, nullptr, "", &store_into<Ms...>,
          &load_from<Ms...>, help, default_text};
}
template <auto... Ms>
Setting boolean(const char* key, const char* env, const char* flag, const char* help) {
  return {key, env, flag, "", K::boolean, 0, 0, nullptr, "", &store_into<Ms...>, &load_from<Ms...>,
          help, ""};
}
template <auto... Ms>
Setting text(const char* key, const char* env, const char* flag, const char* arg,
             const char* (*check)(const std::string&), const char* rule, const char* help,
             const char* default_text = "") {
  return {key, env, flag, arg, K::text, 0, 0, check, rule, &store_into<Ms...>, &load_from<Ms...>,
          help, default_text};
}
template <auto... Ms>
Setting many(Setting::Kind kind, const char* key, const char* env, const char* flag,
             const char* arg, const char* help) {
  return {key, env, flag, arg, kind, 0, 0, nullptr, "", &store_into<Ms...>, &load_from<Ms...>,
          help, "none"};
}

const char* not_empty(const std::string& v) { return v.empty() ? "must not be empty" : nullptr; }
const char* log_level(const std::string& v) {
  for (const char* l : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (v == l) return nullptr;
  return "is not one of trace, debug, info, warn, error, critical, off";
}
const char* secret(const std::string& v) {
  return v.size() < 16 ? "must be at least 16 characters" : nullptr;
}
const char* postgres_url(const std::string& v) {
  if (v.empty() || v.starts_with("postgresql://") || v.starts_with("postgres://")) return nullptr;
  return "must start with postgresql:// (or be empty for SQLite)";
}

using server::Options;
constexpr std::int64_t kYear = 365LL * 24 * 3600;

const std::vector<Setting>& table() {
  static const std::vector<Setting> rows = {
      text<&Config::server, &Options::host>("host", "HARK_HOST", "--host", "HOST", not_empty,
                                            "not empty", "address to listen on"),
      integer<&Config::server, &Options::port>("port", "HARK_PORT", "--port", "PORT", 0, 65535,
                                               "TCP port, 0 for any free one"),
      text<&Config::data_dir>("data_dir", "HARK_DATA_DIR", "--data-dir", "DIR", not_empty,
                              "not empty", "SQLite database and token secret"),
      many<&Config::skills_dirs>(K::paths, "skills_dirs", "HARK_SKILLS_DIR", "--skills-dir", "DIR",
                                 "extra skill directory, loaded in order; flag repeatable"),
      text<&Config::config_file>("", "HARK_CONFIG", "--config", "FILE", not_empty, "not empty",
                                 "YAML file with the keys of this table", "none"),
      integer<&Config::server, &Options::io_threads>("threads", "HARK_THREADS", "--threads", "N", 1,
                                                     256, "network threads (each with its own connections)"),
      integer<&Config::server, &Options::worker_threads>("workers", "HARK_WORKERS", "--workers",
                                                         "N", 1, 256,
                                                         "threads for storage and dialog"),
      boolean<&Config::auth, &auth::Options::allow_register>(
          "allow_register", "HARK_ALLOW_REGISTER", "--no-register",
          "POST /auth/register (off: make users with `hark user add EMAIL`)"),
      integer<&Config::auth, &auth::Options::access_ttl>("access_ttl", "HARK_ACCESS_TTL",
                                                         "--access-ttl", "SECONDS", 1, kYear,
                                                         "access token lifetime, seconds"),
      integer<&Config::auth, &auth::Options::refresh_grace>(
          "refresh_grace", "HARK_REFRESH_GRACE", "", "", 0, 600,
          "seconds a rotated refresh token still gets the same new pair (0: off)"),
      text<&Config::log_level>("log_level", "HARK_LOG_LEVEL", "--log-level", "LEVEL", log_level,
                               "trace, debug, info, warn, error, critical, off", "log level"),
      text<&Config::auth, &auth::Options::secret>(
          "jwt_secret", "HARK_JWT_SECRET", "", "", secret, "at least 16 characters",
          "token signing key", "generated into DATA_DIR/secret.key"),
      text<&Config::database_url>("database_url", "HARK_DATABASE_URL", "--database-url", "URL",
                                  postgres_url, "postgresql://...",
                                  "PostgreSQL store, for several instances",
                                  "SQLite in the data dir"),
      integer<&Config::postgres, &store::PostgresOptions::pool_size>(
          "database_pool", "HARK_DATABASE_POOL", "", "", 1, 256,
          "PostgreSQL connections per instance"),
      integer<&Config::server, &Options::max_contacts>("max_contacts", "HARK_MAX_CONTACTS", "", "", 1,
                                                       1000000, "most contacts per user"),
      integer<&Config::server, &Options::max_contact_entries>(
          "max_contact_entries", "HARK_MAX_CONTACT_ENTRIES", "", "", 1, 10000,
          "most phones, and aliases, per contact"),
      integer<&Config::server, &Options::max_contact_field_bytes>(
          "max_contact_field_bytes", "HARK_MAX_CONTACT_FIELD_BYTES", "", "", 1, 1 << 20,
          "longest contact name, alias or phone, bytes"),
      integer<&Config::server, &Options::max_body_bytes>("max_body_bytes", "", "", "", 1024,
                                                         64LL << 20, "largest HTTP body, bytes"),
      integer<&Config::server, &Options::max_frame_bytes>(
          "max_frame_bytes", "", "", "", 1024, 64LL << 20, "largest WebSocket message, bytes"),
      integer<&Config::server, &Options::max_messages_per_second>(
          "max_messages_per_second", "", "", "", 1, 100000,
          "sustained messages per second one WebSocket may send"),
      integer<&Config::server, &Options::drain_timeout>(
          "drain_timeout", "", "", "", 0, 3600,
          "seconds given to in-flight work on SIGTERM"),
      integer<&Config::server, &Options::auth_timeout>(
          "ws_auth_timeout", "HARK_WS_AUTH_TIMEOUT", "--ws-auth-timeout", "S", 1, 3600,
          "seconds a WebSocket has to send its `auth` message"),
      boolean<&Config::speech>("speech", "HARK_SPEECH", "--no-speech",
                               "speech recognition (off: audio answers speech_unavailable)"),
      integer<&Config::speech_pool, &asr::PoolOptions::size>(
          "speech_decoders", "HARK_SPEECH_DECODERS", "--speech-decoders", "N", 1, 64,
          "warm speech decoders, ~150 MB each"),
      integer<&Config::server, &Options::speech_threads>(
          "speech_threads", "HARK_SPEECH_THREADS", "", "", 1, 64,
          "threads decoding speech, apart from the workers"),
      integer<&Config::server, &Options::end_silence>(
          "end_silence_ms", "HARK_END_SILENCE_MS", "", "", 200, 5000,
          "silence (ms) that ends a spoken utterance; a session may set its own"),
      text<&Config::speech_cache_dir>("speech_cache_dir", "HARK_SPEECH_CACHE_DIR",
                                      "--speech-cache-dir", "DIR", not_empty, "not empty",
                                      "compiled language models, by content hash (may be shared)",
                                      "DATA_DIR/asr"),
      integer<&Config::speech_pool, &asr::PoolOptions::max_wait>(
          "speech_max_wait_ms", "", "", "", 0, 60000,
          "ms an utterance waits for a free decoder before `busy`"),
      integer<&Config::server, &Options::max_speech_lag>(
          "speech_max_lag_ms", "", "", "", 100, 600000,
          "ms audio may wait to be decoded before its utterance answers `busy`"),
      integer<&Config::server, &Options::hash_threads>("hash_threads", "HARK_HASH_THREADS", "", "",
                                                       1, 64, "password-hashing threads"),
      integer<&Config::server, &Options::hash_queue_limit>(
          "hash_queue_limit", "HARK_HASH_QUEUE_LIMIT", "", "", 1, 1000000,
          "logins waiting for hashing, then 503"),
      integer<&Config::server, &Options::header_timeout>(
          "header_timeout", "HARK_HEADER_TIMEOUT", "", "", 1, 600,
          "seconds a new connection has to send its headers"),
      integer<&Config::server, &Options::max_connections_per_address>(
          "max_connections_per_address", "HARK_MAX_CONNECTIONS_PER_ADDRESS", "", "", 1, 1000000,
          "unauthenticated connections per address"),
      integer<&Config::server, &Options::max_connections>(
          "max_connections", "HARK_MAX_CONNECTIONS", "", "", 0, 10000000,
          "all connections (0: the open-file limit less a reserve)"),
      integer<&Config::auth, &auth::Options::registrations_per_hour>(
          "registrations_per_hour", "HARK_REGISTRATIONS_PER_HOUR", "", "", 0, 1000000,
          "registrations per address and hour (0: no limit)"),
      many<&Config::server, &Options::trusted_proxies>(
          K::list, "trusted_proxies", "HARK_TRUSTED_PROXIES", "", "",
          "reverse proxies whose X-Forwarded-For is believed"),
  };
  return rows;
}

Error bad(const std::string& where, const std::string& what) {
  return make_error(Errc::invalid_field, where + ": " + what);
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string range_of(const Setting& s) {
  switch (s.kind) {
    case K::integer: return std::to_string(s.lo) + " to " + std::to_string(s.hi);
    case K::boolean: return "true or false";
    case K::text: return s.rule;
    case K::paths: return "directories";
    case K::list: return "addresses";
  }
  return "";
}

}  // namespace

std::string Setting::name() const { return *key ? key : *flag ? flag : env; }

std::span<const Setting> settings() { return table(); }

Result<SettingValue> parse_setting(const Setting& s, const std::string& v, const std::string& where) {
  switch (s.kind) {
    case K::integer: {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc() || p != v.data() + v.size())
        return bad(where, "\"" + v + "\" is not a whole number");
      if (n < s.lo || n > s.hi)
        return bad(where, std::to_string(n) + " is out of range (" + range_of(s) + ")");
      return SettingValue(n);
    }
    case K::boolean: {
      std::string l = v;
      for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (l == "1" || l == "true" || l == "yes" || l == "on") return SettingValue(true);
      if (l == "0" || l == "false" || l == "no" || l == "off") return SettingValue(false);
      return bad(where, "\"" + l + "\" is not true or false");
    }
    case K::text:
      if (s.check)
        if (const char* why = s.check(v)) return bad(where, why);
      return SettingValue(v);
    case K::paths:
    case K::list: {
      const char sep = s.kind == K::paths ? ':' : ',';
      std::vector<std::string> out;
      std::stringstream in(v);
      std::string part;
      while (std::getline(in, part, sep)) {
        if (s.kind == K::paths) {  // taken as written; empty parts skipped
          if (!part.empty()) out.push_back(part);
          continue;
        }
        auto first = part.find_first_not_of(" \t");
        auto last = part.find_last_not_of(" \t");
        if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
      }
      return SettingValue(std::move(out));
    }
  }
  return bad(where, "unknown setting");
}

std::string setting_default(const Setting& s) {
  static const Config defaults;
  SettingValue v = s.load(defaults);
  std::string text;
  if (auto* n = std::get_if<std::int64_t>(&v)) text = std::to_string(*n);
  else if (auto* b = std::get_if<bool>(&v)) text = *b ? "true" : "false";
  else if (auto* t = std::get_if<std::string>(&v)) text = *t;
  else text = join(std::get<std::vector<std::string>>(v), ",");
  return text.empty() ? (*s.default_text ? s.default_text : "none") : text;
}

std::string settings_usage() {
  std::string out =
      "options (serve, user add, nlu eval, transcribe); each also comes from its HARK_ variable or a\n"
      "key of the config file (`hark settings` lists them all); flags win over the\n"
      "environment, which wins over the file:\n";
  for (const auto& s : settings()) {
    std::string head = *s.flag ? std::string(s.flag) + (*s.arg ? std::string(" ") + s.arg : "")
                               : *s.env ? std::string(s.env) : std::string(s.key) + ":";
    head.resize(std::max<std::size_t>(head.size() + 1, 21), ' ');
    std::string also;  // the other names, on a second line
    if (*s.flag && *s.env) also = s.env;
    if (*s.key) also += (also.empty() ? "" : ", ") + std::string(s.key) + ":";
    std::string accepts = s.kind == K::integer || (s.kind == K::text && s.check != &not_empty)
                              ? "; " + range_of(s)
                              : "";
    out += "  " + head + s.help + " (default " + setting_default(s) + accepts + ")\n";
    if (*s.flag || *s.env) out += std::string(23, ' ') + also + "\n";
  }
  return out;
}

std::string settings_markdown() {
  std::string out =
      "| file key | environment | flag | default | accepts | what |\n"
      "| --- | --- | --- | --- | --- | --- |\n";
  auto code = [](const char* t) { return *t ? "`" + std::string(t) + "`" : std::string(); };
  for (const auto& s : settings()) {
    std::string flag = code(s.flag);
    if (*s.flag && *s.arg) flag = "`" + std::string(s.flag) + " " + s.arg + "`";
    out += "| " + code(s.key) + " | " + code(s.env) + " | " + flag + " | " + setting_default(s) +
           " | " + range_of(s) + " | " + s.help + " |\n";
  }
  return out;
}

}  // namespace hark::app

#include "app/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hark::app {

namespace {

// One source of settings; unset fields leave the layer below untouched.
struct Layer {
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<std::filesystem::path> data_dir;
  std::optional<std::vector<std::filesystem::path>> skills_dirs;
  std::optional<std::filesystem::path> config_file;
  std::optional<int> io_threads, worker_threads, max_messages_per_second;
  std::optional<bool> allow_register;
  std::optional<std::chrono::seconds> access_ttl, drain_timeout, ws_auth_timeout, refresh_grace;
  std::optional<std::string> log_level, jwt_secret, database_url;
  std::optional<int> database_pool;
  std::optional<std::size_t> max_body_bytes, max_frame_bytes;
  std::optional<bool> speech;
  std::optional<std::filesystem::path> speech_cache_dir;
  std::optional<int> speech_decoders, speech_threads, end_silence_ms, speech_max_wait_ms;
  std::optional<int> hash_threads, hash_queue_limit, header_timeout, max_connections_per_address,
      max_connections, registrations_per_hour;
  std::optional<std::vector<std::string>> trusted_proxies;
};

template <class T>
void set_if(T& dst, const std::optional<T>& src) {
  if (src) dst = *src;
}

void apply(Config& c, const Layer& l) {
  set_if(c.host, l.host);
  set_if(c.port, l.port);
  set_if(c.data_dir, l.data_dir);
  set_if(c.skills_dirs, l.skills_dirs);
  if (l.config_file) c.config_file = l.config_file;
  set_if(c.io_threads, l.io_threads);
  set_if(c.worker_threads, l.worker_threads);
  set_if(c.max_messages_per_second, l.max_messages_per_second);
  set_if(c.allow_register, l.allow_register);
  set_if(c.access_ttl, l.access_ttl);
  set_if(c.refresh_grace, l.refresh_grace);
  set_if(c.drain_timeout, l.drain_timeout);
  set_if(c.ws_auth_timeout, l.ws_auth_timeout);
  set_if(c.log_level, l.log_level);
  set_if(c.jwt_secret, l.jwt_secret);
  set_if(c.database_url, l.database_url);
  set_if(c.database_pool, l.database_pool);
  set_if(c.max_body_bytes, l.max_body_bytes);
  set_if(c.max_frame_bytes, l.max_frame_bytes);
  set_if(c.speech, l.speech);
  if (l.speech_cache_dir) c.speech_cache_dir = l.speech_cache_dir;
  set_if(c.speech_decoders, l.speech_decoders);
  set_if(c.speech_threads, l.speech_threads);
  set_if(c.end_silence_ms, l.end_silence_ms);
  set_if(c.speech_max_wait_ms, l.speech_max_wait_ms);
  set_if(c.hash_threads, l.hash_threads);
  set_if(c.hash_queue_limit, l.hash_queue_limit);
  set_if(c.header_timeout, l.header_timeout);
  set_if(c.max_connections_per_address, l.max_connections_per_address);
  set_if(c.max_connections, l.max_connections);
  set_if(c.registrations_per_hour, l.registrations_per_hour);
  set_if(c.trusted_proxies, l.trusted_proxies);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    auto first = part.find_first_not_of(" \t");
    auto last = part.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
  }
  return out;
}

Error bad(const std::string& where, const std::string& what) {
  return make_error(Errc::invalid_field, where + ": " + what);
}

Result<std::int64_t> parse_int(const std::string& s, const std::string& where, std::int64_t lo,
                               std::int64_t hi) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    return bad(where, "\"" + s + "\" is not a whole number");
  if (v < lo || v > hi)
    return bad(where, std::to_string(v) + " is out of range (" + std::to_string(lo) + " to " +
                          std::to_string(hi) + ")");
  return v;
}

Result<bool> parse_bool(std::string s, const std::string& where) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  return bad(where, "\"" + s + "\" is not true or false");
}

Result<std::string> parse_level(const std::string& s, const std::string& where) {
  for (const char* l : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (s == l) return s;
  return bad(where, "\"" + s + "\" is not one of trace, debug, info, warn, error, critical, off");
}

std::vector<std::filesystem::path> split_colon(const std::string& s) {
  std::vector<std::filesystem::path> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ':'))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

// Sets one named setting from text. `name` is the canonical key (the YAML key);
// `where` names the source in error messages.
Result<void> set_value(Layer& l, const std::string& name, const std::string& v,
                       const std::string& where) {
  if (name == "host") {
    if (v.empty()) return bad(where, "must not be empty");
    l.host = v;
  } else if (name == "port") {
    auto p = parse_int(v, where, 0, 65535);
    if (!p) return p.error();
    l.port = static_cast<std::uint16_t>(*p);
  } else if (name == "data_dir") {
    if (v.empty()) return bad(where, "must not be empty");
    l.data_dir = v;
  } else if (name == "config") {
    if (v.empty()) return bad(where, "must not be empty");
    l.config_file = v;
  } else if (name == "threads" || name == "workers") {
    auto n = parse_int(v, where, 1, 256);
    if (!n) return n.error();
    (name == "threads" ? l.io_threads : l.worker_threads) = static_cast<int>(*n);
  } else if (name == "allow_register") {
    auto b = parse_bool(v, where);
    if (!b) return b.error();
    l.allow_register = *b;
  } else if (name == "access_ttl") {
    auto n = parse_int(v, where, 1, 365LL * 24 * 3600);
    if (!n) return n.error();
    l.access_ttl = std::chrono::seconds(*n);
  } else if (name == "refresh_grace") {
    auto n = parse_int(v, where, 0, 600);
    if (!n) return n.error();
    l.refresh_grace = std::chrono::seconds(*n);
  } else if (name == "drain_timeout") {
    auto n = parse_int(v, where, 0, 3600);
    if (!n) return n.error();
    l.drain_timeout = std::chrono::seconds(*n);
  } else if (name == "ws_auth_timeout") {
    auto n = parse_int(v, where, 1, 3600);
    if (!n) return n.error();
    l.ws_auth_timeout = std::chrono::seconds(*n);
  } else if (name == "log_level") {
    auto lv = parse_level(v, where);
    if (!lv) return lv.error();
    l.log_level = *lv;
  } else if (name == "jwt_secret") {
    if (v.size() < 16) return bad(where, "must be at least 16 characters");
    l.jwt_secret = v;
  } else if (name == "database_url") {
    if (!v.empty() && !v.starts_with("postgresql://") && !v.starts_with("postgres://"))
      return bad(where, "must start with postgresql:// (or be empty for SQLite)");
    l.database_url = v;
  } else if (name == "database_pool") {
    auto n = parse_int(v, where, 1, 256);
    if (!n) return n.error();
    l.database_pool = static_cast<int>(*n);
  } else if (name == "max_body_bytes" || name == "max_frame_bytes") {
    auto n = parse_int(v, where, 1024, 64LL * 1024 * 1024);
    if (!n) return n.error();
    (name == "max_body_bytes" ? l.max_body_bytes : l.max_frame_bytes) =
        static_cast<std::size_t>(*n);
  } else if (name == "speech_cache_dir") {
    if (v.empty()) return bad(where, "must not be empty");
    l.speech_cache_dir = v;
  } else if (name == "speech") {
    auto b = parse_bool(v, where);
    if (!b) return b.error();
    l.speech = *b;
  } else if (name == "speech_decoders" || name == "speech_threads") {
    auto n = parse_int(v, where, 1, 64);
    if (!n) return n.error();
    (name == "speech_decoders" ? l.speech_decoders : l.speech_threads) = static_cast<int>(*n);
  } else if (name == "end_silence_ms") {
    auto n = parse_int(v, where, 200, 5000);
    if (!n) return n.error();
    l.end_silence_ms = static_cast<int>(*n);
  } else if (name == "speech_max_wait_ms") {
    auto n = parse_int(v, where, 0, 60000);
    if (!n) return n.error();
    l.speech_max_wait_ms = static_cast<int>(*n);
  } else if (name == "hash_threads") {
    auto n = parse_int(v, where, 1, 64);
    if (!n) return n.error();
    l.hash_threads = static_cast<int>(*n);
  } else if (name == "hash_queue_limit" || name == "max_connections_per_address") {
    auto n = parse_int(v, where, 1, 1000000);
    if (!n) return n.error();
    (name == "hash_queue_limit" ? l.hash_queue_limit : l.max_connections_per_address) =
        static_cast<int>(*n);
  } else if (name == "header_timeout") {
    auto n = parse_int(v, where, 1, 600);
    if (!n) return n.error();
    l.header_timeout = static_cast<int>(*n);
  } else if (name == "registrations_per_hour") {
    auto n = parse_int(v, where, 0, 1000000);
    if (!n) return n.error();
    l.registrations_per_hour = static_cast<int>(*n);
  } else if (name == "max_connections") {
    auto n = parse_int(v, where, 0, 10000000);
    if (!n) return n.error();
    l.max_connections = static_cast<int>(*n);
  } else if (name == "trusted_proxies") {
    l.trusted_proxies = split_commas(v);
  } else if (name == "max_messages_per_second") {
    auto n = parse_int(v, where, 1, 100000);
    if (!n) return n.error();
    l.max_messages_per_second = static_cast<int>(*n);
  } else {
    return bad(where, "unknown setting");
  }
  return {};
}

Result<Layer> from_env(const EnvLookup& env) {
  Layer l;
  static const std::pair<const char*, const char*> kVars[] = {
      {"HARK_HOST", "host"},           {"HARK_PORT", "port"},
      {"HARK_DATA_DIR", "data_dir"},   {"HARK_CONFIG", "config"},
      {"HARK_THREADS", "threads"},     {"HARK_WORKERS", "workers"},
      {"HARK_ALLOW_REGISTER", "allow_register"}, {"HARK_ACCESS_TTL", "access_ttl"},
      {"HARK_LOG_LEVEL", "log_level"}, {"HARK_JWT_SECRET", "jwt_secret"},
      {"HARK_WS_AUTH_TIMEOUT", "ws_auth_timeout"}, {"HARK_SPEECH", "speech"},
      {"HARK_SPEECH_DECODERS", "speech_decoders"}, {"HARK_SPEECH_THREADS", "speech_threads"},
      {"HARK_END_SILENCE_MS", "end_silence_ms"}, {"HARK_SPEECH_CACHE_DIR", "speech_cache_dir"},
      {"HARK_REFRESH_GRACE", "refresh_grace"}, {"HARK_TRUSTED_PROXIES", "trusted_proxies"},
      {"HARK_HASH_THREADS", "hash_threads"}, {"HARK_HASH_QUEUE_LIMIT", "hash_queue_limit"},
      {"HARK_HEADER_TIMEOUT", "header_timeout"}, {"HARK_MAX_CONNECTIONS", "max_connections"},
      {"HARK_MAX_CONNECTIONS_PER_ADDRESS", "max_connections_per_address"},
      {"HARK_REGISTRATIONS_PER_HOUR", "registrations_per_hour"},
      {"HARK_DATABASE_URL", "database_url"}, {"HARK_DATABASE_POOL", "database_pool"},
  };
  for (auto [var, name] : kVars) {
    auto v = env(var);
    if (!v) continue;
    if (auto r = set_value(l, name, *v, var); !r) return r.error();
  }
  if (auto v = env("HARK_SKILLS_DIR"); v && !v->empty()) l.skills_dirs = split_colon(*v);
  return l;
}

Result<Layer> from_cli(const std::vector<std::string>& args, std::vector<std::string>* positional) {
  Layer l;
  static const std::pair<const char*, const char*> kFlags[] = {
      {"--host", "host"},       {"--port", "port"},         {"--data-dir", "data_dir"},
      {"--config", "config"},   {"--threads", "threads"},   {"--workers", "workers"},
      {"--access-ttl", "access_ttl"}, {"--log-level", "log_level"},
      {"--ws-auth-timeout", "ws_auth_timeout"}, {"--speech-decoders", "speech_decoders"},
      {"--speech-cache-dir", "speech_cache_dir"}, {"--database-url", "database_url"},
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return bad(flag, "needs a value");
      return args[++i];
    };
    if (flag == "--no-register") {
      if (inline_value) return bad(flag, "takes no value");
      l.allow_register = false;
      continue;
    }
    if (flag == "--no-speech") {
      if (inline_value) return bad(flag, "takes no value");
      l.speech = false;
      continue;
    }
    if (flag == "--skills-dir") {
      auto v = value();
      if (!v) return v.error();
      if (v->empty()) return bad(flag, "must not be empty");
      if (!l.skills_dirs) l.skills_dirs.emplace();
      l.skills_dirs->emplace_back(*v);
      continue;
    }
    bool matched = false;
    for (auto [f, name] : kFlags) {
      if (flag != f) continue;
      matched = true;
      auto v = value();
      if (!v) return v.error();
      if (auto r = set_value(l, name, *v, flag); !r) return r.error();
    }
    if (matched) continue;
    if (!flag.starts_with("-") && positional) {
      positional->push_back(flag);
      continue;
    }
    return bad(flag, flag.starts_with("-") ? "unknown option" : "unexpected argument");
  }
  return l;
}

Result<Layer> from_file(const std::filesystem::path& path) {
  Layer l;
  std::string where = path.string();
  YAML::Node root;
  try {
    std::ifstream in(path);
    if (!in) return make_error(Errc::invalid_field, where + ": cannot be read");
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    return make_error(Errc::invalid_field,
                      where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return l;  // an empty file
  if (!root.IsMap()) return make_error(Errc::invalid_field, where + ": must be a mapping of settings");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>("");
    std::string at = where + ":" + std::to_string(kv.first.Mark().line + 1) + ": " + key;
    const YAML::Node& v = kv.second;
    if (key == "skills_dirs") {
      std::vector<std::filesystem::path> dirs;
      if (v.IsSequence()) {
        for (const auto& item : v) {
          if (!item.IsScalar()) return bad(at, "must be a list of directories");
          dirs.emplace_back(item.Scalar());
        }
      } else if (v.IsScalar()) {
        dirs = split_colon(v.Scalar());
      } else if (!v.IsNull()) {
        return bad(at, "must be a list of directories");
      }
      l.skills_dirs = std::move(dirs);
      continue;
    }
    if (key == "trusted_proxies" && v.IsSequence()) {
      std::vector<std::string> proxies;
      for (const auto& item : v) {
        if (!item.IsScalar()) return bad(at, "must be a list of addresses");
        proxies.push_back(item.Scalar());
      }
      l.trusted_proxies = std::move(proxies);
      continue;
    }
    if (key == "config") return bad(at, "unknown setting");
    if (!v.IsScalar()) return bad(at, "must be a single value");
    if (auto r = set_value(l, key, v.Scalar(), at); !r) return r.error();
  }
  return l;
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> load_config(const std::vector<std::string>& args, const EnvLookup& env,
                           std::vector<std::string>* positional) {
  auto cli = from_cli(args, positional);
  if (!cli) return cli.error();
  auto envl = from_env(env);
  if (!envl) return envl.error();
  Config c;
  std::optional<std::filesystem::path> file = cli->config_file ? cli->config_file : envl->config_file;
  if (file) {
    auto f = from_file(*file);
    if (!f) return f.error();
    apply(c, *f);
    c.config_file = file;
  }
  apply(c, *envl);
  apply(c, *cli);
  return c;
}

}  // namespace hark::app

#include "app/wiring.h"

#include "app/hearing_check.h"
#include "asr/service.h"
#include "asr/transcribe.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "dialog/conversation.h"
#include "nlu/eval.h"
#include "nlu/parser.h"
#include "server/server.h"
#include "server/wire.h"
#include "skills/registry.h"
#include "store/store.h"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace hark::app {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;  // bad configuration, bad skill file

std::unique_ptr<store::Store> open_store(const Config& config) {
  std::filesystem::create_directories(config.data_dir);
  if (!config.database_url.empty()) {
    return store::open_postgres(config.database_url, config.postgres);
  }
  return store::open_sqlite(config.data_dir / "hark.db");
}

// The configured secret, else the one kept in the data directory.
auth::Options auth_options(const Config& config) {
  auth::Options o = config.auth;
  if (o.secret.empty()) o.secret = auth::load_or_create_secret(config.data_dir);
  return o;
}

// Built-in skills, then each directory in order. Throws skills::LoadError.
void load_skills(skills::Registry& registry, const std::vector<std::filesystem::path>& dirs) {
  registry.load_builtin();
  for (const auto& dir : dirs) {
    if (!std::filesystem::is_directory(dir))
      throw skills::LoadError(dir.string(), 0, "not a directory");
    registry.load_dir(dir);
  }
}

void print_load_error(const skills::LoadError& e) {
  std::cerr << "error: " << e.file();
  if (e.line() > 0) std::cerr << ":" << e.line();
  std::cerr << ": " << e.reason() << std::endl;
}

}  // namespace

void set_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

int serve(const Config& config) {
  set_log_level(config.log_level);
  spdlog::info("hark {} starting; data in {}", HARK_VERSION,
               config.database_url.empty() ? config.data_dir.string() : "PostgreSQL");

  skills::Registry registry;
  std::unique_ptr<nlu::Parser> parser;
  try {
    load_skills(registry, config.skills_dirs);
    nlu::ParserOptions nlu_options;
    nlu_options.cache_dir = config.data_dir / "nlu";  // WordNet's answers, by content hash
    parser = std::make_unique<nlu::Parser>(registry, nlu_options);
  } catch (const skills::LoadError& e) {
    print_load_error(e);
    return kExitUsage;
  }
  spdlog::info("{} skills loaded", registry.all().size());

  std::unique_ptr<store::Store> store;
  std::optional<auth::AuthService> auth;
  try {
    store = open_store(config);
    auth.emplace(auth_options(config), *store, system_clock());
  } catch (const std::exception& e) {
    spdlog::error("cannot open the store: {}", e.what());
    return kExitFailure;
  }
  dialog::Options dialog_options;
  dialog_options.encode_action = server::action_text;
  dialog::Engine engine(std::move(dialog_options), registry, *parser, *store, system_clock());

  // Decoders load in the background (seconds): the server answers at once, and audio gets
  // speech_unavailable until they are ready.
  std::unique_ptr<asr::SpeechService> speech;
  if (config.speech) {
    asr::ServiceOptions o;
    o.model.cache_dir = config.speech_cache_dir.value_or(config.data_dir / "asr");
    o.pool = config.speech_pool;
    // Two passes, the parser judging which hearing stands (app/hearing_check.h).
    o.pool.decoder.hearing_check = std::make_shared<ParserHearingCheck>(*parser, registry);
    speech = std::make_unique<asr::SpeechService>(registry, o);
  }
  {
    server::Server server(config.server, server::Deps{*auth, *store, engine, registry, system_clock(), speech.get()});
    auto port = server.listen();
    if (!port) {
      spdlog::error("{}", port.error().detail);
      return kExitFailure;
    }
    spdlog::info("hark listening on http://{}:{}", config.server.host, *port);
    server.run();
  }
  // The server (and its worker pool) is gone: nothing writes to the store any more.
  store.reset();
  spdlog::info("store closed; bye");
  return 0;
}

int add_user(const Config& config, const std::string& email, const std::string& name) {
  set_log_level(config.log_level);
  if (isatty(STDIN_FILENO)) std::cerr << "Password for " << email << ": " << std::flush;
  std::string password;
  if (!std::getline(std::cin, password)) {
    std::cerr << "error: no password on standard input" << std::endl;
    return kExitUsage;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  try {
    auto store = open_store(config);
    auth::AuthService auth(auth_options(config), *store, system_clock());
    auto user = auth.create_user(email, password, name);
    if (!user) {
      std::cerr << "error: " << user.error().detail << std::endl;
      return user.error().code == Errc::invalid_field ? kExitUsage : kExitFailure;
    }
    std::cout << "created user " << user->id << " <" << user->email << ">" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return kExitFailure;
  }
}

int check_skills(const std::filesystem::path& dir) {
  skills::Registry registry;
  try {
    load_skills(registry, {dir});
    nlu::Parser parser(registry);  // sentence templates compile here
  } catch (const skills::LoadError& e) {
    print_load_error(e);
    return kExitUsage;
  }
  std::size_t own = 0;
  for (const auto& s : registry.all())
    if (!s.builtin) ++own;
  std::cout << "ok: " << own << " skills in " << dir.string() << " (" << registry.all().size()
            << " with the built-in ones)" << std::endl;
  return 0;
}

int nlu_eval(const std::filesystem::path& file, const std::vector<std::filesystem::path>& skills_dirs,
             bool verbose, bool classifier_only) {
  skills::Registry registry;
  try {
    load_skills(registry, skills_dirs);
    nlu::ParserOptions options;
    options.templates = !classifier_only;  // the statistical stage alone
    nlu::Parser parser(registry, options);
    nlu::Context ctx;
    // Both halves of the file's fixed split; -v lists the studied half's misses only.
    auto report = nlu::evaluate_split(file, parser, registry, ctx, verbose ? &std::cout : nullptr);
    if (!report) {
      std::cerr << "error: " << report.error().detail << std::endl;
      return 1;
    }
    nlu::print_split(*report, std::cout);
  } catch (const skills::LoadError& e) {
    print_load_error(e);
    return kExitUsage;
  }
  return 0;
}

int transcribe(const std::filesystem::path& wav, const Config& config) {
  skills::Registry registry;
  try {
    load_skills(registry, config.skills_dirs);
  } catch (const skills::LoadError& e) {
    print_load_error(e);
    return kExitUsage;
  }
  asr::ModelOptions model;
  model.cache_dir = config.speech_cache_dir.value_or(config.data_dir / "asr");
  nlu::Parser parser(registry);
  // Decodes the way the server does.
  asr::DecoderOptions decoder;
  decoder.hearing_check = std::make_shared<ParserHearingCheck>(parser, registry);
  auto text = asr::transcribe_with_skills(registry, wav, model, decoder);
  if (!text) {
    std::cerr << "error: " << text.error().detail << std::endl;
    return 1;
  }
  auto parsed = parser.parse(*text, nlu::Context{});
  std::cout << "transcript: " << *text << "\n"
            << "intent: " << parsed.intent << " (confidence " << parsed.confidence << ")\n";
  for (const auto& [name, slot] : parsed.slots)
    std::cout << "  " << name << " = " << boost::json::serialize(server::slot_value_json(slot.value)) << "  (\"" << slot.raw
              << "\")\n";
  return 0;
}

}  // namespace hark::app

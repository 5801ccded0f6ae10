// The server's real parts for the protocol fuzzers, made once per process: a SQLite file
// in a temporary directory, the built-in skills and parser, the dialog engine, auth at
// the cheapest hashing cost, and one logged-in user. No sockets: the fuzzers call the
// same functions server.cc calls with what it read from a socket.
#pragma once

#include "auth/auth.h"
#include "common/clock.h"
#include "dialog/conversation.h"
#include "nlu/parser.h"
#include "server/api.h"
#include "server/chat_sessions.h"
#include "server/metrics.h"
#include "server/server.h"
#include "skills/registry.h"
#include "store/store.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

namespace hark::fuzz {

struct World {
  World() {
    spdlog::set_level(spdlog::level::off);
    dir = std::filesystem::temp_directory_path() / ("hark-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    registry.load_builtin();
    parser = std::make_unique<nlu::Parser>(registry);
    store = store::open_sqlite(dir / "hark.db");
    auth::Options ao;
    ao.secret = "fuzz-secret-0123456789abcdef0123456789";
    ao.hash_cost = auth::HashCost::minimum;
    ao.max_failures = 0;  // no lock-outs: every input gets the same treatment
    ao.max_client_failures = 0;
    ao.registrations_per_hour = 0;
    auth = std::make_unique<auth::AuthService>(ao, *store, system_clock());
    engine = std::make_unique<dialog::Engine>(dialog::Options{}, registry, *parser, *store,
                                              system_clock());
    chats = std::make_unique<server::ChatSessions>(*engine, 100, std::chrono::seconds(600));
    api = std::make_unique<server::Api>(options, deps(), metrics, *chats);
    (void)auth->create_user("fuzz@example.com", "correct horse battery", "Fuzz");
    tokens = auth->login("fuzz@example.com", "correct horse battery", "127.0.0.1").value();
    principal = auth->verify(tokens.access_token).value();
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  server::Deps deps() { return server::Deps{*auth, *store, *engine, registry, system_clock(), nullptr}; }

  std::filesystem::path dir;
  skills::Registry registry;
  std::unique_ptr<nlu::Parser> parser;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<dialog::Engine> engine;
  server::Options options;
  server::Metrics metrics;
  std::unique_ptr<server::ChatSessions> chats;
  std::unique_ptr<server::Api> api;
  auth::TokenPair tokens;
  auth::Principal principal;
};

inline World& world() {
  // Never destroyed (libFuzzer exits from anywhere); its directory goes at exit.
  static World* w = [] {
    auto* made = new World();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(world().dir, ec);
    });
    return made;
  }();
  return *w;
}

// Every text a client receives must be valid JSON (and so valid UTF-8): else abort, which
// libFuzzer reports as a crash.
void expect_json_text(const std::string& text);

}  // namespace hark::fuzz

// Shared pieces of the dialog tests: a temporary SQLite store, a random source that says
// what it is told, and a whole engine over the built-in skills.
#pragma once

#include "common/clock.h"
#include "dialog/conversation.h"
#include "dialog/random.h"
#include "nlu/parser.h"
#include "server/wire.h"
#include "skills/registry.h"
#include "store/store.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include <unistd.h>

namespace hark::dialog::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("hark-dialog-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Answers the queued numbers in turn (each taken modulo n), then `fallback`.
class ScriptedRandom final : public Random {
 public:
  std::uint64_t below(std::uint64_t n) override {
    std::lock_guard lock(mutex_);
    std::uint64_t v = fallback;
    if (!queue.empty()) {
      v = queue.front();
      queue.pop_front();
    }
    return v % n;
  }
  std::deque<std::uint64_t> queue;
  std::uint64_t fallback = 0;

 private:
  std::mutex mutex_;
};

// 2026-11-25 14:05:00 UTC, a Wednesday.
inline std::chrono::system_clock::time_point test_now() {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 25} + hours{14} + minutes{5};
}

// A user in a fresh store and the whole dialog stack over the built-in skills.
struct World {
  World() : clock(test_now()) {
    registry.load_builtin();
    parser = std::make_unique<nlu::Parser>(registry);
    store = store::open_sqlite(dir.path() / "hark.db");
    user_id = store->create_user("ana@example.com", "Ana", "hash", clock.unix_now()).value().id;
    engine = std::make_unique<Engine>(options(), registry, *parser, *store, clock, random);
  }

  // As the app configures it: actions kept in the history as the client gets them.
  static Options options() {
    Options o;
    o.encode_action = server::action_text;
    return o;
  }

  TempDir dir;
  ManualClock clock;
  ScriptedRandom random;
  skills::Registry registry;
  std::unique_ptr<nlu::Parser> parser;
  std::unique_ptr<store::Store> store;
  std::int64_t user_id = 0;
  std::unique_ptr<Engine> engine;
};

}  // namespace hark::dialog::testing

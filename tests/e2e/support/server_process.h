// Runs the real `hark` binary on a free loopback port with its own temporary data
// directory, for one test (or one suite), and stops it the way an operator would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hark::testing {
class PgSchema;
}

namespace hark::e2e {

// The binary under test (set by the build).
std::string hark_binary();

class ServerProcess {
 public:
  // Starts `hark serve --host 127.0.0.1 --port P --data-dir D <extra_args>` (plus
  // --no-speech unless extra_args ask for --speech-decoders; plus --database-url on a
  // schema of its own when HARK_E2E_STORE=postgres and extra_args name none) and waits
  // until GET /healthz answers 200. Throws std::runtime_error (with the tail of the
  // server's log) when it does not come up within 20 s.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  // Kills the server when still running and removes the data directory
  // (kept when HARK_E2E_KEEP is set, for debugging).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  bool running() const { return pid_ > 0; }

  // SIGTERM, then waits up to `grace` for the exit. Returns the exit status (0 on a
  // clean exit), 128+signal when killed by a signal, -1 when it had to be killed after
  // `grace`, -2 when it was not running.
  int stop(std::chrono::seconds grace = std::chrono::seconds(15));
  // stop() (when running) then start again on the same data directory and port;
  // returns stop()'s status.
  int restart();
  // Starts again after stop()/wait_exit() (same data directory and port).
  void start();
  // SIGKILL, as a crash would end it (no drain, nothing flushed), and reaps it.
  void kill_now();
  // Sends SIGTERM without waiting (for tests that watch a connection meanwhile).
  void terminate();
  // Waits up to `grace` for the process to exit; statuses as stop().
  int wait_exit(std::chrono::seconds grace = std::chrono::seconds(15));
  // True while the process has not exited (reaps it when it has).
  bool alive();
  // The last `max_bytes` of the server's stdout/stderr.
  std::string log_tail(std::size_t max_bytes = 4000) const;

 private:

  std::vector<std::string> extra_args_;
  std::unique_ptr<hark::testing::PgSchema> schema_;  // kept across restarts
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed
  std::string output;  // stdout and stderr together
};

// Runs `hark <args...>` to completion with `input` on its standard input (the command-line
// tools, e.g. `hark user add`). Throws std::runtime_error when it cannot be started or
// does not finish within 30 s.
CommandResult run_hark(const std::vector<std::string>& args, std::string_view input = {});

// Starts `args` (args[0] an absolute path) with stdout and stderr appended to `log`; the
// child is killed should the test binary die. Throws std::runtime_error when fork fails.
pid_t spawn(std::vector<std::string> args, const std::filesystem::path& log);

// A new empty directory under the system temporary directory ("hark-e2e-XXXXXX").
std::filesystem::path make_temp_dir();

// A free TCP port on 127.0.0.1 (bound to port 0, read, closed).
std::uint16_t free_port();

}  // namespace hark::e2e

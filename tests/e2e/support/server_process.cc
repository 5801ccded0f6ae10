#include "server_process.h"

#include "http_client.h"

#include "support/pg_database.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef HARK_BINARY
#error "HARK_BINARY must name the hark executable"
#endif

namespace hark::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string hark_binary() {
  if (const char* env = std::getenv("HARK_E2E_BINARY"); env && *env) return env;
  return HARK_BINARY;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

CommandResult run_hark(const std::vector<std::string>& args, std::string_view input) {
  std::vector<std::string> all = {hark_binary()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int in_pipe[2], out_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "execv %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  // Small inputs only: a pipe buffer holds them without a reader.
  (void)!::write(in_pipe[1], input.data(), input.size());
  ::close(in_pipe[1]);
  CommandResult result;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  int status = 0;
  while (true) {
    ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ::close(out_pipe[0]);
      throw std::runtime_error("hark command did not finish in 30 s: " + result.output);
    }
    std::this_thread::sleep_for(10ms);
  }
  ssize_t n;
  while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0) result.output.append(buf, static_cast<std::size_t>(n));
  ::close(out_pipe[0]);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

pid_t spawn(std::vector<std::string> args, const fs::path& log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // The child must not outlive a crashed test binary.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "execv %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "hark-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  return pattern;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  // The same tests on PostgreSQL (ctest runs them a second time, prefixed "postgres.").
  if (const char* store = std::getenv("HARK_E2E_STORE"); store && std::string_view(store) == "postgres") {
    bool has_url = false;
    for (const auto& a : extra_args_) has_url |= a.starts_with("--database-url");
    if (!has_url) {
      schema_ = std::make_unique<hark::testing::PgSchema>();
      extra_args_.insert(extra_args_.end(), {"--database-url", schema_->url()});
    }
  }
  fs::path root = make_temp_dir();
  data_dir_ = root / "data";
  fs::create_directories(data_dir_);
  log_path_ = root / "server.log";
  port_ = free_port();
  try {
    start();
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (std::getenv("HARK_E2E_KEEP") == nullptr) {
      std::error_code ec;
      fs::remove_all(root, ec);
    }
    throw;
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (std::getenv("HARK_E2E_KEEP") == nullptr) {
    std::error_code ec;
    fs::remove_all(data_dir_.parent_path(), ec);
  }
}

void ServerProcess::start() {
  if (pid_ > 0) throw std::logic_error("hark is already running");
  std::vector<std::string> args = {hark_binary(), "serve",      "--host",
                                   "127.0.0.1",   "--port",     std::to_string(port_),
                                   "--data-dir",  data_dir_.string()};
  // Speech decoders take seconds and ~150 MB each to load: only the speech tests, which
  // ask for them with --speech-decoders, get them.
  bool wants_speech = false;
  for (const auto& a : extra_args_) wants_speech |= a.starts_with("--speech-decoders");
  if (!wants_speech) args.push_back("--no-speech");
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_t pid = spawn(args, log_path_);
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) {
      throw std::runtime_error("hark exited during start-up; log tail:\n" + log_tail());
    }
    try {
      HttpClient client(port_, false, 2s);
      // The protocol puts every path under /api/v1; a root /healthz also counts as alive
      // here (the health test itself checks the documented path).
      auto res = client.get(api("/healthz"));
      if (res.status == 200) return;
      if (client.get("/healthz").status == 200) return;
      last_error = "GET /api/v1/healthz answered " + std::to_string(res.status);
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("hark did not answer /healthz within 20 s (" + last_error +
                           "); log tail:\n" + log_tail());
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ServerProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int ServerProcess::wait_exit(std::chrono::seconds grace) {
  if (pid_ <= 0) return -2;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (true) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(20ms);
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -3;
}

int ServerProcess::stop(std::chrono::seconds grace) {
  if (pid_ <= 0) return -2;
  terminate();
  return wait_exit(grace);
}

int ServerProcess::restart() {
  int status = pid_ > 0 ? stop() : 0;
  start();
  return status;
}

std::string ServerProcess::log_tail(std::size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  if (!in) return "(no log)";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  if (all.size() > max_bytes) all = "..." + all.substr(all.size() - max_bytes);
  return all;
}

}  // namespace hark::e2e

#include "common/subprocess.h"

#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hark {

namespace {

// An anonymous file holding `input`, read from its start; -1 on failure.
int input_file(std::string_view input) {
  const int fd = ::memfd_create("hark-input", MFD_CLOEXEC);
  if (fd < 0) return -1;
  std::size_t done = 0;
  while (done < input.size()) {
    const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<std::string> run_capture(const std::vector<std::string>& argv, const RunLimits& limits,
                                std::string_view input) {
  if (argv.empty()) return make_error(Errc::internal, "no program to run");
  const int in_fd = input.empty() ? -1 : input_file(input);
  if (!input.empty() && in_fd < 0) return make_error(Errc::unavailable, "cannot hold the input of " + argv[0]);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    if (in_fd >= 0) ::close(in_fd);
    return make_error(Errc::unavailable, "cannot create a pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (in_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (in_fd >= 0) ::close(in_fd);
  if (rc != 0) {
    ::close(fds[0]);
    return make_error(Errc::unavailable, argv[0] + " cannot be started");
  }

  std::string out;
  std::optional<Error> failure;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = make_error(Errc::unavailable, argv[0] + " took too long");
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends it
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > limits.max_output) {
      failure = make_error(Errc::too_large, argv[0] + " wrote too much");
      break;
    }
  }
  ::close(fds[0]);
  if (failure) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (failure) return *failure;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(Errc::unavailable, argv[0] + " failed");
  return out;
}

}  // namespace hark

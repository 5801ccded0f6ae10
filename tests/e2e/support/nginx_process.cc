#include "nginx_process.h"

#include "server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hark::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string nginx_binary() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/bin/nginx"})
    if (::access(p, X_OK) == 0) return p;
  throw std::runtime_error("nginx is not installed (apt-get install nginx-light)");
}

}  // namespace

std::string render_nginx_conf(const std::string& tmpl, const fs::path& prefix,
                              const std::string& listen,
                              const std::vector<std::uint16_t>& upstream_ports) {
  std::string servers;
  for (auto p : upstream_ports)
    servers += "    server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=5s;\n";
  if (!servers.empty()) servers.pop_back();
  std::string conf = tmpl;
  replace_all(conf, "@PREFIX@", prefix.string());
  replace_all(conf, "@LISTEN@", listen);
  replace_all(conf, "@UPSTREAM_SERVERS@", servers);
  return conf;
}

NginxProcess::NginxProcess(const std::vector<std::uint16_t>& upstream_ports) {
  const char* source = std::getenv("HARK_SOURCE_DIR");
  if (source == nullptr) throw std::runtime_error("HARK_SOURCE_DIR is not set (run through ctest)");
  const std::string tmpl = read_file(fs::path(source) / "deploy" / "nginx.conf.in");
  if (tmpl.empty()) throw std::runtime_error("deploy/nginx.conf.in not found under HARK_SOURCE_DIR");
  dir_ = make_temp_dir();
  // nginx's workers (nobody, when started as root) write temporary files here.
  fs::permissions(dir_, fs::perms::all, fs::perm_options::add);
  port_ = free_port();
  std::ofstream(dir_ / "nginx.conf") << render_nginx_conf(tmpl, dir_, "127.0.0.1:" + std::to_string(port_),
                                                          upstream_ports);
  pid_ = spawn({nginx_binary(), "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-e",
                (dir_ / "error.log").string(), "-g", "daemon off;"},
               dir_ / "stdout.log");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!accepts(port_)) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_ || std::chrono::steady_clock::now() > deadline) {
      std::string why = log_tail();
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      fs::remove_all(dir_);
      throw std::runtime_error("nginx did not start: " + why);
    }
    std::this_thread::sleep_for(20ms);
  }
}

NginxProcess::~NginxProcess() {
  ::kill(pid_, SIGTERM);  // fast shutdown: open WebSockets do not hold it
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (::waitpid(pid_, nullptr, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string NginxProcess::log_tail() const {
  std::string all = read_file(dir_ / "error.log") + read_file(dir_ / "stdout.log");
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

}  // namespace hark::e2e

// The real nginx, configured from the shipped template (deploy/nginx.conf.in), in front of
// Hark instances on loopback: for the tests of several instances behind a load balancer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hark::e2e {

class NginxProcess {
 public:
  // Renders the template for `upstream_ports` into a fresh directory, starts nginx
  // (in the foreground, as its own child) on a free loopback port and waits until it
  // accepts connections. Throws std::runtime_error (with nginx's error log) on failure.
  explicit NginxProcess(const std::vector<std::uint16_t>& upstream_ports);
  // Stops nginx (SIGTERM, then SIGKILL after 5 s) and removes its directory.
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string log_tail() const;

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// The nginx configuration for `upstream_ports` listening on `listen` ("127.0.0.1:PORT"),
// with its files under `prefix`: the template with its @...@ values filled in.
std::string render_nginx_conf(const std::string& tmpl, const std::filesystem::path& prefix,
                              const std::string& listen,
                              const std::vector<std::uint16_t>& upstream_ports);

}  // namespace hark::e2e

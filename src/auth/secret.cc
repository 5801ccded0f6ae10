// load_or_create_secret: the token key kept in the data directory.
#include "auth/auth.h"

#include "auth/crypto.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hark::auth {

namespace {

constexpr std::size_t kSecretBytes = 32;  // written as 64 hex characters
constexpr std::size_t kMinSecretChars = 32;

std::string read_secret(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.size() < kMinSecretChars) {
    throw std::runtime_error(file.string() + " is too short to be a token secret");
  }
  return s;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string load_or_create_secret(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  const auto file = data_dir / "secret.key";
  if (std::filesystem::exists(file)) return read_secret(file);

  // Written under a temporary name, then linked into place: a reader never sees a half
  // written key, and link (unlike rename) fails instead of replacing a key another process
  // created meanwhile; that key then wins.
  const std::string secret = crypto::random_hex(kSecretBytes);
  const auto temp = data_dir / ("secret.key.tmp-" + crypto::random_hex(8));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot create", temp);
  const std::string text = secret + "\n";
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  ok = ok && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("cannot write", temp);
  }
  if (::link(temp.c_str(), file.c_str()) != 0) {
    const int saved = errno;
    // Some file systems have no hard links; rename is the next best atomic step.
    if ((saved == EPERM || saved == ENOTSUP || saved == EOPNOTSUPP) &&
        ::rename(temp.c_str(), file.c_str()) == 0) {
      return secret;
    }
    ::unlink(temp.c_str());
    if (saved == EEXIST) return read_secret(file);
    errno = saved;
    fail("cannot create", file);
  }
  ::unlink(temp.c_str());
  return secret;
}

}  // namespace hark::auth

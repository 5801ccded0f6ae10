// Shared by the auth tests: a temporary directory, a real SQLite store in it, a
// hand-moved clock and an AuthService at the cheapest hashing cost.
#pragma once

#include "auth/auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <unistd.h>

#include "support/temp_dir.h"

namespace hark::auth::testing {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A temp dir named for this suite.
class TempDir : public hark::testing::TempDir {
 public:
  TempDir() : hark::testing::TempDir("hark-auth-test") {}
};

inline constexpr const char* kSecret = "test-secret-0123456789abcdef0123456789abcdef";
inline constexpr const char* kPassword = "correct horse battery";

inline Options test_options() {
  Options o;
  o.secret = kSecret;
  o.access_ttl = seconds(600);
  o.refresh_ttl = seconds(3600);
  o.max_failures = 3;
  o.failure_window = seconds(60);
  o.hash_cost = HashCost::minimum;
  return o;
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest()
      : store_(store::open_sqlite(dir_.path() / "hark.db")),
        clock_(std::chrono::system_clock::time_point(seconds(1'800'000'000))) {
    make_service(test_options());
  }

  void make_service(Options options) {
    service_.reset();
    service_ = std::make_unique<AuthService>(std::move(options), *store_, clock_);
  }

  store::User registered(const std::string& email, const std::string& password = kPassword) {
    auto u = service_->register_user(email, password, "");
    EXPECT_TRUE(u) << (u ? "" : u.error().detail);
    return u ? *u : store::User{};
  }

  TokenPair logged_in(const std::string& email, const std::string& client = "10.0.0.1") {
    auto t = service_->login(email, kPassword, client);
    EXPECT_TRUE(t) << (t ? "" : t.error().detail);
    return t ? *t : TokenPair{};
  }

  void expect_error(const Error& e, Errc code) {
    EXPECT_EQ(e.code, code) << errc_name(e.code) << ": " << e.detail;
    EXPECT_EQ(e.detail.find(kPassword), std::string::npos);
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  std::unique_ptr<AuthService> service_;
};

}  // namespace hark::auth::testing

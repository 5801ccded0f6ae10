// The one test suite every Store implementation passes. An implementation's test file
// defines a Backend (a database the suite may open several times, cleaned up when the
// Backend is destroyed) and instantiates the suite:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest,
//       ::testing::Values(StoreParam{"sqlite", [] { return make_sqlite_backend(); }}),
//       store_param_name);
#pragma once

#include "store/store.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

namespace hark::store::testing {

class Backend {
 public:
  virtual ~Backend() = default;
  // A new handle on the same database; data written through earlier handles is there.
  virtual std::unique_ptr<Store> open() = 0;
};

struct StoreParam {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

inline std::string store_param_name(const ::testing::TestParamInfo<StoreParam>& info) {
  return info.param.name;
}

class StoreTest : public ::testing::TestWithParam<StoreParam> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    ASSERT_NE(backend_, nullptr);
    store_ = backend_->open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    backend_.reset();
  }

  // Closes the store and opens the same database again.
  void reopen() {
    store_.reset();
    store_ = backend_->open();
  }

  // A user that exists, for the tests that need one.
  User make_user(const std::string& email) {
    auto u = store_->create_user(email, "Someone", "hash-of-" + email, 1000);
    EXPECT_TRUE(u) << (u ? "" : u.error().detail);
    return u ? *u : User{};
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Store> store_;
};

}  // namespace hark::store::testing

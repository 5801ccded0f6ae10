// The fixture every end-to-end test uses: a fresh `hark` process per test (ctest runs
// each test on its own anyway), checked to exit cleanly on SIGTERM at the end.
#pragma once

#include "helpers.h"
#include "http_client.h"
#include "server_process.h"
#include "ws_client.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <cctype>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace hark::e2e {

class E2ETest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<ServerProcess>(server_args()); }

  void TearDown() override {
    if (server_ && server_->running()) {
      EXPECT_TRUE(server_->alive()) << "hark died during the test; log:\n" << server_->log_tail();
      int rc = server_->stop();
      EXPECT_EQ(rc, 0) << "hark did not exit cleanly on SIGTERM; log:\n" << server_->log_tail();
    }
  }

  virtual std::vector<std::string> server_args() { return {}; }

  ServerProcess& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }
  HttpClient http() const { return HttpClient(server_->port()); }
  Tokens new_user(std::string_view prefix) {
    return register_and_login(port(), unique_email(prefix));
  }

  // Opens an authenticated session for `tokens`.
  void open(WsClient& ws, const Tokens& tokens) { open_session(ws, port(), tokens.access_token); }

  std::unique_ptr<ServerProcess> server_;
};

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline bool has(const boost::json::object& o, std::string_view key) { return o.contains(key); }

// The action object of a response, or an empty object.
inline boost::json::object action_of(const boost::json::object& response) {
  auto it = response.find("action");
  if (it == response.end() || !it->value().is_object()) return {};
  return it->value().as_object();
}

inline boost::json::object params_of(const boost::json::object& response) {
  auto action = action_of(response);
  auto it = action.find("params");
  if (it == action.end() || !it->value().is_object()) return {};
  return it->value().as_object();
}

// A JSON value as text: strings without quotes, anything else serialized.
inline std::string text_of(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

inline std::string param(const boost::json::object& response, std::string_view name) {
  auto params = params_of(response);
  auto it = params.find(name);
  return it == params.end() ? std::string("<absent>") : text_of(it->value());
}

// A JSON number as double (int64, uint64 or double), NaN otherwise.
inline double number_of(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::numeric_limits<double>::quiet_NaN();
}

inline double number_param(const boost::json::object& response, std::string_view name) {
  auto params = params_of(response);
  auto it = params.find(name);
  return it == params.end() ? std::numeric_limits<double>::quiet_NaN() : number_of(it->value());
}

// Sends a ping and reads up to the pong; fails the test on anything else but the pong.
inline void expect_pong(WsClient& ws) {
  ASSERT_TRUE(ws.send_json({{"type", "ping"}}));
  auto m = ws.read();
  ASSERT_TRUE(m.is_json()) << m.describe();
  EXPECT_EQ(m.type(), "pong") << m.describe();
  EXPECT_FALSE(m.object.contains("message")) << "a pong must not carry message";
}


// A server with one real decoder, the server's default speech settings, and the compiled
// language model shared by every such server of the run (content-addressed). SetUp waits
// until the decoders, which load in the background, are ready (/readyz).
class SpeechE2ETest : public E2ETest {
 protected:
  std::vector<std::string> server_args() override {
    static const std::string cache = (std::filesystem::temp_directory_path() /
                                      ("hark-e2e-asr-" + std::to_string(::getuid()))).string();
    return {"--speech-decoders", "1", "--speech-cache-dir", cache};
  }
  void SetUp() override {
    E2ETest::SetUp();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
      auto res = http().get(api("/readyz"));
      if (res.status == 200) state = str(boost::json::parse(res.body).as_object(), "speech");
      if (state == "ready" || state == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(state, "ready") << server().log_tail();
  }
};

}  // namespace hark::e2e

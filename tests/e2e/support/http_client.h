// A small blocking HTTP/1.1 client for the end-to-end tests. Beast stays inside the .cc
// files of this folder so that test files compile quickly.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::e2e {

// Header names are kept lower case so lookups do not depend on the server's spelling.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The body parsed as JSON; throws std::runtime_error (with the body) when it is not JSON.
  boost::json::value json() const;
  // The body as a JSON object; throws when it is not one.
  boost::json::object object() const;
  // The value of a header, "" when absent (`name` in any case).
  std::string header(std::string_view name) const;
};

// Prefix of every API path.
inline std::string api(std::string_view path) { return "/api/v1" + std::string(path); }

class HttpClient {
 public:
  // With `keep_alive`, one connection is reused while the server keeps it open.
  explicit HttpClient(std::uint16_t port, bool keep_alive = false,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request. An empty `content_type` sends no Content-Type header. Throws
  // std::runtime_error when the server cannot be reached or does not answer in time.
  // A body the server refuses early (413) is cut short; the answer is still read.
  HttpResponse request(std::string_view method, std::string_view target,
                       std::string_view body = {},
                       std::string_view content_type = "application/json",
                       const Headers& headers = {});

  // Conveniences; an empty `token` sends no Authorization header.
  HttpResponse get(std::string_view target, std::string_view token = {});
  HttpResponse del(std::string_view target, std::string_view token = {});
  HttpResponse post_json(std::string_view target, const boost::json::value& body,
                         std::string_view token = {});
  HttpResponse put_json(std::string_view target, const boost::json::value& body,
                        std::string_view token = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hark::e2e

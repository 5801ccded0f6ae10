// A request as Beast parsed it, in the Beast-free form the routes take (api.h). Shared by
// server.cc and the HTTP fuzzer, which feed the same parser.
#pragma once

#include "server/api.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace hark::server {

inline HttpRequest to_request(const boost::beast::http::request<boost::beast::http::string_body>& req,
                              const std::string& client) {
  namespace http = boost::beast::http;
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.authorization = std::string(req[http::field::authorization]);
  r.content_type = std::string(req[http::field::content_type]);
  r.if_none_match = std::string(req[http::field::if_none_match]);
  r.body = req.body();
  r.client = client;
  return r;
}

}  // namespace hark::server

#include "world.h"

#include <boost/json/parse.hpp>

#include <cstdio>

namespace hark::fuzz {

void expect_json_text(const std::string& text) {
  boost::system::error_code ec;
  (void)boost::json::parse(text, ec);  // Boost.JSON refuses invalid UTF-8 as well
  if (ec) {
    std::fprintf(stderr, "not JSON (%s): %.300s\n", ec.message().c_str(), text.c_str());
    std::abort();
  }
}

}  // namespace hark::fuzz

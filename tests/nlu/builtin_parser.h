// A test fixture: the built-in skills' parser (built once per suite) at a fixed moment.
#pragma once

#include "nlu/parser.h"

#include "time_points.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace hark::nlu::testing {

class BuiltinParserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new skills::Registry();
    registry_->load_builtin();
    parser_ = new Parser(*registry_);
  }
  static void TearDownTestSuite() {
    delete parser_;
    delete registry_;
    parser_ = nullptr;
    registry_ = nullptr;
  }
  BuiltinParserTest() {
    ctx_.now = utc(2026, 11, 25, 10, 0);  // a Wednesday
    ctx_.timezone = "UTC";
  }
  ParseResult parse(std::string_view text) const { return parser_->parse(text, ctx_); }
  // A slot's value as text ("<missing>" when absent), numbers as JSON.
  static std::string str(const ParseResult& r, const std::string& slot) {
    auto it = r.slots.find(slot);
    if (it == r.slots.end()) return "<missing>";
    const SlotValue& v = it->second.value;
    if (const std::string* text = text_of(v)) return *text;
    if (auto* d = std::get_if<Duration>(&v)) return std::to_string(d->amount);
    if (auto* n = std::get_if<Number>(&v)) return boost::json::serialize(boost::json::value(n->value));
    return "null";
  }

  static inline skills::Registry* registry_ = nullptr;
  static inline Parser* parser_ = nullptr;
  Context ctx_;
};

}  // namespace hark::nlu::testing

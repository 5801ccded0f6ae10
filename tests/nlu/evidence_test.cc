// The evidence an action chosen by the statistical stage needs (src/nlu/evidence.h), with
// the built-in skills. The sentences below reach the classifier (no template has them),
// and each pair shows a request that acted wrongly without the evidence next to a close
// one that still acts.
#include "nlu/parser.h"

#include "builtin_parser.h"

#include <gtest/gtest.h>

#include <utility>

namespace hark::nlu {
namespace {

// Below any template match's confidence: the classifier answered.
constexpr double kTemplateConfidence = 0.5;

class ActionEvidence : public testing::BuiltinParserTest {};

TEST_F(ActionEvidence, ARequiredClosedListSlotMustBeNamed) {
  // Every device_setting sentence names a setting; "that thing" names none, so there is
  // nothing to switch (before: device_setting acted, with no setting).
  for (const char* text : {"switch that thing off", "switch that thing on"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_TRUE(r.slots.empty()) << text;
  }
  // Naming one is enough for the classifier's answer to stand.
  for (auto [text, setting] :
       {std::pair{"switch that wifi thing off", "wifi"}, {"switch that bluetooth thing off", "bluetooth"}}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "device_setting") << text;
    EXPECT_LT(r.confidence, kTemplateConfidence) << text;
    EXPECT_EQ(str(r, "setting"), setting) << text;
    EXPECT_EQ(str(r, "state"), "off") << text;
  }
}

}  // namespace
}  // namespace hark::nlu

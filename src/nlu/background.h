// Requests and remarks no built-in skill covers, written for the statistical stage's
// background class: what an assistant hears that is not a command it can carry out.
#pragma once

#include <string_view>
#include <vector>

namespace hark::nlu {

const std::vector<std::string_view>& background_sentences();

}  // namespace hark::nlu

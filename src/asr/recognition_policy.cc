#include "asr/recognition_policy.h"

#include <unordered_set>

namespace hark::asr {

HearingCheck::~HearingCheck() = default;
TwoPassEngine::~TwoPassEngine() = default;

RecognitionPolicy::RecognitionPolicy(const HearingCheck& check, PolicyOptions options)
    : check_(check), options_(options) {}

Result<Heard> RecognitionPolicy::recognize(TwoPassEngine& engine, std::span<const std::int16_t> utterance) const {
  std::optional<std::string> mixed;
  if (options_.mixed_first) {
    auto first = engine.decode_mixed(utterance);
    if (!first) return first.error();
    if (!first->empty() && check_.is_command(*first)) return Heard{*first, Hearing::mixed_command};
    mixed = std::move(*first);
  }
  auto domain = engine.decode_domain(utterance);
  if (!domain) return domain.error();
  if (!domain->empty()) {
    if (check_.accepts_domain(*domain)) return Heard{*domain, Hearing::domain_best};
    if (auto next = next_best_accepted(engine, *domain)) return Heard{*next, Hearing::domain_nbest};
  }
  if (mixed) return Heard{*mixed, Hearing::mixed};
  auto last = engine.decode_mixed(utterance);
  if (!last) return last.error();
  return Heard{*last, Hearing::mixed};
}

std::optional<std::string> RecognitionPolicy::next_best_accepted(TwoPassEngine& engine,
                                                                 const std::string& best) const {
  if (options_.nbest <= 0) return std::nullopt;
  std::optional<std::string> found;
  std::unordered_set<std::string> seen = {best};
  int tried = 0;
  engine.visit_domain_nbest([&](std::string_view hyp) {
    if (!seen.emplace(hyp).second) return true;
    ++tried;
    if (!hyp.empty() && check_.accepts_domain(hyp)) found = std::string(hyp);
    return !found && tried < options_.nbest;
  });
  return found;
}

}  // namespace hark::asr

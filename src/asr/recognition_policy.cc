#include "asr/recognition_policy.h"

#include "asr/language_model.h"  // words_of

#include <algorithm>
#include <unordered_set>
#include <vector>

namespace hark::asr {

double agreement(std::string_view words, std::string_view other) {
  const auto a = words_of(words), b = words_of(other);
  if (a.empty()) return 1;
  std::vector<std::size_t> row(b.size() + 1, 0), prev(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j)
      row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
    std::swap(row, prev);
  }
  return static_cast<double>(prev[b.size()]) / static_cast<double>(a.size());
}

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
    if (check_.accepts_domain(*domain) && agrees(*domain, mixed)) return Heard{*domain, Hearing::domain_best};
    if (auto next = next_best_accepted(engine, *domain, mixed)) return Heard{*next, Hearing::domain_nbest};
  }
  if (mixed) return Heard{*mixed, Hearing::mixed};
  auto last = engine.decode_mixed(utterance);
  if (!last) return last.error();
  return Heard{*last, Hearing::mixed};
}

bool RecognitionPolicy::agrees(std::string_view words, const std::optional<std::string>& mixed) const {
  return options_.min_agreement <= 0 || !mixed || agreement(words, *mixed) >= options_.min_agreement;
}

std::optional<std::string> RecognitionPolicy::next_best_accepted(TwoPassEngine& engine, const std::string& best,
                                                                 const std::optional<std::string>& mixed) const {
  if (options_.nbest <= 0) return std::nullopt;
  std::optional<std::string> found;
  std::unordered_set<std::string> seen = {best};
  int tried = 0;
  engine.visit_domain_nbest([&](std::string_view hyp) {
    if (!seen.emplace(hyp).second) return true;
    ++tried;
    if (!hyp.empty() && check_.accepts_domain(hyp) && agrees(hyp, mixed)) found = std::string(hyp);
    return !found && tried < options_.nbest;
  });
  return found;
}

}  // namespace hark::asr

// Pronunciations of words the CMU dictionary lacks, from espeak-ng's IPA output.
#include "asr/language_model.h"
#include "common/subprocess.h"

#include <utility>

namespace hark::asr {
namespace {

// IPA (as espeak-ng -v en-us writes it) -> CMU phones. Longer keys are tried first.
const std::vector<std::pair<std::string_view, std::string_view>>& ipa_table() {
  static const std::vector<std::pair<std::string_view, std::string_view>> table = {
      {"tʃ", "CH"}, {"dʒ", "JH"}, {"aɪ", "AY"}, {"aʊ", "AW"}, {"eɪ", "EY"}, {"oʊ", "OW"},
      {"əʊ", "OW"}, {"ɔɪ", "OY"}, {"ɪɹ", "IH R"}, {"ɛɹ", "EH R"}, {"ʊɹ", "UH R"},
      {"ɑːɹ", "AA R"}, {"ɔːɹ", "AO R"}, {"ɜː", "ER"}, {"ɜ", "ER"}, {"ɚ", "ER"}, {"ɝ", "ER"}, {"iː", "IY"},
      {"uː", "UW"}, {"ɑː", "AA"}, {"ɔː", "AO"}, {"ə", "AH"}, {"ɐ", "AH"}, {"ʌ", "AH"},
      {"æ", "AE"}, {"ɛ", "EH"}, {"ɪ", "IH"}, {"ᵻ", "IH"}, {"i", "IY"}, {"ʊ", "UH"}, {"u", "UW"},
      {"ɑ", "AA"}, {"ɒ", "AA"}, {"ɔ", "AO"}, {"e", "EH"}, {"o", "OW"}, {"a", "AE"},
      {"θ", "TH"}, {"ð", "DH"}, {"ʃ", "SH"}, {"ʒ", "ZH"}, {"ŋ", "NG"}, {"ɹ", "R"}, {"r", "R"},
      {"ɾ", "T"}, {"ɡ", "G"}, {"ɫ", "L"}, {"ʔ", "T"}, {"x", "K"}, {"j", "Y"}, {"p", "P"},
      {"b", "B"}, {"t", "T"}, {"d", "D"}, {"k", "K"}, {"g", "G"}, {"f", "F"}, {"v", "V"},
      {"s", "S"}, {"z", "Z"}, {"h", "HH"}, {"m", "M"}, {"n", "N"}, {"l", "L"}, {"w", "W"},
  };
  return table;
}

// Marks that carry no phone: stress, length, syllabic and tie marks.
bool skippable(std::string_view s, std::size_t pos, std::size_t& len) {
  static const std::array<std::string_view, 7> marks = {"ˈ", "ˌ", "ː", "ˑ", "͡", "‿", "̩"};
  for (auto m : marks)
    if (s.substr(pos, m.size()) == m) {
      len = m.size();
      return true;
    }
  const auto c = static_cast<unsigned char>(s[pos]);
  // Other combining diacritics (U+0300..U+036F are 0xCC 0x80 .. 0xCD 0xAF in UTF-8).
  if ((c == 0xCC || c == 0xCD) && pos + 1 < s.size()) {
    len = 2;
    return true;
  }
  if (c == ' ' || c == '\n' || c == '\t' || c == '-' || c == '\'') {
    len = 1;
    return true;
  }
  return false;
}

std::string run_espeak(const std::string& word) {
  // The word is one argument after "--": never an option, never seen by a shell.
  auto ipa = run_capture({"espeak-ng", "-v", "en-us", "-q", "--ipa", "--", word},
                         RunLimits{.max_output = 64 * 1024, .timeout = std::chrono::seconds(10)});
  return ipa ? *ipa : std::string();
}

}  // namespace

std::string ipa_to_cmu(std::string_view ipa) {
  std::string out;
  std::size_t pos = 0;
  while (pos < ipa.size()) {
    std::size_t len = 0;
    if (skippable(ipa, pos, len)) {
      pos += len;
      continue;
    }
    bool matched = false;
    for (auto& [key, phones] : ipa_table()) {
      if (ipa.substr(pos, key.size()) == key) {
        if (!out.empty()) out.push_back(' ');
        out += phones;
        pos += key.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      // An unknown symbol: skip its UTF-8 sequence.
      const auto c = static_cast<unsigned char>(ipa[pos]);
      pos += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    }
  }
  return out;
}

std::string guess_pronunciation(const std::string& word) {
  if (word.empty()) return {};
  return ipa_to_cmu(run_espeak(word));
}

}  // namespace hark::asr

// Pronunciations of words the CMU dictionary lacks, from espeak-ng's IPA output.
#include "asr/pronouncer.h"
#include "common/subprocess.h"

#include <array>
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

// Each word on a line of its own, ended by "!": that ends a clause even after an
// abbreviation ("dr", "st", which a bare line break does not), so espeak-ng writes one line of
// IPA per word. Words are text on stdin: never an option, never seen by a shell.
std::string batch_input(const std::vector<std::string>& words, const std::vector<std::size_t>& which) {
  std::string in;
  for (auto i : which) in += words[i] + "!\n";
  return in;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(line);
    pos = end + 1;
  }
  return lines;
}

// Guesses words[which...] into out[which...] with one espeak-ng run, halving the batch when
// its lines do not match the words one to one. A run that fails (espeak-ng missing, too
// slow) leaves the words without a guess rather than trying them one by one.
void guess_into(const std::vector<std::string>& words, const std::vector<std::size_t>& which,
                std::vector<std::string>& out) {
  if (which.empty()) return;
  const RunLimits limits{.max_output = 64 * 1024 + 512 * which.size(),
                         .timeout = std::chrono::seconds(10) + std::chrono::milliseconds(20) * which.size()};
  auto ipa = run_capture({"espeak-ng", "-v", "en-us", "-q", "--ipa"}, limits, batch_input(words, which));
  if (!ipa) return;
  auto lines = lines_of(*ipa);
  if (lines.size() == which.size()) {
    for (std::size_t k = 0; k < which.size(); ++k) out[which[k]] = ipa_to_cmu(lines[k]);
    return;
  }
  if (which.size() == 1) {
    out[which[0]] = ipa_to_cmu(*ipa);  // a word said as two clauses: all of it is its
    return;
  }
  const auto mid = which.begin() + static_cast<std::ptrdiff_t>(which.size() / 2);
  guess_into(words, std::vector<std::size_t>(which.begin(), mid), out);
  guess_into(words, std::vector<std::size_t>(mid, which.end()), out);
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

std::vector<std::string> guess_pronunciations(const std::vector<std::string>& words) {
  std::vector<std::string> out(words.size());
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < words.size(); ++i)
    if (!words[i].empty() && words[i].find_first_of("\n\r") == std::string::npos) which.push_back(i);
  guess_into(words, which, out);
  return out;
}

}  // namespace hark::asr

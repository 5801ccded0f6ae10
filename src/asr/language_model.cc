#include "asr/language_model.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <unordered_set>

#include <unistd.h>

namespace hark::asr {
namespace {

namespace fs = std::filesystem;

// Bump when the way models are built changes, so that old cache entries are not reused.
constexpr std::string_view kBuilderVersion = "hark-lm-8";

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Everything the built files depend on, as one string to hash.
std::string model_inputs(const skills::Registry& registry, const ModelOptions& o) {
  std::ostringstream s;
  s << kBuilderVersion << '\n' << o.samples_per_sentence << '\n' << o.grammar_of_builtin_skills << '\n';
  for (auto& [k, v] : registry.shared_rules()) s << "rule " << k << '=' << v << '\n';
  for (const auto& sk : registry.all()) {
    s << "skill " << sk.name << '\n';
    for (auto& [k, v] : sk.rules) s << "rule " << k << '=' << v << '\n';
    for (auto& t : sk.sentences) s << "sentence " << t << '\n';
    for (auto& slot : sk.slots) {
      s << "slot " << slot.name << ' ' << skills::slot_type_name(slot.type) << '\n';
      for (auto& v : slot.values) {
        s << "value " << v.out << ':';
        for (auto& i : v.in) s << i << '|';
        s << '\n';
      }
    }
  }
  for (auto& w : o.extra_words) s << "word " << w << '\n';
  std::error_code ec;
  const auto dict = o.model_dir / "cmudict-en-us.dict";
  s << "dict " << fs::file_size(dict, ec) << '\n';
  return s.str();
}

bool write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> lines;
  std::ifstream in(p);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

ModelFiles files_of(const fs::path& dir, const ModelOptions& o) {
  ModelFiles m;
  m.acoustic_dir = o.model_dir / "en-us";
  m.dictionary = dir / "words.dict";
  m.domain_lm = dir / "domain.arpa";
  std::error_code ec;
  if (fs::exists(dir / "domain.fsg", ec)) m.domain_grammar = dir / "domain.fsg";
  if (o.use_general_lm) m.general_lm = o.model_dir / "en-us.lm.bin";
  m.domain_weight = o.domain_weight;
  m.guessed_words = read_lines(dir / "guessed.txt");
  // Listed at every start, built or cached, so that a skill's author sees them.
  if (!m.guessed_words.empty()) {
    std::string list;
    for (const auto& w : m.guessed_words) list += (list.empty() ? "" : ", ") + w;
    spdlog::info("asr: pronunciations guessed with espeak-ng for: {}", list);
  }
  return m;
}

}  // namespace

std::uint64_t content_hash(std::string_view data, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Result<ModelFiles> build_model(const skills::Registry& registry, const ModelOptions& options) {
  const fs::path cmudict = options.model_dir / "cmudict-en-us.dict";
  std::error_code ec;
  if (!fs::exists(options.model_dir / "en-us" / "mdef", ec) || !fs::exists(cmudict, ec))
    return make_error(Errc::unavailable, "pocketsphinx en-us model not found in " + options.model_dir.string());
  if (options.use_general_lm && !fs::exists(options.model_dir / "en-us.lm.bin", ec))
    return make_error(Errc::unavailable, "en-us.lm.bin not found in " + options.model_dir.string());

  const fs::path dir = options.cache_dir / hex(content_hash(model_inputs(registry, options)));
  if (fs::exists(dir / "domain.arpa", ec) && fs::exists(dir / "words.dict", ec)) {
    spdlog::debug("asr: language model from cache {}", dir.string());
    return files_of(dir, options);
  }

  std::vector<std::vector<std::string>> sentences;
  for (const auto& skill : registry.all()) {
    auto s = expand_skill(skill, registry.shared_rules(), options.samples_per_sentence);
    sentences.insert(sentences.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
  }
  for (const auto& w : options.extra_words)
    if (auto ws = words_of(w); !ws.empty()) sentences.push_back(ws);
  if (sentences.empty()) sentences.push_back({"hello"});  // sphinxbase needs some model

  std::set<std::string> vocabulary;
  for (auto& s : sentences) vocabulary.insert(s.begin(), s.end());
  // The grammar names every alternative, where the sampled sentences may miss a rare one:
  // its words need pronunciations too.
  std::string grammar = skills_grammar(registry, options.grammar_of_builtin_skills);
  const std::set<std::string> grammar_vocabulary = grammar_words(grammar);
  vocabulary.insert(grammar_vocabulary.begin(), grammar_vocabulary.end());

  // The CMU dictionary, copied whole: the general model's words need it too.
  std::ifstream in(cmudict, std::ios::binary);
  std::string dict_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::unordered_set<std::string> known;
  {
    std::istringstream lines(dict_text);
    for (std::string line; std::getline(lines, line);) {
      std::string w(dictionary_headword(line));
      if (!w.empty() && vocabulary.count(w)) known.insert(w);
    }
  }
  std::vector<std::string> unknown;  // a class tag is never spoken
  for (const auto& w : vocabulary)
    if (!known.count(w) && w != kContactClass) unknown.push_back(w);
  const auto guesses = guess_pronunciations(unknown);  // one espeak-ng run for them all
  std::string guessed_lines, guessed_list;
  std::set<std::string> unpronounceable;
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    const std::string& w = unknown[i];
    if (guesses[i].empty()) {
      unpronounceable.insert(w);
      continue;
    }
    guessed_lines += w + ' ' + guesses[i] + '\n';
    guessed_list += w + '\n';
  }
  if (!unpronounceable.empty()) {
    std::erase_if(sentences, [&](const std::vector<std::string>& s) {
      return std::any_of(s.begin(), s.end(), [&](const std::string& w) { return unpronounceable.count(w) > 0; });
    });
    for (auto& w : unpronounceable)
      spdlog::warn("asr: no pronunciation for '{}'; sentences with it are left out of the model", w);
    // A grammar search refuses a grammar with a word the dictionary lacks.
    if (std::any_of(unpronounceable.begin(), unpronounceable.end(),
                    [&](const std::string& w) { return grammar_vocabulary.count(w) > 0; })) {
      spdlog::warn("asr: the skills' grammar has a word without a pronunciation; no grammar search");
      grammar.clear();
    }
  }
  const fs::path tmp = dir.string() + ".tmp" + std::to_string(::getpid());
  fs::create_directories(tmp, ec);
  if (ec) return make_error(Errc::internal, "cannot create " + tmp.string() + ": " + ec.message());
  if (dict_text.empty() || dict_text.back() != '\n') dict_text.push_back('\n');
  if (!write_file(tmp / "domain.arpa", estimate_arpa(sentences)) ||
      !write_file(tmp / "words.dict", dict_text + guessed_lines) ||
      !write_file(tmp / "guessed.txt", guessed_list) ||
      (!grammar.empty() && !write_file(tmp / "domain.fsg", grammar)))
    return make_error(Errc::internal, "cannot write the language model in " + tmp.string());
  fs::rename(tmp, dir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);  // another process built the same model first
    if (!fs::exists(dir / "domain.arpa"))
      return make_error(Errc::internal, "cannot move the language model into " + dir.string());
  }
  spdlog::info("asr: built language model {} ({} sentences, {} words)", dir.string(), sentences.size(),
               vocabulary.size());
  return files_of(dir, options);
}

}  // namespace hark::asr

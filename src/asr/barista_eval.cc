// barista_eval: how well spoken coffee orders are understood, end to end (speech -> words ->
// intent + slots), clean and with kitchen noise mixed in.
//
//   barista_eval --data DIR [--skills-dir examples/skills] [--snr 12] [--cache DIR]
//                [--domain-weight W] [--lw X] [--wip X] [--no-general] [--limit N] [--out FILE]
//                [--one-pass] [--domain-first] [--nbest N] [--domain-lw X] [--samples N]
//                [--no-clean] [--no-noisy]
//
// By default it decodes the way the server does: the mixed model first, its words kept when
// they make a command (a template match); else the skills' model alone, its words kept when
// they parse to a command of closed-list/typed slots (asr/domain_check.h, trying up to
// --nbest runner-up hypotheses); else the mixed model's words. --domain-first: skip the first
// mixed pass. --one-pass: the mixed model alone.
// --out writes a line per decode: file, clean/noisy, ok/FAIL, transcript, what was wrong,
// and what the skills' model alone heard.
//
// DIR holds 16 kHz WAVs, labels.jsonl ({"file", "intent", "slots": {slot: spoken value}})
// and kitchen-noise.wav. A command counts only when the intent and every slot are right:
// the spoken label values and the parser's values are compared after mapping the label
// through the skill's closed lists (so "a bit of sugar" and "a little bit of sugar" are the
// same value when the skill says so). Slot and intent names are compared without case and
// underscores ("orderDrink" = "order_drink").
// Also printed: the share of commands whose transcript contains every labelled slot phrase
// (or a synonym), a measure of the recognizer alone.
#include "asr/domain_check.h"
#include "asr/language_model.h"
#include "asr/transcribe.h"
#include "audio/audio.h"
#include "nlu/parser.h"
#include "skills/registry.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace hark;

namespace {

struct Label {
  std::string file;
  std::string intent;
  std::map<std::string, std::string> slots;
};

std::string key(std::string_view name) {
  std::string k;
  for (char c : name)
    if (c != '_') k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return k;
}

std::string join(const std::vector<std::string>& w) {
  std::string s;
  for (auto& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

std::optional<std::vector<std::int16_t>> read_wav(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto s = audio::decode_all(bytes, audio::Format{audio::Encoding::wav});
  if (!s) return std::nullopt;
  return std::move(*s);
}

// Adds `noise` (looped, from an offset that depends on the file) at `snr_db` below the clip's power.
std::vector<std::int16_t> mix(const std::vector<std::int16_t>& clean, const std::vector<std::int16_t>& noise,
                              double snr_db, std::uint64_t seed) {
  if (noise.empty() || clean.empty()) return clean;
  const std::size_t offset = static_cast<std::size_t>(seed % noise.size());
  double ps = 0, pn = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const double n = noise[(offset + i) % noise.size()];
    ps += static_cast<double>(clean[i]) * clean[i];
    pn += n * n;
  }
  if (pn <= 0) return clean;
  const double scale = std::sqrt(ps / (pn * std::pow(10.0, snr_db / 10.0)));
  std::vector<std::int16_t> out(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i)
    out[i] = static_cast<std::int16_t>(
        std::clamp(clean[i] + scale * noise[(offset + i) % noise.size()], -32768.0, 32767.0));
  return out;
}

struct Scorer {
  const skills::Skill* skill = nullptr;

  // The label's spoken value as the skill's closed list would put it.
  std::string expected(const std::string& slot, const std::string& spoken) const {
    const std::string said = join(asr::words_of(spoken));
    if (!skill) return said;
    for (auto& def : skill->slots) {
      if (key(def.name) != key(slot)) continue;
      for (auto& v : def.values)
        for (auto& in : v.in)
          if (join(asr::words_of(in)) == said) return v.out;
    }
    return said;
  }

  // The phrases that say `out` in `slot`.
  std::vector<std::string> phrases(const std::string& slot, const std::string& spoken) const {
    std::vector<std::string> p = {join(asr::words_of(spoken))};
    const std::string out = expected(slot, spoken);
    if (skill)
      for (auto& def : skill->slots)
        if (key(def.name) == key(slot))
          for (auto& v : def.values)
            if (v.out == out)
              for (auto& in : v.in) p.push_back(join(asr::words_of(in)));
    return p;
  }

  bool transcript_has_slots(const Label& l, const std::string& transcript) const {
    const std::string t = " " + transcript + " ";
    for (auto& [slot, value] : l.slots) {
      bool found = false;
      for (auto& p : phrases(slot, value)) found = found || t.find(" " + p + " ") != std::string::npos;
      if (!found) return false;
    }
    return true;
  }

  bool understood(const Label& l, const nlu::ParseResult& r, std::string& why) const {
    if (key(r.intent) != key(l.intent)) {
      why = "intent " + r.intent;
      return false;
    }
    std::map<std::string, std::string> got;
    for (auto& [name, slot] : r.slots)
      got[key(name)] = slot.value.is_string() ? std::string(slot.value.as_string()) : boost::json::serialize(slot.value);
    std::map<std::string, std::string> want;
    for (auto& [name, value] : l.slots) want[key(name)] = expected(name, value);
    if (got != want) {
      for (auto& [k, v] : want)
        if (!got.count(k) || got[k] != v) why += k + "=" + (got.count(k) ? got[k] : "(none)") + " want " + v + "; ";
      for (auto& [k, v] : got)
        if (!want.count(k)) why += "extra " + k + "=" + v + "; ";
      return false;
    }
    return true;
  }
};

std::vector<Label> read_labels(const fs::path& p) {
  std::vector<Label> labels;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto v = boost::json::parse(line).as_object();
    Label l;
    l.file = std::string(v.at("file").as_string());
    l.intent = std::string(v.at("intent").as_string());
    for (auto& [k, val] : v.at("slots").as_object()) l.slots[std::string(k)] = std::string(val.as_string());
    labels.push_back(std::move(l));
  }
  return labels;
}

int usage() {
  std::cerr << "usage: barista_eval --data DIR [--skills-dir DIR] [--snr DB] [--cache DIR] [--domain-weight W]\n"
               "                    [--lw X] [--wip X] [--no-general] [--no-builtin] [--no-clean] [--no-noisy] [--limit N]\n"
               "                    [--one-pass] [--nbest N] [--domain-lw X] [--samples N] [--out FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data, skills_dir = "examples/skills", out_path;
  asr::ModelOptions model_options;
  model_options.cache_dir = fs::temp_directory_path() / "hark-asr-cache";
  asr::DecoderOptions decoder_options;
  double snr = 12.0;
  std::size_t limit = 0;
  bool builtin = true, clean = true, noisy_too = true, one_pass = false, domain_first = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") data = next();
    else if (a == "--skills-dir") skills_dir = next();
    else if (a == "--snr") snr = std::stod(next());
    else if (a == "--cache") model_options.cache_dir = next();
    else if (a == "--domain-weight") model_options.domain_weight = std::stod(next());
    else if (a == "--lw") decoder_options.language_weight = std::stod(next());
    else if (a == "--wip") decoder_options.word_penalty = std::stod(next());
    else if (a == "--no-general") model_options.use_general_lm = false;
    else if (a == "--no-builtin") builtin = false;
    else if (a == "--no-clean") clean = false;
    else if (a == "--no-remove-noise") decoder_options.remove_noise = false;
    else if (a == "--no-fwdflat") decoder_options.fwdflat = false;
    else if (a == "--bestpath") decoder_options.bestpath = true;
    else if (a == "--maxhmmpf") decoder_options.max_hmm_per_frame = std::stoi(next());
    else if (a == "--pl-window") decoder_options.phone_lookahead = std::stoi(next());
    else if (a == "--beam") decoder_options.beam = std::stod(next());
    else if (a == "--wbeam") decoder_options.word_beam = std::stod(next());
    else if (a == "--no-noisy") noisy_too = false;
    else if (a == "--one-pass") one_pass = true;
    else if (a == "--domain-first") domain_first = true;
    else if (a == "--nbest") decoder_options.domain_nbest = std::stoi(next());
    else if (a == "--domain-lw") decoder_options.domain_language_weight = std::stod(next());
    else if (a == "--samples") model_options.samples_per_sentence = std::stoi(next());
    else if (a == "--limit") limit = std::stoul(next());
    else if (a == "--out") out_path = next();
    else return usage();
  }
  if (data.empty()) return usage();

  skills::Registry registry;
  try {
    if (builtin) registry.load_builtin();
    registry.load_dir(skills_dir);
  } catch (const std::exception& e) {
    std::cerr << "skills: " << e.what() << "\n";
    return 1;
  }
  auto labels = read_labels(data / "labels.jsonl");
  if (limit && labels.size() > limit) labels.resize(limit);
  Scorer scorer;
  for (auto& s : registry.all())
    if (!labels.empty() && key(s.name) == key(labels.front().intent)) scorer.skill = &s;

  const auto t0 = std::chrono::steady_clock::now();
  auto model = asr::build_model(registry, model_options);
  if (!model) {
    std::cerr << "model: " << model.error().detail << "\n";
    return 1;
  }
  nlu::Parser parser(registry);
  std::string domain_words;  // what the skills' model alone heard, for --out
  if (!one_pass) {
    decoder_options.domain_check = [&domain_words, check = asr::parser_domain_check(parser, registry)](
                                       std::string_view words) {
      domain_words = words;
      return check(words);
    };
    // As the server decodes: the mixed model's words first when they make a command.
    if (!domain_first) decoder_options.command_check = asr::parser_command_check(parser);
  }
  auto recognizer = asr::make_pocketsphinx(*model, decoder_options);
  if (!recognizer) {
    std::cerr << "recognizer: " << recognizer.error().detail << "\n";
    return 1;
  }
  const nlu::Context ctx;
  const auto noise = read_wav(data / "kitchen-noise.wav").value_or(std::vector<std::int16_t>{});
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::ofstream out;
  if (!out_path.empty()) out.open(out_path);
  int n = 0, ok_clean = 0, ok_noisy = 0, heard_clean = 0, heard_noisy = 0;
  double audio_s = 0, decode_s = 0, runs_audio_s = 0;
  int runs = 0;
  for (const auto& l : labels) {
    auto samples = read_wav(data / l.file);
    if (!samples) {
      std::cerr << "cannot read " << l.file << "\n";
      continue;
    }
    ++n;
    audio_s = static_cast<double>(samples->size()) / audio::kTargetRate;
    for (int noisy = clean ? 0 : 1; noisy < (noisy_too ? 2 : 1); ++noisy) {
      const auto input = noisy ? mix(*samples, noise, snr, asr::content_hash(l.file)) : *samples;
      const std::clock_t d0 = std::clock();  // CPU time: the machine may be shared
      domain_words.clear();
      auto text = asr::transcribe_samples(**recognizer, input);
      decode_s += static_cast<double>(std::clock() - d0) / CLOCKS_PER_SEC;
      runs += 1;
      runs_audio_s += audio_s;
      const std::string transcript = text ? *text : "";
      const auto parsed = parser.parse(transcript, ctx);
      std::string why;
      const bool ok = scorer.understood(l, parsed, why);
      const bool heard = scorer.transcript_has_slots(l, transcript);
      (noisy ? ok_noisy : ok_clean) += ok;
      (noisy ? heard_noisy : heard_clean) += heard;
      if (out.is_open())
        out << l.file << '\t' << (noisy ? "noisy" : "clean") << '\t' << (ok ? "ok" : "FAIL") << '\t'
            << transcript << '\t' << why << '\t' << domain_words << std::endl;  // flushed: a long run can be watched
    }
    std::fprintf(stderr, "\r%d/%zu", n, labels.size());
  }
  std::fprintf(stderr, "\n");
  auto pct = [&](int k) { return n ? 100.0 * k / n : 0.0; };
  std::printf("commands: %d  (model load %.1f s, decoding %.2f CPU s per audio s)\n", n, load_s,
              runs_audio_s > 0 ? decode_s / runs_audio_s : 0.0);
  if (clean)
    std::printf("clean:       understood %5.1f%%   slot phrases in transcript %5.1f%%\n", pct(ok_clean), pct(heard_clean));
  if (noisy_too) std::printf("noise %4.1f dB: understood %5.1f%%   slot phrases in transcript %5.1f%%\n", snr, pct(ok_noisy),
              pct(heard_noisy));
  return 0;
}

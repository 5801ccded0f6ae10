// barista_eval: how well spoken coffee orders are understood, end to end (speech -> words ->
// intent + slots), clean and with kitchen noise mixed in.
//
//   barista_eval --data DIR [--skills-dir examples/skills] [--half studied|measured|both]
//                [--mix peak|power] [--snrs 24,21,18,15,12,9,6] [--snr 12] [--cache DIR]
//                [--domain-weight W] [--lw X] [--wip X] [--no-general] [--limit N] [--out FILE]
//                [--one-pass] [--domain-first] [--nbest N] [--domain-lw X] [--samples N]
//                [--no-clean] [--no-noisy] [--noise-only SECONDS [--noise-peak-dbfs X]]
//                [--stream-lead SECONDS] [--grammar] [--grammar-builtin] [--grammar-optional P]
//                [--grammar-wip X] [--agreement X]
//
// The recordings are split once by a fixed rule: a file whose name hashes even
// (asr::content_hash) is in the studied half, the others in the measured half. Figures are
// printed for each half on its own. --out lists the studied half's decodes only: the
// measured half's failures are never shown.
//
// Noise: --mix peak (default) mixes like the published benchmark: the loudest 128 ms frame
// of the speech against the loudest 128 ms frame of the noise segment laid under it, at
// each SNR of --snrs (the noise from a fixed offset that depends on the file name), and
// prints the average over them. --mix power: the average power of the clip against the
// noise's, at --snr only (the mode of earlier figures).
//
// By default it decodes the way the server does: the mixed model first, its words kept when
// they make a command (a template match); else the skills' model alone, its words kept when
// they parse to a command of closed-list/typed slots (app/hearing_check.h, trying up to
// --nbest runner-up hypotheses); else the mixed model's words. --domain-first: skip the first
// mixed pass. --one-pass: the mixed model alone.
// --grammar: the skills' pass searches the grammar of the skill files' commands
// (asr::skills_grammar; --grammar-builtin: of the built-in skills' too) instead of their
// n-gram; --grammar-optional P: hearing an optional part costs P against 1; --grammar-wip:
// the grammar search's own -wip. --agreement X: a
// hearing of the skills' pass stands only when X of its words were also heard by the
// mixed pass (asr::PolicyOptions::min_agreement).
// --noise-only: instead of the recordings, streams SECONDS of kitchen-noise.wav alone, its
// loudest 128 ms frame at --noise-peak-dbfs (default -20, the loudest frame of a typical
// recording: noise at speech level), through a SpeechStream in 100 ms chunks as the server
// does (end-pointer, streaming decoder, final hearing on a reserved decoder), and prints
// every utterance the end-pointer cut and the answers a server would give (a non-empty final
// transcript is answered; one that parses to a skill is an action). Faster than real time.
// --stream-lead: each recording comes after SECONDS of the same noise (of silence when clean)
// and goes through a SpeechStream in 100 ms chunks, as the server hears it (a new stream per
// recording: its end-pointer knows no floor yet); a command counts when one of the answered
// utterances is understood, and the other answered utterances are counted as extra answers.
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
#include "app/hearing_check.h"
#include "asr/language_model.h"
#include "asr/speech_stream.h"
#include "asr/transcribe.h"
#include "audio/audio.h"
#include "nlu/parser.h"
#include "server/wire.h"
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
#include <memory>
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

enum class MixMode { peak, power };

// The noise laid under a clip of `n` samples: looped from an offset fixed by `seed`.
std::vector<double> noise_segment(const std::vector<std::int16_t>& noise, std::size_t n, std::uint64_t seed) {
  std::vector<double> seg(n);
  const std::size_t offset = static_cast<std::size_t>(seed % noise.size());
  for (std::size_t i = 0; i < n; ++i) seg[i] = noise[(offset + i) % noise.size()];
  return seg;
}

// The energy of the loudest whole 128 ms frame (2048 samples at 16 kHz); of the whole
// signal when it is shorter.
template <typename T>
double peak_frame_energy(const std::vector<T>& x) {
  constexpr std::size_t kFrame = 2048;
  double best = 0, e = 0;
  std::size_t in_frame = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    e += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    if (++in_frame == kFrame) {
      best = std::max(best, e);
      e = 0;
      in_frame = 0;
    }
  }
  return x.size() < kFrame ? e : best;
}

template <typename T>
double total_energy(const std::vector<T>& x) {
  double e = 0;
  for (auto v : x) e += static_cast<double>(v) * static_cast<double>(v);
  return e;
}

// Adds `noise` (looped, from an offset that depends on the file) at `snr_db` below the clip.
std::vector<std::int16_t> mix(const std::vector<std::int16_t>& clean, const std::vector<std::int16_t>& noise,
                              double snr_db, std::uint64_t seed, MixMode mode) {
  if (noise.empty() || clean.empty()) return clean;
  const std::vector<double> seg = noise_segment(noise, clean.size(), seed);
  const double ps = mode == MixMode::peak ? peak_frame_energy(clean) : total_energy(clean);
  const double pn = mode == MixMode::peak ? peak_frame_energy(seg) : total_energy(seg);
  if (pn <= 0) return clean;
  const double scale = std::sqrt(ps / (pn * std::pow(10.0, snr_db / 10.0)));
  std::vector<std::int16_t> out(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i)
    out[i] = static_cast<std::int16_t>(std::clamp(clean[i] + scale * seg[i], -32768.0, 32767.0));
  return out;
}

// The fixed split rule: the studied half is the files whose name hashes even.
bool in_studied_half(const std::string& file) { return asr::content_hash(file) % 2 == 0; }

std::vector<double> parse_list(const std::string& s) {
  std::vector<double> v;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t comma = s.find(',', pos);
    v.push_back(std::stod(s.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return v;
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
      got[key(name)] = nlu::text_of(slot.value) ? *nlu::text_of(slot.value)
                                                 : boost::json::serialize(server::slot_value_json(slot.value));
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
  std::cerr << "usage: barista_eval --data DIR [--skills-dir DIR] [--half studied|measured|both] [--mix peak|power]\n"
               "                    [--snrs LIST] [--snr DB] [--cache DIR] [--domain-weight W] [--lw X] [--wip X]\n"
               "                    [--no-general] [--no-builtin] [--no-clean] [--no-noisy] [--limit N]\n"
               "                    [--one-pass] [--nbest N] [--domain-lw X] [--samples N] [--out FILE]\n"
               "                    [--noise-only SECONDS [--noise-peak-dbfs X]] [--stream-lead SECONDS]\n"
               "                    [--grammar] [--grammar-builtin] [--grammar-optional P] [--grammar-wip X]\n"
               "                    [--agreement X]\n";
  return 2;
}

// One listening condition: clean, or noise at an SNR.
struct Condition {
  std::string name;
  std::optional<double> snr;
};

// Counts of one condition on one half.
struct Tally {
  int n = 0, ok = 0, heard = 0, extra = 0;
  double audio_s = 0, cpu_s = 0;
};

// The server's check, noting the last words of the skills' model it was asked about.
class RecordingCheck final : public asr::HearingCheck {
 public:
  RecordingCheck(const asr::HearingCheck& check, std::string& last) : check_(check), last_(last) {}
  bool accepts_domain(std::string_view words) const override {
    last_ = words;
    return check_.accepts_domain(words);
  }
  bool is_command(std::string_view words) const override { return check_.is_command(words); }

 private:
  const asr::HearingCheck& check_;
  std::string& last_;
};

// --stream-lead: the final transcripts of every utterance the stream answers, in order.
std::vector<std::string> stream_hearings(asr::RecognizerPool& pool, const std::vector<std::int16_t>& pcm) {
  asr::SpeechStream stream(pool);
  std::vector<std::uint8_t> bytes(pcm.size() * 2);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(pcm[i] & 0xff);
    bytes[2 * i + 1] = static_cast<std::uint8_t>((pcm[i] >> 8) & 0xff);
  }
  std::vector<std::string> texts;
  auto note = [&](const asr::StreamUpdate& u) {
    if (u.ended && u.heard_speech && !u.final_text.empty()) texts.push_back(u.final_text);
  };
  constexpr std::size_t kChunk = audio::kTargetRate / 10 * 2;  // 100 ms
  for (std::size_t pos = 0; pos < bytes.size(); pos += kChunk)
    if (auto u = stream.push(std::span(bytes).subspan(pos, std::min(kChunk, bytes.size() - pos)))) note(*u);
  if (auto u = stream.end()) note(*u);
  return texts;
}

// --noise-only: noise alone through the server's streaming path. Returns the exit code.
int noise_only(const asr::ModelFiles& model, const asr::DecoderOptions& decoder, const nlu::Parser& parser,
               const std::vector<std::int16_t>& noise, double seconds, double peak_dbfs) {
  asr::PoolOptions pool_options{.size = 1, .final_size = 1, .max_wait = std::chrono::milliseconds(5000), .decoder = decoder};
  asr::RecognizerPool pool(model, pool_options);
  asr::SpeechStream stream(pool);
  const auto n = static_cast<std::size_t>(seconds * audio::kTargetRate);
  const std::vector<double> seg = noise_segment(noise, n, 0);
  const double peak = peak_frame_energy(seg) / 2048.0 / (32768.0 * 32768.0);
  const double scale = peak > 0 ? std::sqrt(std::pow(10.0, peak_dbfs / 10.0) / peak) : 1.0;
  std::vector<std::int16_t> pcm(n);
  for (std::size_t i = 0; i < n; ++i) pcm[i] = static_cast<std::int16_t>(std::clamp(scale * seg[i], -32768.0, 32767.0));
  std::vector<std::uint8_t> bytes(pcm.size() * 2);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(pcm[i] & 0xff);
    bytes[2 * i + 1] = static_cast<std::uint8_t>((pcm[i] >> 8) & 0xff);
  }
  int utterances = 0, answered = 0, actions = 0;
  const std::clock_t c0 = std::clock();
  auto report = [&](const asr::StreamUpdate& u, double at) {
    if (!u.ended || !u.heard_speech) return;
    ++utterances;
    const auto parsed = parser.parse(u.final_text, nlu::Context{});
    answered += !u.final_text.empty();
    actions += !u.final_text.empty() && parsed.intent != "fallback";
    std::printf("  at %5.1f s: \"%s\" -> %s\n", at, u.final_text.c_str(),
                u.final_text.empty() ? "no answer" : parsed.intent.c_str());
  };
  constexpr std::size_t kChunk = audio::kTargetRate / 10 * 2;  // 100 ms
  for (std::size_t pos = 0; pos < bytes.size(); pos += kChunk) {
    auto u = stream.push(std::span(bytes).subspan(pos, std::min(kChunk, bytes.size() - pos)));
    if (!u) {
      std::printf("  error: %s\n", u.error().detail.c_str());
      continue;
    }
    report(*u, static_cast<double>(pos) / 2 / audio::kTargetRate);
  }
  if (auto u = stream.end()) report(*u, seconds);
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("noise alone: %.0f s, loudest frame %.1f dBFS: %d utterances cut, %d answered, %d actions; "
              "CPU %.2f s per audio s\n",
              seconds, peak_dbfs, utterances, answered, actions, cpu / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data, skills_dir = "examples/skills", out_path;
  asr::ModelOptions model_options;
  model_options.cache_dir = fs::temp_directory_path() / "hark-asr-cache";
  asr::DecoderOptions decoder_options;
  double snr = 12.0;
  std::vector<double> snrs = {24, 21, 18, 15, 12, 9, 6};
  MixMode mode = MixMode::peak;
  std::string half = "studied";
  std::size_t limit = 0;
  double noise_seconds = 0, noise_peak_dbfs = -20.0, stream_lead = -1;
  bool builtin = true, clean = true, noisy_too = true, one_pass = false, domain_first = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
      if (a == "--data") data = next();
      else if (a == "--skills-dir") skills_dir = next();
      else if (a == "--half") half = next();
      else if (a == "--mix") {
        const std::string m = next();
        if (m != "peak" && m != "power") return usage();
        mode = m == "peak" ? MixMode::peak : MixMode::power;
      } else if (a == "--snrs") snrs = parse_list(next());
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
      else if (a == "--grammar") decoder_options.domain_grammar = true;
      else if (a == "--grammar-builtin") model_options.grammar_of_builtin_skills = true;
      else if (a == "--agreement") decoder_options.min_agreement = std::stod(next());
      else if (a == "--grammar-wip") decoder_options.grammar_word_penalty = std::stod(next());
      else if (a == "--samples") model_options.samples_per_sentence = std::stoi(next());
      else if (a == "--limit") limit = std::stoul(next());
      else if (a == "--out") out_path = next();
      else if (a == "--noise-only") noise_seconds = std::stod(next());
      else if (a == "--noise-peak-dbfs") noise_peak_dbfs = std::stod(next());
      else if (a == "--stream-lead") stream_lead = std::stod(next());
      else return usage();
    }
  } catch (const std::exception&) {
    return usage();
  }
  if (data.empty() || (half != "studied" && half != "measured" && half != "both")) return usage();

  std::vector<Condition> conditions;
  if (clean) conditions.push_back({"clean", std::nullopt});
  if (noisy_too) {
    if (mode == MixMode::power) conditions.push_back({"power " + std::to_string(static_cast<int>(snr)) + " dB", snr});
    else
      for (double d : snrs) conditions.push_back({"peak " + std::to_string(static_cast<int>(d)) + " dB", d});
  }

  skills::Registry registry;
  try {
    if (builtin) registry.load_builtin();
    registry.load_dir(skills_dir);
  } catch (const std::exception& e) {
    std::cerr << "skills: " << e.what() << "\n";
    return 1;
  }
  std::vector<Label> labels;
  for (auto& l : read_labels(data / "labels.jsonl"))
    if (half == "both" || in_studied_half(l.file) == (half == "studied")) labels.push_back(std::move(l));
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
  const app::ParserHearingCheck parser_check(parser, registry);
  if (!one_pass) {
    decoder_options.hearing_check = std::make_shared<RecordingCheck>(parser_check, domain_words);
    // As the server decodes: the mixed model's words first when they make a command.
    decoder_options.mixed_first = !domain_first;
  }
  auto recognizer = asr::make_pocketsphinx(*model, decoder_options);
  if (!recognizer) {
    std::cerr << "recognizer: " << recognizer.error().detail << "\n";
    return 1;
  }
  const nlu::Context ctx;
  const auto noise = read_wav(data / "kitchen-noise.wav").value_or(std::vector<std::int16_t>{});
  if (noisy_too && noise.empty()) {
    std::cerr << "cannot read kitchen-noise.wav\n";
    return 1;
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (noise_seconds > 0) {
    if (noise.empty()) {
      std::cerr << "cannot read kitchen-noise.wav\n";
      return 1;
    }
    return noise_only(*model, decoder_options, parser, noise, noise_seconds, noise_peak_dbfs);
  }

  std::unique_ptr<asr::RecognizerPool> stream_pool;
  if (stream_lead >= 0)
    stream_pool = std::make_unique<asr::RecognizerPool>(
        *model, asr::PoolOptions{.size = 1, .final_size = 1, .max_wait = std::chrono::milliseconds(5000),
                                 .decoder = decoder_options});
  std::ofstream out;
  if (!out_path.empty()) out.open(out_path);
  // [half][condition]; half 0 = studied, 1 = measured.
  std::vector<std::vector<Tally>> tally(2, std::vector<Tally>(conditions.size()));
  int done = 0;
  for (const auto& l : labels) {
    auto samples = read_wav(data / l.file);
    if (!samples) {
      std::cerr << "cannot read " << l.file << "\n";
      continue;
    }
    const bool studied = in_studied_half(l.file);
    const double audio_s = static_cast<double>(samples->size()) / audio::kTargetRate;
    for (std::size_t c = 0; c < conditions.size(); ++c) {
      const auto& cond = conditions[c];
      std::vector<std::int16_t> clip = *samples;
      if (stream_pool) clip.insert(clip.begin(), static_cast<std::size_t>(stream_lead * audio::kTargetRate), 0);
      const auto input = cond.snr ? mix(clip, noise, *cond.snr, asr::content_hash(l.file), mode) : clip;
      const std::clock_t d0 = std::clock();  // CPU time: the machine may be shared
      domain_words.clear();
      std::string transcript;
      int extra = 0;
      if (stream_pool) {
        const auto texts = stream_hearings(*stream_pool, input);
        for (const auto& t : texts) {
          std::string w;
          if (transcript.empty() && scorer.understood(l, parser.parse(t, ctx), w)) transcript = t;
        }
        if (transcript.empty() && !texts.empty()) transcript = texts.back();
        extra = texts.empty() ? 0 : static_cast<int>(texts.size()) - 1;
      } else {
        auto text = asr::transcribe_samples(**recognizer, input);
        transcript = text ? *text : "";
      }
      const double cpu = static_cast<double>(std::clock() - d0) / CLOCKS_PER_SEC;
      const auto parsed = parser.parse(transcript, ctx);
      std::string why;
      const bool ok = scorer.understood(l, parsed, why);
      Tally& t = tally[studied ? 0 : 1][c];
      t.extra += extra;
      t.n += 1;
      t.ok += ok;
      t.heard += scorer.transcript_has_slots(l, transcript);
      t.audio_s += audio_s;
      t.cpu_s += cpu;
      if (out.is_open() && studied)
        out << l.file << '\t' << cond.name << '\t' << (ok ? "ok" : "FAIL") << '\t' << transcript << '\t' << why
            << '\t' << domain_words << std::endl;  // flushed: a long run can be watched
    }
    std::fprintf(stderr, "\r%d/%zu", ++done, labels.size());
  }
  std::fprintf(stderr, "\n");
  std::printf("model load %.1f s; mix %s\n", load_s, mode == MixMode::peak ? "peak (128 ms frames)" : "average power");
  for (int h = 0; h < 2; ++h) {
    if (tally[h].empty() || tally[h][0].n == 0) continue;
    std::printf("%s half: %d commands\n", h == 0 ? "studied" : "measured", tally[h][0].n);
    double sum = 0;
    int noisy = 0;
    for (std::size_t c = 0; c < conditions.size(); ++c) {
      const Tally& t = tally[h][c];
      const double acc = t.n ? 100.0 * t.ok / t.n : 0.0;
      std::printf("  %-12s understood %5.1f%%  slot phrases in transcript %5.1f%%  CPU %.2f s per audio s\n",
                  conditions[c].name.c_str(), acc, t.n ? 100.0 * t.heard / t.n : 0.0,
                  t.audio_s > 0 ? t.cpu_s / t.audio_s : 0.0);
      if (stream_pool) std::printf("  %-12s extra answers (other utterances answered): %d\n", "", t.extra);
      if (conditions[c].snr) {
        sum += acc;
        ++noisy;
      }
    }
    if (mode == MixMode::peak && noisy > 1) std::printf("  average over the %d SNRs: %5.1f%%\n", noisy, sum / noisy);
  }
  return 0;
}

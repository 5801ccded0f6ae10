// The Recognizer on pocketsphinx 5prealpha (Debian's libpocketsphinx3).
#include "asr/language_model.h"
#include "asr/recognizer.h"

#include <pocketsphinx.h>
#include <sphinxbase/ngram_model.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_set>

namespace hark::asr {
namespace {

class PocketsphinxRecognizer final : public Recognizer {
 public:
  PocketsphinxRecognizer(cmd_ln_t* config, ps_decoder_t* ps) : config_(config), ps_(ps) {}
  ~PocketsphinxRecognizer() override {
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }

  Result<void> start() override {
    if (in_utt_) ps_end_utt(ps_);
    in_utt_ = false;
    if (ps_start_utt(ps_) < 0) return make_error(Errc::internal, "the recognizer could not start");
    in_utt_ = true;
    return {};
  }

  Result<void> process(std::span<const std::int16_t> samples) override {
    if (!in_utt_) return make_error(Errc::internal, "no utterance started");
    if (samples.empty()) return {};
    if (ps_process_raw(ps_, samples.data(), samples.size(), FALSE, FALSE) < 0)
      return make_error(Errc::internal, "the recognizer failed on this audio");
    return {};
  }

  std::string partial() override {
    if (!in_utt_) return {};
    std::int32_t score = 0;
    const char* hyp = ps_get_hyp(ps_, &score);
    return hyp ? hyp : "";
  }

  Result<std::string> finish() override {
    if (!in_utt_) return make_error(Errc::internal, "no utterance started");
    in_utt_ = false;
    if (ps_end_utt(ps_) < 0) return make_error(Errc::internal, "the recognizer failed to finish");
    std::int32_t score = 0;
    const char* hyp = ps_get_hyp(ps_, &score);
    return std::string(hyp ? hyp : "");
  }

  Result<std::string> recognize(std::span<const std::int16_t> utterance) override {
    if (auto r = start(); !r) return r.error();
    if (!utterance.empty() && ps_process_raw(ps_, utterance.data(), utterance.size(), FALSE, TRUE) < 0) {
      cancel();
      return make_error(Errc::internal, "the recognizer failed on this audio");
    }
    return finish();
  }

  void cancel() override {
    if (in_utt_) ps_end_utt(ps_);
    in_utt_ = false;
  }

  void add_words(const std::vector<std::string>& words) override {
    for (const auto& phrase : words)
      for (const auto& w : words_of(phrase)) {
        if (known_.count(w)) continue;
        if (char* phones = ps_lookup_word(ps_, w.c_str())) {
          ckd_free(phones);
        } else {
          const std::string guess = guess_pronunciation(w);
          if (!guess.empty()) ps_add_word(ps_, w.c_str(), guess.c_str(), TRUE);
        }
        known_.insert(w);
      }
  }

 private:
  cmd_ln_t* config_;
  ps_decoder_t* ps_;
  bool in_utt_ = false;
  std::unordered_set<std::string> known_;
};

std::string exp_string(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Result<std::unique_ptr<Recognizer>> make_pocketsphinx(const ModelFiles& model, const DecoderOptions& options) {
  const std::string hmm = model.acoustic_dir.string(), dict = model.dictionary.string(),
                    lm = model.domain_lm.string(), lw = std::to_string(options.language_weight),
                    wip = std::to_string(options.word_penalty),
                    maxhmmpf = std::to_string(options.max_hmm_per_frame),
                    pl_window = std::to_string(options.phone_lookahead), beam = exp_string(options.beam),
                    wbeam = exp_string(options.word_beam);
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict", dict.c_str(),
                                 "-lm", lm.c_str(), "-lw", lw.c_str(), "-wip", wip.c_str(),
                                 "-remove_noise", options.remove_noise ? "yes" : "no",
                                 "-fwdflat", options.fwdflat ? "yes" : "no",
                                 "-bestpath", options.bestpath ? "yes" : "no", "-maxhmmpf", maxhmmpf.c_str(),
                                 "-pl_window", pl_window.c_str(), "-beam", beam.c_str(), "-wbeam", wbeam.c_str(),
                                 "-logfn", "/dev/null", nullptr);
  if (!config) return make_error(Errc::unavailable, "bad pocketsphinx configuration");
  ps_decoder_t* ps = ps_init(config);
  if (!ps) {
    cmd_ln_free_r(config);
    return make_error(Errc::unavailable, "pocketsphinx could not load its models");
  }
  auto recognizer = std::make_unique<PocketsphinxRecognizer>(config, ps);
  if (!model.general_lm.empty()) {
    logmath_t* lmath = ps_get_logmath(ps);
    ngram_model_t* domain = ngram_model_read(config, lm.c_str(), NGRAM_AUTO, lmath);
    ngram_model_t* general = ngram_model_read(config, model.general_lm.string().c_str(), NGRAM_AUTO, lmath);
    if (!domain || !general) {
      if (domain) ngram_model_free(domain);
      if (general) ngram_model_free(general);
      return make_error(Errc::unavailable, "pocketsphinx could not read a language model");
    }
    ngram_model_t* models[2] = {domain, general};
    char name_domain[] = "domain", name_general[] = "general";
    char* names[2] = {name_domain, name_general};
    // sphinxbase mixes the models after scaling each by the language weight, computing
    // w_d * p_d^lw + w_g * p_g^lw. Raising the weights to lw too makes that
    // (w_d p_d)^lw + (w_g p_g)^lw, whose larger term is the scaled probability of the
    // intended mixture w_d p_d + w_g p_g. Without this even w_d = 0.99 lets the big general
    // model pull every in-domain command towards common English words.
    const float32 weights[2] = {
        static_cast<float32>(std::pow(model.domain_weight, options.language_weight)),
        static_cast<float32>(std::pow(1.0 - model.domain_weight, options.language_weight))};
    ngram_model_t* set = ngram_model_set_init(config, models, names, weights, 2);
    if (!set || ps_set_lm(ps, "hark", set) < 0 || ps_set_search(ps, "hark") < 0) {
      if (set) ngram_model_free(set);
      return make_error(Errc::unavailable, "pocketsphinx could not use the interpolated model");
    }
    ngram_model_free(set);  // the search holds its own reference
  }
  return std::unique_ptr<Recognizer>(std::move(recognizer));
}

}  // namespace hark::asr

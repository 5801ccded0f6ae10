// The Recognizer on pocketsphinx 5prealpha (Debian's libpocketsphinx3).
#include "asr/language_model.h"
#include "asr/recognizer.h"

#include <pocketsphinx.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/ngram_model.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <functional>
#include <optional>
#include <cstdio>
#include <string>
#include <string_view>
#include <memory>
#include <unordered_set>

namespace hark::asr {
namespace {

class PocketsphinxRecognizer final : public Recognizer {
 public:
  PocketsphinxRecognizer(cmd_ln_t* config, ps_decoder_t* ps) : config_(config), ps_(ps) {
    initial_mean_ = cepstral_mean();
  }
  ~PocketsphinxRecognizer() override {
    if (domain_lm_) ngram_model_free(domain_lm_);
    if (general_lm_) ngram_model_free(general_lm_);
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }

  Result<void> start() override {
    if (in_utt_) ps_end_utt(ps_);
    in_utt_ = false;
    if (ps_start_utt(ps_) < 0) return make_error(Errc::internal, "the recognizer could not start");
    in_utt_ = true;
    dither_.seed(kDitherSeed);
    return {};
  }

  Result<void> process(std::span<const std::int16_t> samples) override {
    if (!in_utt_) return make_error(Errc::internal, "no utterance started");
    if (samples.empty()) return {};
    const auto dithered = dither(samples);
    if (ps_process_raw(ps_, dithered.data(), dithered.size(), FALSE, FALSE) < 0)
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
    if (!policy_) return decode(utterance);
    auto heard = policy_->recognize(engine_, utterance);
    ps_set_search(ps_, kMixedSearch);  // streaming decodes use the mixed model
    if (!heard) return heard.error();
    return std::move(heard->words);
  }

  // The first search is the skills' model alone; the mixed one is added under this name.
  static constexpr const char* kDomainSearch = "_default";
  static constexpr const char* kMixedSearch = "hark";
  static constexpr const char* kGrammarSearch = "grammar";

  // The skills' pass searches kGrammarSearch from now on.
  void use_grammar() { domain_search_ = kGrammarSearch; }

  void set_policy(std::shared_ptr<const HearingCheck> check, PolicyOptions options) {
    check_ = std::move(check);
    policy_.emplace(*check_, options);
  }

  std::vector<float> cepstral_mean() override {
    feat_t* f = ps_get_feat(ps_);
    if (!f || !f->cmn_struct) return {};
    std::vector<mfcc_t> v(static_cast<std::size_t>(feat_cepsize(f)));
    cmn_live_get(f->cmn_struct, v.data());
    return {v.begin(), v.end()};
  }

  void set_cepstral_mean(const std::vector<float>& mean) override {
    feat_t* f = ps_get_feat(ps_);
    const std::vector<float>& m = mean.empty() ? initial_mean_ : mean;
    if (!f || !f->cmn_struct || static_cast<int>(m.size()) != feat_cepsize(f)) return;
    std::vector<mfcc_t> v(m.begin(), m.end());
    cmn_live_set(f->cmn_struct, v.data());
  }

  void cancel() override {
    if (in_utt_) ps_end_utt(ps_);
    in_utt_ = false;
  }

  void add_words(const std::vector<std::string>& phrases, const Pronunciations& guessed) override {
    // Word and pronunciation (empty: the dictionary has it).
    std::vector<std::pair<std::string, std::string>> fresh;
    for (const auto& phrase : phrases)
      for (const auto& w : words_of(phrase)) {
        if (known_.count(w)) continue;
        if (char* phones = ps_lookup_word(ps_, w.c_str())) {
          ckd_free(phones);
          fresh.emplace_back(w, "");
        } else if (auto g = guessed.find(w); g != guessed.end() && !g->second.empty()) {
          fresh.emplace_back(w, g->second);
        } else {
          continue;  // no pronunciation yet: a later session's guess may bring one
        }
        known_.insert(w);
      }
    if (fresh.empty()) return;
    // The models first: ps_add_word also puts the word into them, at a probability too low
    // to ever be heard (see add_to_language_models), and a word already there is kept as is.
    if (domain_lm_ && general_lm_)
      for (const auto& [w, phones] : fresh) {
        if (!add_to_contact_class(w)) add_unigram(domain_lm_, w);
        add_unigram(general_lm_, w);
      }
    for (const auto& [w, phones] : fresh)
      if (!phones.empty()) ps_add_word(ps_, w.c_str(), phones.c_str(), FALSE);
    rebuild_mixed_search();
  }

  // The models of the mixed search, kept so that words can be added to them (see
  // add_to_language_models). Takes a reference to each.
  void keep_models(ngram_model_t* domain, ngram_model_t* general, const float32 weights[2]) {
    domain_lm_ = ngram_model_retain(domain);
    general_lm_ = ngram_model_retain(general);
    weights_[0] = weights[0];
    weights_[1] = weights[1];
  }


 private:
  cmd_ln_t* config_;
  ps_decoder_t* ps_;
  bool in_utt_ = false;
  std::unordered_set<std::string> known_;
  std::vector<float> initial_mean_;  // -cmninit

  // Digital silence (exact zeros, as synthesized or gated audio has) gives the front end
  // log(0) energies that throw the search off; microphones never produce it. One LSB of
  // noise fixes that, the way pocketsphinx's -dither does, but from a seed restarted with
  // each utterance, so that the same audio always gives the same words.
  static constexpr unsigned kDitherSeed = 12345;
  std::minstd_rand dither_{kDitherSeed};
  std::vector<std::int16_t> dithered_;

  std::span<const std::int16_t> dither(std::span<const std::int16_t> samples) {
    dithered_.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const int noise = static_cast<int>(dither_() % 3) - 1;
      dithered_[i] = static_cast<std::int16_t>(std::clamp(samples[i] + noise, -32768, 32767));
    }
    return dithered_;
  }

  ngram_model_t* domain_lm_ = nullptr;
  ngram_model_t* general_lm_ = nullptr;
  float32 weights_[2] = {0, 0};
  bool contact_class_ = false;  // kContactClass has members in domain_lm_

  // A new word must also get a probability in the language models, or the decoder never
  // says it. ps_add_word gives it twice the uniform probability of the vocabulary (far
  // too little in a 100k-word model to ever be heard) and does not reach the members of
  // an interpolated set properly. So the words go into the plain models themselves first,
  // at kAddedWordProb each (backed off to from any history, so "call <name>" works), and
  // the mixed search is rebuilt over them (rebuild_mixed_search). The skills-only search is
  // left alone: names are free text to it (see HearingCheck), heard by the mixed pass.
  static constexpr double kAddedWordProb = 1e-3;

  static void add_unigram(ngram_model_t* lm, const std::string& w) {
    const std::int32_t wid = ngram_wid(lm, w.c_str());
    if (wid != NGRAM_INVALID_WID && wid != ngram_unknown_wid(lm)) return;
    const double uniform_share = kAddedWordProb * ngram_model_get_counts(lm)[0];
    ngram_model_add_word(lm, w.c_str(), static_cast<float32>(uniform_share));
  }

  // A name the skills' model does not know joins its contact class (kContactClass), so it
  // is heard where the skills' sentences put a contact ("call <name>"). False when the
  // model has no such class (skills without contact slots) or already has the word.
  bool add_to_contact_class(const std::string& w) {
    const std::int32_t unknown = ngram_unknown_wid(domain_lm_);
    const std::int32_t tag = ngram_wid(domain_lm_, kContactClass);
    if (tag == NGRAM_INVALID_WID || tag == unknown) return false;
    const std::int32_t wid = ngram_wid(domain_lm_, w.c_str());
    if (wid != NGRAM_INVALID_WID && wid != unknown) return false;
    if (!contact_class_) {
      // Created with its first member: sphinxbase cannot score an empty class.
      char* words[1] = {const_cast<char*>(w.c_str())};
      const float32 weights[1] = {1.0f};
      contact_class_ = ngram_model_add_class(domain_lm_, kContactClass, 1.0f, words, weights, 1) >= 0;
      return contact_class_;
    }
    return ngram_model_add_class_word(domain_lm_, kContactClass, w.c_str(), 1.0f) != NGRAM_INVALID_WID;
  }

  void rebuild_mixed_search() {
    if (!domain_lm_ || !general_lm_) return;  // the domain model alone: ps_add_word did it
    const char* current = ps_get_search(ps_);
    const std::string active = current ? current : "";
    // A set takes over the references it is given.
    ngram_model_t* models[2] = {ngram_model_retain(domain_lm_), ngram_model_retain(general_lm_)};
    char name_domain[] = "domain", name_general[] = "general";
    char* names[2] = {name_domain, name_general};
    if (ngram_model_t* set = ngram_model_set_init(config_, models, names, weights_, 2)) {
      ps_set_lm(ps_, kMixedSearch, set);
      ngram_model_free(set);
    }
    if (!active.empty()) ps_set_search(ps_, active.c_str());
  }

  std::shared_ptr<const HearingCheck> check_;
  std::optional<RecognitionPolicy> policy_;
  const char* domain_search_ = kDomainSearch;

  // The two searches of this decoder, for the policy.
  class Engine final : public TwoPassEngine {
   public:
    explicit Engine(PocketsphinxRecognizer& r) : r_(r) {}
    Result<std::string> decode_domain(std::span<const std::int16_t> utterance) override {
      ps_set_search(r_.ps_, r_.domain_search_);
      return r_.decode(utterance);
    }
    void visit_domain_nbest(const std::function<bool(std::string_view)>& visit) override {
      // Not of a grammar search: every hypothesis of a grammar is one of its sentences
      // anyway, and pocketsphinx's A* over a noisy grammar lattice took minutes.
      if (r_.domain_search_ == kGrammarSearch) return;
      ps_nbest_t* it = ps_nbest(r_.ps_);
      bool more = true;
      for (; it && more; it = ps_nbest_next(it)) {
        std::int32_t score = 0;
        if (const char* hyp = ps_nbest_hyp(it, &score)) more = visit(hyp);
      }
      if (it) ps_nbest_free(it);
    }
    Result<std::string> decode_mixed(std::span<const std::int16_t> utterance) override {
      ps_set_search(r_.ps_, kMixedSearch);
      return r_.decode(utterance);
    }

   private:
    PocketsphinxRecognizer& r_;
  };
  Engine engine_{*this};

  // One whole utterance with the current search.
  Result<std::string> decode(std::span<const std::int16_t> utterance) {
    if (auto r = start(); !r) return r.error();
    const auto dithered = dither(utterance);
    if (!dithered.empty() && ps_process_raw(ps_, dithered.data(), dithered.size(), FALSE, TRUE) < 0) {
      cancel();
      return make_error(Errc::internal, "the recognizer failed on this audio");
    }
    return finish();
  }
};

std::string exp_string(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Result<std::unique_ptr<Recognizer>> make_pocketsphinx(const ModelFiles& model, const DecoderOptions& options) {
  const std::string hmm = model.acoustic_dir.string(), dict = model.dictionary.string(),
                    lm = model.domain_lm.string(),
                    lw = std::to_string(options.domain_language_weight > 0 && options.hearing_check
                                            ? options.domain_language_weight
                                            : options.language_weight),
                    wip = exp_string(options.word_penalty),
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
    // Models and searches take -lw from the configuration when they are read or created:
    // the skills' model alone (ps_init) may have its own; the mixed one gets language_weight.
    cmd_ln_set_float_r(config, "-lw", options.language_weight);
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
    recognizer->keep_models(domain, general, weights);
    ngram_model_free(set);  // the search holds its own reference
    if (options.hearing_check && options.domain_grammar && !model.domain_grammar.empty()) {
      // A search reads -wip from the configuration when it is created.
      cmd_ln_set_float_r(config, "-wip", options.grammar_word_penalty);
      // The grammar's probabilities count as much as the n-gram's: scaled by -lw.
      fsg_model_t* fsg = fsg_model_readfile(model.domain_grammar.string().c_str(), lmath,
                                            static_cast<float32>(options.language_weight));
      const bool ok = fsg && ps_set_fsg(ps, PocketsphinxRecognizer::kGrammarSearch, fsg) >= 0;
      if (fsg) fsg_model_free(fsg);
      cmd_ln_set_float_r(config, "-wip", options.word_penalty);
      ps_set_search(ps, PocketsphinxRecognizer::kMixedSearch);
      if (!ok) return make_error(Errc::unavailable, "pocketsphinx could not read the skills' grammar");
      recognizer->use_grammar();
    }
    if (options.hearing_check)
      recognizer->set_policy(options.hearing_check,
                             PolicyOptions{.mixed_first = options.mixed_first, .nbest = options.domain_nbest,
                                           .min_agreement = options.min_agreement});
  }
  return std::unique_ptr<Recognizer>(std::move(recognizer));
}

}  // namespace hark::asr

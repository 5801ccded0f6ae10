// Speech recognition: a Recognizer turns 16 kHz mono int16 audio into words.
//
// Typical use (the server):
//   auto model = asr::build_model(registry, asr::ModelOptions{});      // start-up, cached
//   asr::RecognizerPool pool(*model, asr::PoolOptions{});              // warm decoders
//   asr::SpeechStream stream(pool, asr::StreamOptions{});              // one per connection
//   stream.push(bytes) / stream.end() / stream.cancel()                  (speech_stream.h)
//
// Decoding is CPU-heavy and blocking: call Recognizer and SpeechStream methods from a worker
// pool, never from network threads.
#pragma once

#include "asr/pronouncer.h"
#include "asr/recognition_policy.h"
#include "common/error.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hark::asr {

// One decoder, lent to one utterance at a time. Not thread-safe.
class Recognizer {
 public:
  virtual ~Recognizer() = default;
  // Begins an utterance (drops any unfinished one).
  virtual Result<void> start() = 0;
  // REQUIRES: start() was called. 16 kHz mono samples.
  virtual Result<void> process(std::span<const std::int16_t> samples) = 0;
  // The best words so far (lower case, space separated; may be empty).
  virtual std::string partial() = 0;
  // Ends the utterance and returns the final words (empty when nothing was recognized).
  virtual Result<std::string> finish() = 0;
  // Ends the utterance, dropping its result.
  virtual void cancel() = 0;
  // Recognizes one complete utterance at once (drops any unfinished one). More accurate
  // than start/process/finish: the audio is normalized over the whole utterance instead of
  // with a running estimate.
  virtual Result<std::string> recognize(std::span<const std::int16_t> utterance) = 0;
  // The running cepstral mean of block-fed (streaming) decoding. The model is trained with
  // batch CMN, which pocketsphinx only does on a whole utterance; one block call switches a
  // decoder to a running mean for good. So a session keeps its own mean and gives it back
  // with set_cepstral_mean before its next audio, never decoding from another user's.
  // Empty: the model's initial mean (-cmninit), what a new session starts from.
  virtual std::vector<float> cepstral_mean() { return {}; }
  virtual void set_cepstral_mean(const std::vector<float>& /*mean*/) {}
  // Makes sure the words of `phrases` (e.g. a user's contact names) are in the dictionary
  // and the language models. A word the dictionary lacks gets its phones from `guessed`
  // (Pronouncer::pronounce, run before the decoder was borrowed) and is left out when it
  // has none there: nothing is guessed here, so no program runs while a decoder is lent.
  // Words already added cost nothing.
  virtual void add_words(const std::vector<std::string>& phrases, const Pronunciations& guessed) = 0;
};

// Where the files of a compiled model are (see language_model.h to build one).
struct ModelFiles {
  std::filesystem::path acoustic_dir;  // -hmm
  std::filesystem::path dictionary;    // cmudict + the pronunciations of domain words
  std::filesystem::path domain_lm;     // ARPA trigram of the skills' sentences
  std::filesystem::path domain_grammar;  // FSG of the skills' commands (skills_grammar); may be empty
  std::filesystem::path general_lm;    // en-us.lm.bin; empty to use the domain model alone
  double domain_weight = 0.8;          // interpolation weight of domain_lm (0..1)
  std::vector<std::string> guessed_words;  // domain words whose pronunciation was guessed
};

struct DecoderOptions {
  double language_weight = 6.5;  // pocketsphinx -lw
  double word_penalty = 0.2;     // pocketsphinx -wip
  bool remove_noise = true;      // pocketsphinx -remove_noise (spectral noise subtraction)
  // Speed against accuracy (pocketsphinx defaults: fwdflat and bestpath on, 30000 HMMs a
  // frame, phone lookahead off). With the general model mixed in, the tree pass alone
  // drifts to common English words ("call mom" -> "dalton i'm"); the flat pass rescoring
  // with the full trigram fixes most of that. The lattice pass gains little. A cap of 4000
  // HMMs a frame with phone lookahead halved the time but lost words the full search
  // hears ("call mom" -> "although loud"), so the search keeps pocketsphinx's breadth.
  bool fwdflat = true;           // -fwdflat
  bool bestpath = false;         // -bestpath
  int max_hmm_per_frame = 30000;  // -maxhmmpf
  int phone_lookahead = 0;       // -pl_window (0 = off)
  double beam = 1e-48;           // -beam
  double word_beam = 7e-29;      // -wbeam
  // When set, recognize() follows the two-pass RecognitionPolicy (asr/recognition_policy.h)
  // over the skills' model alone and the mixed model, asking this which hearings may stand
  // (the app's is over the intent parser: app/hearing_check.h). Unset: the mixed model
  // alone. Called on the decoding thread; shared by the pool's decoders.
  std::shared_ptr<const HearingCheck> hearing_check;
  // With hearing_check: the mixed model decodes first and its words stand when they make a
  // command (RecognitionPolicy step 1).
  bool mixed_first = true;
  // When the best words of the skills' model are not accepted, up to this many next best
  // hypotheses of the same pass are tried before the mixed model (0: none).
  int domain_nbest = 10;
  // The language weight of that first pass (0: language_weight). The skills' model alone
  // does best with a lower one than the mixed model needs.
  double domain_language_weight = 4.0;
  // The skills' pass searches their grammar (ModelFiles::domain_grammar, when the model has
  // one: a stochastic grammar of every closed template, skills_grammar) instead of their
  // n-gram: a grammar holds every template and value exactly, where the n-gram also allows
  // word sequences no skill says. Off by default: it forces any speech into a command, so
  // it is not the server's hearing until a rejection of what it forces is measured (see
  // README, "Speech: measured"); barista_eval --grammar measures it.
  bool domain_grammar = false;
  // -wip of the grammar search; pocketsphinx's default 0.65 did best with the uniform
  // grammar of earlier builds.
  double grammar_word_penalty = 0.65;
  // PolicyOptions::min_agreement.
  double min_agreement = 0;
};

// Creates a pocketsphinx decoder (loads the models: slow, ~1 s). unavailable on failure.
Result<std::unique_ptr<Recognizer>> make_pocketsphinx(const ModelFiles& model,
                                                      const DecoderOptions& options = {});

struct PoolOptions {
  int size = 2;  // streaming decoders kept warm; each holds its own copy of the models
  // Decoders reserved for whole utterances (recognize), never fed in blocks, so that they
  // keep batch CMN.
  int final_size = 2;
  // How long acquire() waits for a free decoder before answering busy.
  std::chrono::milliseconds max_wait{1500};
  DecoderOptions decoder;
};

// A fixed set of warm decoders. Thread-safe.
class RecognizerPool {
 public:
  // Creates `options.size` decoders now. Throws std::runtime_error when one cannot be
  // created (start-up only).
  RecognizerPool(const ModelFiles& model, PoolOptions options);
  // For tests and other engines: takes ready recognizers (streaming, then final ones;
  // without final ones the streaming ones also hear whole utterances).
  RecognizerPool(std::vector<std::unique_ptr<Recognizer>> recognizers, PoolOptions options,
                 std::vector<std::unique_ptr<Recognizer>> finals = {});
  ~RecognizerPool();
  RecognizerPool(const RecognizerPool&) = delete;
  RecognizerPool& operator=(const RecognizerPool&) = delete;

  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();
    Recognizer* operator->() const { return recognizer_; }
    Recognizer& operator*() const { return *recognizer_; }
    explicit operator bool() const { return recognizer_ != nullptr; }
    void release();

   private:
    friend class RecognizerPool;
    Lease(RecognizerPool* pool, Recognizer* r) : pool_(pool), recognizer_(r) {}
    RecognizerPool* pool_ = nullptr;
    Recognizer* recognizer_ = nullptr;
  };

  // A free decoder, waiting up to max_wait; busy when none frees up in time.
  // REQUIRES: every Lease ends before the pool does.
  Result<Lease> acquire();
  // A free decoder now, or an empty Lease (never waits).
  Lease try_acquire();
  // acquire() with another bound on the wait (<= 0: do not wait).
  Result<Lease> acquire_within(std::chrono::milliseconds wait);
  // A final decoder, waiting up to `wait` (busy after that).
  Result<Lease> acquire_final(std::chrono::milliseconds wait);
  std::chrono::milliseconds max_wait() const { return options_.max_wait; }
  int size() const { return static_cast<int>(all_.size()); }
  int available() const;

 private:
  struct Set {
    std::vector<Recognizer*> free;
    std::condition_variable freed;
  };
  Result<Lease> take(Set& set, std::chrono::milliseconds wait);
  void give_back(Recognizer* r);

  PoolOptions options_;
  std::vector<std::unique_ptr<Recognizer>> all_, finals_;
  mutable std::mutex mutex_;
  Set streaming_, final_;
};

}  // namespace hark::asr

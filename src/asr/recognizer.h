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

#include "common/error.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
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
  // Makes sure `words` (e.g. a user's contact names) are in the dictionary, guessing
  // pronunciations of unknown ones. Words already known cost nothing.
  virtual void add_words(const std::vector<std::string>& words) = 0;
};

// Where the files of a compiled model are (see language_model.h to build one).
struct ModelFiles {
  std::filesystem::path acoustic_dir;  // -hmm
  std::filesystem::path dictionary;    // cmudict + the pronunciations of domain words
  std::filesystem::path domain_lm;     // ARPA trigram of the skills' sentences
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
  // with the full trigram fixes most of that. The lattice pass gains little; the HMM cap
  // and phone lookahead bound the time (about 0.1 CPU second per second of speech).
  bool fwdflat = true;           // -fwdflat
  bool bestpath = false;         // -bestpath
  int max_hmm_per_frame = 4000;  // -maxhmmpf
  int phone_lookahead = 5;       // -pl_window (0 = off)
  double beam = 1e-48;           // -beam
  double word_beam = 7e-29;      // -wbeam
};

// Creates a pocketsphinx decoder (loads the models: slow, ~1 s). unavailable on failure.
Result<std::unique_ptr<Recognizer>> make_pocketsphinx(const ModelFiles& model,
                                                      const DecoderOptions& options = {});

struct PoolOptions {
  int size = 2;  // decoders kept warm; each holds its own copy of the models
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
  // For tests and other engines: takes ready recognizers.
  RecognizerPool(std::vector<std::unique_ptr<Recognizer>> recognizers, PoolOptions options);
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
  int size() const { return static_cast<int>(all_.size()); }
  int available() const;

 private:
  void give_back(Recognizer* r);

  PoolOptions options_;
  std::vector<std::unique_ptr<Recognizer>> all_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Recognizer*> free_;
};

}  // namespace hark::asr

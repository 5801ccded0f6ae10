// Real decoding: espeak-ng speaks commands of built-in skills; pocketsphinx, with the
// language model built from the skills, must hear the right words.
#include "asr/language_model.h"
#include "asr/speech_stream.h"
#include "asr/transcribe.h"
#include "audio/test_signals.h"
#include "skills/registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include <unistd.h>

namespace hark::asr {
namespace {

namespace fs = std::filesystem;
using namespace audio::testing;

// espeak-ng's Klatt voices are far closer to the speech the en-us acoustic model was trained
// on than its default voice, which pocketsphinx hardly understands even with a tight model.
constexpr const char* kVoice = "-v en-us+klatt -s 130";

class RecognizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cache_ = new fs::path(fs::temp_directory_path() / ("hark_asr_test_" + std::to_string(::getpid())));
    registry_ = new skills::Registry();
    registry_->load_builtin();
    ModelOptions o;
    o.cache_dir = *cache_;
    o.samples_per_sentence = 100;
    auto model = build_model(*registry_, o);
    ASSERT_TRUE(model) << model.error().detail;
    PoolOptions p;
    p.size = 1;
    p.max_wait = std::chrono::milliseconds(50);
    // The full search (pocketsphinx's defaults): synthetic speech needs it more than people do.
    p.decoder.max_hmm_per_frame = 30000;
    p.decoder.phone_lookahead = 0;
    p.decoder.bestpath = true;
    pool_ = new RecognizerPool(*model, p);
  }
  static void TearDownTestSuite() {
    delete pool_;
    delete registry_;
    if (cache_) fs::remove_all(*cache_);
    delete cache_;
  }

  // espeak-ng speech, resampled to 16 kHz by the audio module.
  static std::vector<std::int16_t> speak(const std::string& text) {
    auto wav = espeak_wav(text, kVoice);
    EXPECT_FALSE(wav.empty());
    auto s = audio::decode_all(wav);
    EXPECT_TRUE(s);
    // A little silence around the words, as a microphone would record it.
    auto padded = silence(0.3);
    if (s) append(padded, *s);
    append(padded, silence(0.3));
    return padded;
  }

  static std::string recognize(const std::vector<std::int16_t>& samples) {
    auto lease = pool_->acquire();
    EXPECT_TRUE(lease);
    if (!lease) return "?";
    auto text = transcribe_samples(**lease, samples);
    EXPECT_TRUE(text);
    return text ? *text : "?";
  }

  static inline fs::path* cache_ = nullptr;
  static inline skills::Registry* registry_ = nullptr;
  static inline RecognizerPool* pool_ = nullptr;
};

TEST_F(RecognizerTest, HearsCommandsOfBuiltInSkills) {
  // Small words may drop ("set timer for..."); the words that carry the command may not.
  EXPECT_NE(recognize(speak("set a timer for ten minutes")).find("timer for ten minutes"), std::string::npos);
  EXPECT_EQ(recognize(speak("call mom")), "call mom");
  EXPECT_EQ(recognize(speak("what is the weather tomorrow")), "what is the weather tomorrow");
}

TEST_F(RecognizerTest, HearsOneWordCommands) {
  // The word must come first, not be lost to silence trimming or the language model
  // ("stop" may come out as "stop that"). espeak-ng's "cancel" is not reliably heard.
  for (const std::string word : {"yes", "stop"}) {
    const std::string heard = recognize(speak(word));
    EXPECT_EQ(heard.substr(0, heard.find(' ')), word) << heard;
  }
}

// A contact's name neither model knows is heard after "call" once the user's words are
// added: the name joins the skills' contact class. (Added as a plain word of both models
// instead, it comes out as "also said".)
TEST_F(RecognizerTest, HearsAContactNameAddedForTheUser) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease);
  const std::string name = "zoltan";
  const auto said = speak("call " + name);
  auto before = transcribe_samples(**lease, said);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->find(name), std::string::npos) << *before;  // not a word yet
  (*lease)->add_words({name});
  auto after = transcribe_samples(**lease, said);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, "call " + name);
  // Other commands are heard as before.
  auto mom = transcribe_samples(**lease, speak("call mom"));
  ASSERT_TRUE(mom);
  EXPECT_EQ(*mom, "call mom");
}

TEST_F(RecognizerTest, SilenceGivesNothing) { EXPECT_EQ(recognize(silence(2.0)), ""); }

TEST_F(RecognizerTest, StreamedSpeechIsEndPointedAndTranscribed) {
  SpeechStream stream(*pool_);
  auto s = silence(0.4);
  append(s, speak("turn on the flashlight"));
  append(s, silence(1.2));
  auto bytes = to_bytes(s);
  std::vector<std::string> partials;
  std::optional<StreamUpdate> final_update;
  for (std::size_t pos = 0; pos < bytes.size() && !final_update; pos += 3200) {
    auto u = stream.push(std::span(bytes).subspan(pos, std::min<std::size_t>(3200, bytes.size() - pos)));
    ASSERT_TRUE(u) << u.error().detail;
    if (u->partial) partials.push_back(*u->partial);
    if (u->ended) final_update = *u;
  }
  ASSERT_TRUE(final_update) << "the end-pointer did not end the utterance";
  EXPECT_TRUE(final_update->heard_speech);
  EXPECT_EQ(final_update->final_text, "turn on the flashlight");
  EXPECT_FALSE(partials.empty());
}

TEST_F(RecognizerTest, WholeWavFileAtItsOwnRate) {
  auto wav = espeak_wav("call mom", kVoice);  // 22050 Hz
  const auto path = *cache_ / "call.wav";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(wav.data()),
                                              static_cast<std::streamsize>(wav.size()));
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease);
  auto text = transcribe_file(**lease, path);
  ASSERT_TRUE(text) << text.error().detail;
  EXPECT_EQ(*text, "call mom");
}

TEST_F(RecognizerTest, GarbageFilesAreRejected) {
  const auto path = *cache_ / "garbage.wav";
  std::ofstream(path, std::ios::binary) << "RIFF\x10\0\0\0WAVEjunkjunkjunk";
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease);
  auto text = transcribe_file(**lease, path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::bad_request);
  EXPECT_EQ(transcribe_file(**lease, *cache_ / "missing.wav").error().code, Errc::not_found);
}

}  // namespace
}  // namespace hark::asr

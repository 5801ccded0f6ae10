// Speech end to end: the real server with one pocketsphinx decoder, real espeak-ng speech
// sent over the real WebSocket as base64 `audio` messages and as binary frames, at 16 kHz
// and 44.1 kHz; silence, noise, garbage and a 30 s stream.
#include "audio/test_signals.h"
#include "e2e_fixture.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace audio::testing;

// espeak-ng's Klatt voice is close enough to the speech the en-us model was trained on.
constexpr const char* kVoice = "-v en-us+klatt -s 130";
constexpr int kChunkMs = 100;

// Speech as 16 kHz samples with a little silence around it, as a microphone records it.
std::vector<std::int16_t> speak16k(const std::string& text) {
  auto wav = espeak_wav(text, kVoice);
  auto s = audio::decode_all(wav);
  if (!s) throw std::runtime_error("espeak-ng gave no usable audio for: " + text);
  auto padded = silence(0.3);
  append(padded, *s);
  append(padded, silence(0.3));
  return padded;
}

// The same speech as a 44.1 kHz WAV file's bytes (sox resamples espeak-ng's 22.05 kHz).
std::vector<std::uint8_t> speak_wav44k(const std::string& text) {
  const auto dir = make_temp_dir();
  const auto in = dir / "in.wav", out = dir / "out.wav";
  auto wav = espeak_wav(text, kVoice);
  std::ofstream(in, std::ios::binary)
      .write(reinterpret_cast<const char*>(wav.data()), static_cast<std::streamsize>(wav.size()));
  const std::string cmd = "sox '" + in.string() + "' -r 44100 '" + out.string() + "' pad 0.3 0.3";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("sox failed");
  auto bytes = read_file(out);
  std::filesystem::remove_all(dir);
  return bytes;
}

std::string base64(std::span<const std::uint8_t> bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

enum class Framing { base64, binary };

void send_chunk(WsClient& ws, std::span<const std::uint8_t> chunk, Framing how) {
  if (how == Framing::binary)
    ASSERT_TRUE(ws.send_binary(chunk));
  else
    ASSERT_TRUE(ws.send_json(json::object{{"type", "audio"}, {"content", base64(chunk)}}));
}

// Everything the server said about one utterance, up to and including its response.
struct Heard {
  std::vector<std::string> partials;
  std::optional<std::string> final_transcript;
  std::optional<json::object> response;
  std::vector<json::object> errors;
  std::set<std::string> turn_ids;
};

// Reads messages until a response (or `quiet` without anything).
void collect(WsClient& ws, Heard& h, std::chrono::milliseconds quiet) {
  for (;;) {
    WsMessage m = ws.read(quiet);
    if (!m.is_json()) return;
    const auto& o = m.object;
    if (o.contains("turn_id")) h.turn_ids.insert(str(o, "turn_id"));
    const std::string type = m.type();
    EXPECT_FALSE(type == "transcript" && o.contains("message")) << "a transcript must not carry a message";
    if (type == "transcript") {
      if (o.at("final").as_bool())
        h.final_transcript = str(o, "text");
      else
        h.partials.push_back(str(o, "text"));
    } else if (type == "response") {
      h.response = o;
      return;
    } else if (type == "error") {
      h.errors.push_back(o);
    }
  }
}

class SpeechTest : public SpeechE2ETest {
 protected:
  void SetUp() override {
    SpeechE2ETest::SetUp();
    if (HasFatalFailure()) return;
    tokens_ = new_user("speech");
    open(ws_, tokens_);
  }

  // Streams 16 kHz PCM in chunks of `chunk_ms` (default real-time-sized), sent as fast as
  // the server takes them, or one chunk per chunk_ms (`real_time`, as a phone sends).
  void stream(const std::vector<std::int16_t>& samples, Framing how, int chunk_ms = kChunkMs,
              bool real_time = false) {
    const auto bytes = to_bytes(samples);
    const std::size_t chunk = static_cast<std::size_t>(16000 * 2 * chunk_ms / 1000);
    for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
      send_chunk(ws_, std::span(bytes).subspan(pos, std::min(chunk, bytes.size() - pos)), how);
      if (real_time) std::this_thread::sleep_for(std::chrono::milliseconds(chunk_ms));
    }
  }

  // Says `text` (16 kHz), ends with audio_end, and collects the answer.
  Heard say_aloud(const std::string& text, Framing how) {
    Heard h;
    stream(speak16k(text), how);
    EXPECT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
    collect(ws_, h, 30s);
    return h;
  }

  Tokens tokens_;
  WsClient ws_;
};

TEST_F(SpeechTest, SpokenCommandAsBase64GetsTranscriptsAndTheSameResponseAsText) {
  Heard h = say_aloud("call mom", Framing::base64);
  ASSERT_TRUE(h.response) << "no response";
  ASSERT_TRUE(h.final_transcript);
  EXPECT_EQ(*h.final_transcript, "call mom");
  EXPECT_EQ(str(*h.response, "transcript"), "call mom");
  EXPECT_EQ(str(*h.response, "intent"), "call");
  EXPECT_EQ(str(*h.response, "message"), "Calling mom.");
  EXPECT_EQ(lower(param(*h.response, "target")), "mom");
  EXPECT_TRUE(action_of(*h.response).at("needs_confirmation").as_bool());
  // One turn: transcripts and the response share its id.
  EXPECT_EQ(h.turn_ids.size(), 1u);
  EXPECT_TRUE(h.errors.empty()) << dump(h.errors.front());
}

TEST_F(SpeechTest, BinaryFramesWorkTheSameAndYesConfirmsByVoice) {
  Heard call = say_aloud("call mom", Framing::binary);
  ASSERT_TRUE(call.response);
  ASSERT_EQ(str(*call.response, "intent"), "call");
  const std::string action_id = str(action_of(*call.response), "id");

  Heard yes = say_aloud("yes", Framing::binary);
  ASSERT_TRUE(yes.response) << "no response to yes";
  EXPECT_EQ(str(action_of(*yes.response), "id"), action_id);
  EXPECT_FALSE(action_of(*yes.response).at("needs_confirmation").as_bool());
  EXPECT_NE(call.turn_ids, yes.turn_ids);
}

// A name neither the dictionary nor the language models know is heard once it is one of
// the user's contacts (read when the connection opens), and the call goes to that contact.
TEST_F(SpeechTest, AContactsNameIsHeardAfterCall) {
  ASSERT_EQ(http().put_json(api("/contacts"),
                            json::array{{{"name", "Zoltan"}, {"phones", json::array{"+15550001111"}}}},
                            tokens_.access_token)
                .status,
            204);
  ws_.close();
  open(ws_, tokens_);
  Heard h = say_aloud("call zoltan", Framing::binary);
  ASSERT_TRUE(h.response) << "no response";
  EXPECT_EQ(str(*h.response, "transcript"), "call zoltan");
  EXPECT_EQ(str(*h.response, "intent"), "call");
  EXPECT_EQ(param(*h.response, "target"), "Zoltan");
  EXPECT_TRUE(action_of(*h.response).at("needs_confirmation").as_bool());
}

TEST_F(SpeechTest, ServerEndPointsWithoutAudioEndAndSendsPartials) {
  // No audio_end: the trailing silence ends the utterance.
  auto s = speak16k("set a timer for ten minutes");
  append(s, silence(1.5));
  stream(s, Framing::binary);
  Heard h;
  collect(ws_, h, 30s);
  ASSERT_TRUE(h.response) << "the end-pointer did not end the utterance";
  EXPECT_EQ(str(*h.response, "intent"), "timer");
  EXPECT_EQ(param(*h.response, "duration_seconds"), "600");
  // About 2.5 s of speech, a partial every 400 ms of it (when the words changed).
  EXPECT_GE(h.partials.size(), 2u);
}

TEST_F(SpeechTest, Wav44kIsResampled) {
  auto wav = speak_wav44k("what is the weather tomorrow");
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"encoding", "wav"}, {"sample_rate", 44100}}}}));
  // The header comes whole in the first chunk, the rest in 100 ms pieces.
  const std::size_t chunk = 44100 * 2 * kChunkMs / 1000;
  for (std::size_t pos = 0; pos < wav.size(); pos += chunk)
    send_chunk(ws_, std::span(wav).subspan(pos, std::min(chunk, wav.size() - pos)), Framing::binary);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  Heard h;
  collect(ws_, h, 30s);
  ASSERT_TRUE(h.response);
  EXPECT_EQ(str(*h.response, "intent"), "weather");
  EXPECT_EQ(*h.final_transcript, "what is the weather tomorrow");
}

TEST_F(SpeechTest, Pcm44kFromConfigIsResampled) {
  auto wav = speak_wav44k("turn on the flashlight");
  auto header = audio::parse_wav_header(wav);
  ASSERT_TRUE(header);
  std::span<const std::uint8_t> pcm = std::span(wav).subspan(header->data_offset);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"encoding", "pcm16"}, {"sample_rate", 44100}}}}));
  const std::size_t chunk = 44100 * 2 * kChunkMs / 1000;
  for (std::size_t pos = 0; pos < pcm.size(); pos += chunk)
    send_chunk(ws_, pcm.subspan(pos, std::min(chunk, pcm.size() - pos)), Framing::base64);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  Heard h;
  collect(ws_, h, 30s);
  ASSERT_TRUE(h.response);
  EXPECT_EQ(str(*h.response, "intent"), "device_setting");
  EXPECT_EQ(param(*h.response, "setting"), "flashlight");
  EXPECT_EQ(param(*h.response, "state"), "on");
}

TEST_F(SpeechTest, SilenceAndNoiseAnswerNoResponse) {
  auto quiet = silence(2.0);
  append(quiet, white_noise(2.0, 1500.0));
  stream(quiet, Framing::binary);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  Heard h;
  collect(ws_, h, 3s);
  EXPECT_FALSE(h.response) << dump(*h.response);
  // The client ended it itself: an empty final transcript says nothing was heard.
  ASSERT_TRUE(h.final_transcript);
  EXPECT_EQ(*h.final_transcript, "");
  // Nothing was stored: history has no turn.
  auto res = http().get(api("/conversations/history"), tokens_.access_token);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body).at("items").as_array().size(), 0u) << res.body;
}

TEST_F(SpeechTest, GarbageAudioIsAnErrorAndTheConnectionStaysUsable) {
  // A RIFF header that is not a usable WAV, then base64 that is not base64.
  std::vector<std::uint8_t> bad = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E', 'x', 'y'};
  ASSERT_TRUE(ws_.send_binary(bad));
  auto e = next_json(ws_);
  EXPECT_EQ(str(e, "type"), "error");
  EXPECT_EQ(str(e, "code"), "bad_audio");
  EXPECT_FALSE(e.contains("message"));
  auto e2 = exchange(ws_, json::object{{"type", "audio"}, {"content", "***not base64***"}, {"id", "c1"}});
  EXPECT_EQ(str(e2, "type"), "error");
  EXPECT_EQ(str(e2, "in_reply_to"), "c1");
  // An odd byte count splits a sample: it is kept for the next chunk, not an error.
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "cancel"}}));
  Heard h = say_aloud("stop", Framing::binary);
  ASSERT_TRUE(h.response) << "the connection is not usable after garbage";
  EXPECT_EQ(h.final_transcript->substr(0, 4), "stop");
}

TEST_F(SpeechTest, CancelDropsTheUtterance) {
  // Cut before the end of the words, so that the end-pointer cannot end it first.
  auto s = speak16k("call mom");
  s.resize(s.size() * 6 / 10);
  stream(s, Framing::binary);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "cancel"}}));
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  Heard h;
  collect(ws_, h, 3s);
  EXPECT_FALSE(h.response) << dump(*h.response);
  // Text still works and nothing is pending.
  auto r = say(ws_, "yes");
  EXPECT_EQ(str(r, "type"), "response");
  EXPECT_TRUE(action_of(r).empty()) << dump(r);
}

TEST_F(SpeechTest, ThirtySecondStreamIsCutAndAnswered) {
  // Speech whose pauses are all shorter than the session's end-pointing silence: only the
  // 30 s cap can end it.
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"end_silence_ms", 5000}}}}));
  std::vector<std::int16_t> s;
  auto words = speak16k("what is the weather tomorrow and the day after");
  while (s.size() < 32 * 16000) {
    append(s, words);
  }
  stream(s, Framing::binary);
  Heard h;
  collect(ws_, h, 60s);
  ASSERT_TRUE(h.response || h.final_transcript) << "a 30 s stream got no answer";
  if (h.response) EXPECT_TRUE(h.response->contains("message"));
  // The connection still answers afterwards.
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "cancel"}}));
  auto r = say(ws_, "what time is it");
  // Transcripts of the cut utterance's remainder may come first.
  while (str(r, "type") != "response") r = next_json(ws_, 30s);
  EXPECT_EQ(str(r, "intent"), "time");
}

// 20 s of speech whose pauses are all shorter than the session's end-pointing silence,
// so that only audio_end ends it and its final decoding takes a while.
std::vector<std::int16_t> twenty_seconds_of_speech() {
  std::vector<std::int16_t> s;
  auto words = speak16k("what is the weather tomorrow and the day after");
  while (s.size() < 20 * 16000) append(s, words);
  s.resize(20 * 16000);
  return s;
}

// The session keeps reading while an utterance is decoded: a WebSocket ping sent right
// after 20 s of audio gets its pong at once, before the utterance's answer.
TEST_F(SpeechTest, PingIsAnsweredWhileALongUtteranceIsDecoded) {
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"end_silence_ms", 5000}}}}));
  stream(twenty_seconds_of_speech(), Framing::binary);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  auto pong = ws_.ping(500ms);
  ASSERT_TRUE(pong) << "no pong within 500 ms while decoding";
  EXPECT_LT(pong->count(), 500);
  // The utterance was still being decoded then: its answer comes after the pong (read()
  // gives what arrived while ping() waited first).
  Heard h;
  collect(ws_, h, 60s);
  ASSERT_TRUE(h.final_transcript) << "the long utterance got no final transcript";
  ASSERT_TRUE(h.response) << "the long utterance got no response";
  EXPECT_TRUE(h.response->contains("message"));
}

// A cancel sent while the utterance is decoded is read and honoured: that utterance gets
// no final transcript and no response, and the next one works.
TEST_F(SpeechTest, CancelDuringDecodingDropsTheUtterance) {
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"end_silence_ms", 5000}}}}));
  stream(twenty_seconds_of_speech(), Framing::binary);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "cancel"}}));
  Heard h;
  collect(ws_, h, 10s);
  EXPECT_FALSE(h.response) << dump(*h.response);
  EXPECT_FALSE(h.final_transcript && !h.final_transcript->empty()) << *h.final_transcript;
  Heard next = say_aloud("call mom", Framing::binary);
  ASSERT_TRUE(next.response) << "the utterance after the cancel got no response";
  EXPECT_EQ(str(*next.response, "intent"), "call");
}

TEST_F(SpeechTest, BadAudioConfigChangesNothing) {
  auto e = exchange(ws_, json::object{{"type", "config"}, {"audio", json::object{{"encoding", "mp3"}}}});
  EXPECT_EQ(str(e, "code"), "invalid_field");
  e = exchange(ws_, json::object{{"type", "config"}, {"audio", json::object{{"sample_rate", 1000}}}});
  EXPECT_EQ(str(e, "code"), "invalid_field");
  // Still 16 kHz PCM.
  Heard h = say_aloud("call mom", Framing::binary);
  ASSERT_TRUE(h.response);
  EXPECT_EQ(str(*h.response, "intent"), "call");
}

TEST_F(SpeechTest, AllDecodersBusyAnswersBusyAndTextIsNotStalled) {
  // This connection holds the only decoder: its utterance is still going on.
  auto held = speak16k("what is the weather tomorrow");
  held.resize(held.size() / 2);
  stream(held, Framing::binary);
  Heard first;
  collect(ws_, first, 2s);  // partials only
  ASSERT_FALSE(first.response);

  auto other = new_user("speech-busy");
  WsClient ws2;
  open(ws2, other);
  // Over 1.5 s (the default wait) of speech without a free decoder.
  auto words = speak16k("set a timer for ten minutes");
  append(words, speak16k("set a timer for ten minutes"));
  const auto bytes = to_bytes(words);
  for (std::size_t pos = 0; pos < bytes.size(); pos += 3200)
    send_chunk(ws2, std::span(bytes).subspan(pos, std::min<std::size_t>(3200, bytes.size() - pos)), Framing::binary);
  Heard h;
  collect(ws2, h, 5s);
  ASSERT_FALSE(h.errors.empty()) << "no busy error";
  EXPECT_EQ(str(h.errors.front(), "code"), "busy");
  EXPECT_TRUE(h.errors.front().contains("turn_id"));
  EXPECT_FALSE(h.response);
  // Typed text on the busy connection is answered at once.
  ASSERT_TRUE(ws2.send_json(json::object{{"type", "cancel"}}));
  auto r = say(ws2, "what time is it");
  while (str(r, "type") != "response") r = next_json(ws2);
  EXPECT_EQ(str(r, "intent"), "time");
  // The first connection still finishes its utterance.
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  collect(ws_, first, 30s);
  EXPECT_TRUE(first.response);
}

// A SpeechTest whose server also reads config() as its configuration file.
class ConfiguredSpeechTest : public SpeechTest {
 protected:
  virtual std::string config() const = 0;
  std::vector<std::string> server_args() override {
    config_dir_ = make_temp_dir();
    const auto file = config_dir_ / "hark.yaml";
    std::ofstream(file) << config();
    auto args = SpeechTest::server_args();
    args.insert(args.end(), {"--config", file.string()});
    return args;
  }
  void TearDown() override {
    SpeechTest::TearDown();
    std::filesystem::remove_all(config_dir_);
  }
  std::filesystem::path config_dir_;
};

// A server that queues at most 32 KiB (1 s) of audio a session's decoding has not taken
// yet (max_frame_bytes, which also bounds one message).
class SmallQueueSpeechTest : public ConfiguredSpeechTest {
 protected:
  std::string config() const override { return "max_frame_bytes: 32768\n"; }
};

// 20 s of audio sent at once is far ahead of the decoder: what the session cannot queue is
// dropped, that utterance answers busy (not a transcript of part of it), the socket is still
// read (a ping is answered), and the next utterance is heard whole.
TEST_F(SmallQueueSpeechTest, AudioTooFarAheadOfTheDecoderAnswersBusyAndTheNextUtteranceIsHeard) {
  // One utterance (its pauses are shorter than the end-pointing silence), sent in
  // half-second messages: two fit the queue, and a third arrives long before the decoder
  // has taken the first one's half second of speech.
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "config"}, {"audio", json::object{{"end_silence_ms", 5000}}}}));
  stream(twenty_seconds_of_speech(), Framing::binary, /*chunk_ms=*/500);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  auto pong = ws_.ping(2000ms);
  ASSERT_TRUE(pong) << "no pong while the dropped audio's utterance was decoded";
  Heard h;
  collect(ws_, h, 10s);
  ASSERT_FALSE(h.errors.empty()) << "no busy error for audio the session could not queue; final: "
                                 << h.final_transcript.value_or("(none)") << ", partials: " << h.partials.size()
                                 << ", response: " << (h.response ? dump(*h.response) : "(none)") << server().log_tail();
  EXPECT_EQ(str(h.errors.front(), "code"), "busy");
  EXPECT_TRUE(h.errors.front().contains("turn_id"));
  EXPECT_FALSE(h.response) << dump(*h.response);
  // The next utterance, sent as a phone sends it (in real time), fits the small queue.
  stream(speak16k("call mom"), Framing::binary, kChunkMs, /*real_time=*/true);
  ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}));
  Heard next;
  collect(ws_, next, 30s);
  ASSERT_TRUE(next.response) << "the utterance after the busy one got no response; final: "
                             << next.final_transcript.value_or("(none)") << ", errors: " << next.errors.size()
                             << (next.errors.empty() ? "" : dump(next.errors.front())) << server().log_tail();
  EXPECT_EQ(str(*next.response, "intent"), "call");
}

// A server with one speech thread, whose audio may be half a second behind its client
// before it is shed, and limits that let one client send much faster than a person talks.
class FastClientSpeechTest : public ConfiguredSpeechTest {
 protected:
  std::string config() const override {
    return "speech_threads: 1\nspeech_max_lag_ms: 500\n"
           "max_messages_per_second: 1000\nmax_frame_bytes: 16777216\n";
  }
};

// Issue 11's soak stall, on one connection: utterances (audio, audio_end) sent far faster
// than the one speech thread decodes them. Each audio_end still gets its one answer (most
// of them busy), the session keeps reading (a ping is answered though more messages were
// sent than a session queues), and it stays usable. Before, each message waited for its
// turn on the speech thread: the session fell ever further behind and stopped reading.
TEST_F(FastClientSpeechTest, UtterancesFasterThanTheDecoderEachGetAnAnswerAndPingsAreAnswered) {
  const auto bytes = to_bytes(speak16k("what is the weather like tomorrow"));
  constexpr int kUtterances = 200;  // 400 messages: more than a session queues (256)
  for (int i = 0; i < kUtterances; ++i) {
    ASSERT_TRUE(ws_.send_binary(bytes)) << "the server stopped reading after " << i << " utterances";
    ASSERT_TRUE(ws_.send_json(json::object{{"type", "audio_end"}}))
        << "the server stopped reading after " << i << " utterances";
  }
  ASSERT_TRUE(ws_.ping(5s)) << "no pong: the session stopped reading";
  // One answer per audio_end: a response, an error (busy), or an empty final transcript.
  int answers = 0, busy = 0;
  while (answers < kUtterances) {
    WsMessage m = ws_.read(10s);
    ASSERT_TRUE(m.is_json()) << "after " << answers << " answers: " << m.describe();
    const std::string type = m.type();
    if (type == "error") {
      EXPECT_EQ(str(m.object, "code"), "busy") << dump(m.object);
      busy += str(m.object, "code") == "busy";
    }
    const bool nothing_heard =
        type == "transcript" && m.object.at("final").as_bool() && str(m.object, "text").empty();
    answers += type == "response" || type == "error" || nothing_heard;
  }
  EXPECT_GT(busy, 0) << "every utterance was decoded: the client was not faster than the decoder";
  // Nothing more was owed, and the connection still answers.
  auto r = say(ws_, "what time is it");
  EXPECT_EQ(str(r, "type"), "response") << dump(r);
  EXPECT_TRUE(ws_.ping(5s));
}

class NoSpeechTest : public E2ETest {};

TEST_F(NoSpeechTest, AudioAnswersSpeechUnavailableOncePerUtterance) {
  auto tokens = new_user("nospeech");
  WsClient ws;
  open(ws, tokens);
  ASSERT_EQ(json::parse(http().get(api("/readyz")).body).at("speech").as_string(), "off");
  auto bytes = to_bytes(silence(0.1));
  ASSERT_TRUE(ws.send_binary(bytes));
  auto e = next_json(ws);
  EXPECT_EQ(str(e, "code"), "speech_unavailable");
  EXPECT_TRUE(e.contains("turn_id"));
  ASSERT_TRUE(ws.send_binary(bytes));
  ASSERT_TRUE(ws.send_json(json::object{{"type", "audio_end"}}));
  auto r = say(ws, "what time is it");  // no second error came before the answer
  EXPECT_EQ(str(r, "type"), "response");
}

TEST_F(NoSpeechTest, TtsSessionsGetTheAnswerAsAWavAfterTheResponse) {
  auto tokens = new_user("tts");
  WsClient ws;
  open(ws, tokens);
  auto r = say(ws, "tell me a joke");
  EXPECT_EQ(str(r, "type"), "response");
  ASSERT_TRUE(ws.send_json(json::object{{"type", "config"}, {"tts", true}}));
  r = say(ws, "what time is it");
  ASSERT_EQ(str(r, "type"), "response");
  auto audio = next_json(ws);
  ASSERT_EQ(str(audio, "type"), "audio") << dump(audio);
  EXPECT_EQ(str(audio, "format"), "wav");
  EXPECT_EQ(str(audio, "turn_id"), str(r, "turn_id"));
  EXPECT_FALSE(audio.contains("message"));  // only responses carry what to speak
  const std::string b64 = str(audio, "content");
  std::string wav(b64.size(), '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(wav.data()), wav.size(), b64.data(), b64.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  wav.resize(len);
  auto header = audio::parse_wav_header(std::span(reinterpret_cast<const std::uint8_t*>(wav.data()), wav.size()));
  ASSERT_TRUE(header);
  EXPECT_GT(wav.size() - header->data_offset, static_cast<std::size_t>(header->sample_rate) / 2);
  // Turned off again: the next answer comes alone.
  ASSERT_TRUE(ws.send_json(json::object{{"type", "config"}, {"tts", false}}));
  r = say(ws, "what time is it");
  ASSERT_EQ(str(r, "type"), "response");
  ASSERT_TRUE(ws.send_json(json::object{{"type", "ping"}}));
  EXPECT_EQ(str(next_json(ws), "type"), "pong");
}

}  // namespace
}  // namespace hark::e2e

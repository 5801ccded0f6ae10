// asr_bench: what speech costs on this machine, through the code the server runs for each
// spoken utterance (asr::SpeechStream on a pool of pocketsphinx decoders: decode, resample,
// end-point, streaming pass with partials, whole-utterance final pass).
//
//   asr_bench [--wav-dir DIR] [--skills-dir DIR] [--cache DIR] [--utterances N]
//             [--max-streams N] [--chunk-ms 100]
//
// Audio: every *.wav of --wav-dir (16-bit PCM, any rate; e.g. real recordings), else
// commands of the built-in skills spoken by espeak-ng. Prints:
//   1. the real-time factor of one stream (CPU seconds per second of audio), audio sent
//      as fast as it decodes;
//   2. how many streams the machine sustains in real time: N threads each stream their
//      utterances at real-time pace on their own decoder; N is sustained while 90% of the
//      chunks are processed before the next one is due (no backlog builds up);
//   3. the time from the end of an utterance's audio (the client's audio_end) to its final
//      transcript, p50 and p90, while streaming at real-time pace (the server adds the
//      dialog, ~0.1 ms, and the network). Server-side end-pointing waits the session's
//      end-of-speech silence (700 ms by default) before this starts.
#include "asr/language_model.h"
#include "asr/speech_stream.h"
#include "audio/audio.h"
#include "skills/registry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace hark;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  fs::path wav_dir;
  std::vector<fs::path> skills_dirs;
  fs::path cache = fs::temp_directory_path() / "hark-asr-bench-cache";
  int utterances = 20;
  int max_streams = 12;
  int chunk_ms = 100;
};

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Commands of our own for the built-in skills, spoken by espeak-ng (Klatt voice).
std::vector<std::vector<std::int16_t>> spoken_commands(int n) {
  const char* kSentences[] = {"call mom",
                              "set a timer for ten minutes",
                              "what is the weather tomorrow",
                              "turn on the flashlight",
                              "add milk to my shopping list",
                              "remind me to water the plants at six pm",
                              "play some jazz",
                              "navigate to the airport",
                              "what time is it",
                              "set an alarm for seven thirty"};
  std::vector<std::vector<std::int16_t>> out;
  const fs::path tmp = fs::temp_directory_path() / ("hark-asr-bench-" + std::to_string(::getpid()) + ".wav");
  for (int i = 0; i < n; ++i) {
    const std::string cmd = "espeak-ng -v en-us+klatt -s 130 -w '" + tmp.string() + "' \"" +
                            kSentences[i % std::size(kSentences)] + "\" 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) break;
    auto s = audio::decode_all(read_bytes(tmp));
    if (s) out.push_back(std::move(*s));
  }
  fs::remove(tmp);
  return out;
}

std::vector<std::vector<std::int16_t>> recordings(const fs::path& dir, int n) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".wav" && e.path().filename().string().find("noise") == std::string::npos)
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::vector<std::int16_t>> out;
  for (const auto& f : files) {
    if (static_cast<int>(out.size()) >= n) break;
    auto s = audio::decode_all(read_bytes(f), audio::Format{audio::Encoding::wav});
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

// A little silence before and after, as a microphone records it.
std::vector<std::uint8_t> as_pcm(const std::vector<std::int16_t>& s) {
  std::vector<std::int16_t> padded(static_cast<std::size_t>(0.3 * audio::kTargetRate), 0);
  padded.insert(padded.end(), s.begin(), s.end());
  padded.resize(padded.size() + static_cast<std::size_t>(0.3 * audio::kTargetRate), 0);
  std::vector<std::uint8_t> b(padded.size() * 2);
  std::memcpy(b.data(), padded.data(), b.size());
  return b;
}

struct StreamStats {
  double audio_s = 0, cpu_s = 0;
  std::vector<double> chunk_late_ms;  // processing end - next chunk due (paced runs)
  std::vector<double> final_ms;       // end of audio -> final transcript
  int errors = 0;
};

// Streams `utts` through one SpeechStream; paced = real time, else as fast as it goes.
StreamStats run_stream(asr::RecognizerPool& pool, const std::vector<std::vector<std::uint8_t>>& utts,
                       int offset, int chunk_ms, bool paced) {
  StreamStats st;
  asr::StreamOptions o;
  o.endpointing.trailing_silence_ms = 5000;  // the utterance ends at end(), like audio_end
  asr::SpeechStream stream(pool, o);
  const std::size_t chunk = static_cast<std::size_t>(audio::kTargetRate) * 2 * chunk_ms / 1000;
  const double cpu0 = thread_cpu_s();
  auto due = Clock::now();
  for (std::size_t u = 0; u < utts.size(); ++u) {
    const auto& bytes = utts[(u + static_cast<std::size_t>(offset)) % utts.size()];
    st.audio_s += static_cast<double>(bytes.size()) / 2.0 / audio::kTargetRate;
    for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
      const std::size_t n = std::min(chunk, bytes.size() - pos);
      if (paced) std::this_thread::sleep_until(due);
      auto r = stream.push(std::span(bytes).subspan(pos, n));
      if (!r) ++st.errors;
      due += std::chrono::microseconds(static_cast<std::int64_t>(n) * 1'000'000 / 2 / audio::kTargetRate);
      if (paced)
        st.chunk_late_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    }
    // The audio ended at `due` (paced) or now (as fast as possible).
    const auto ended_at = paced ? std::max(due, Clock::now()) : Clock::now();
    auto r = stream.end();
    if (!r || !r->ended) ++st.errors;
    st.final_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - ended_at).count());
    due = Clock::now() + std::chrono::milliseconds(300);  // a pause between utterances
  }
  st.cpu_s = thread_cpu_s() - cpu0;
  return st;
}

int usage() {
  std::cerr << "usage: asr_bench [--wav-dir DIR] [--skills-dir DIR] [--cache DIR] [--utterances N]\n"
               "                 [--max-streams N] [--chunk-ms MS]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = f.starts_with("--") ? next() : nullptr;
    if (!v) return usage();
    if (f == "--wav-dir") a.wav_dir = v;
    else if (f == "--skills-dir") a.skills_dirs.emplace_back(v);
    else if (f == "--cache") a.cache = v;
    else if (f == "--utterances") a.utterances = std::max(1, std::atoi(v));
    else if (f == "--max-streams") a.max_streams = std::max(1, std::atoi(v));
    else if (f == "--chunk-ms") a.chunk_ms = std::clamp(std::atoi(v), 10, 1000);
    else return usage();
  }

  skills::Registry registry;
  try {
    registry.load_builtin();
    for (const auto& d : a.skills_dirs) registry.load_dir(d);
  } catch (const std::exception& e) {
    std::cerr << "asr_bench: " << e.what() << "\n";
    return 1;
  }
  asr::ModelOptions mo;
  mo.cache_dir = a.cache;
  auto model = asr::build_model(registry, mo);
  if (!model) {
    std::cerr << "asr_bench: " << model.error().detail << "\n";
    return 1;
  }
  auto samples = a.wav_dir.empty() ? spoken_commands(a.utterances) : recordings(a.wav_dir, a.utterances);
  if (samples.empty()) {
    std::cerr << "asr_bench: no audio\n";
    return 1;
  }
  std::vector<std::vector<std::uint8_t>> utts;
  double total_s = 0;
  for (const auto& s : samples) {
    utts.push_back(as_pcm(s));
    total_s += static_cast<double>(utts.back().size()) / 2.0 / audio::kTargetRate;
  }
  std::printf("asr_bench: %zu utterances, %.1f s of audio (%s), %u cores, %d ms chunks\n", utts.size(),
              total_s, a.wav_dir.empty() ? "espeak-ng commands" : "recordings", std::thread::hardware_concurrency(),
              a.chunk_ms);

  // Decoders for the largest stream count, loaded once (each ~150 MB, seconds to load).
  asr::PoolOptions po;
  po.size = a.max_streams;
  po.max_wait = std::chrono::milliseconds(0);
  const auto t0 = Clock::now();
  asr::RecognizerPool pool(*model, po);
  std::printf("%d decoders loaded in %.1f s\n", pool.size(),
              std::chrono::duration<double>(Clock::now() - t0).count());

  // 1. One stream, as fast as it decodes.
  run_stream(pool, {utts.front()}, 0, a.chunk_ms, false);  // warm-up
  StreamStats one = run_stream(pool, utts, 0, a.chunk_ms, false);
  std::printf("one stream: real-time factor %.3f (%.2f CPU s for %.1f s of audio; errors %d)\n",
              one.cpu_s / one.audio_s, one.cpu_s, one.audio_s, one.errors);
  std::printf("one stream, end of audio -> final transcript: p50 %.0f ms, p90 %.0f ms\n",
              pct(one.final_ms, 0.5), pct(one.final_ms, 0.9));

  // 2 and 3. N streams at real-time pace.
  int sustained = 0;
  std::printf("\n| streams | chunks late p90 (ms) | end of audio -> final p50 (ms) | p90 (ms) | real time |\n");
  std::printf("| ---: | ---: | ---: | ---: | --- |\n");
  for (int n : {1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24}) {
    if (n > a.max_streams) break;
    std::vector<StreamStats> stats(static_cast<std::size_t>(n));
    {
      std::vector<std::jthread> threads;
      for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] { stats[static_cast<std::size_t>(i)] = run_stream(pool, utts, i * 3, a.chunk_ms, true); });
    }
    std::vector<double> late, fin;
    int errors = 0;
    for (auto& s : stats) {
      late.insert(late.end(), s.chunk_late_ms.begin(), s.chunk_late_ms.end());
      fin.insert(fin.end(), s.final_ms.begin(), s.final_ms.end());
      errors += s.errors;
    }
    const bool ok = pct(late, 0.9) < a.chunk_ms && errors == 0;
    std::printf("| %d | %.0f | %.0f | %.0f | %s |\n", n, pct(late, 0.9), pct(fin, 0.5), pct(fin, 0.9),
                ok ? "yes" : (errors ? "errors" : "no"));
    std::fflush(stdout);
    if (!ok) break;
    sustained = n;
  }
  std::printf("\nstreams sustained in real time: %d\n", sustained);
  return 0;
}

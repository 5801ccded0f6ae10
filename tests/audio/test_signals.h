// Generated test signals: tones, silence, noise, and espeak-ng speech made at run time.
#pragma once

#include "audio/audio.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

namespace hark::audio::testing {

inline std::vector<std::int16_t> sine(double hz, double seconds, double amplitude = 8000.0,
                                      int rate = kTargetRate) {
  std::vector<std::int16_t> s(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<std::int16_t>(amplitude * std::sin(2.0 * M_PI * hz * static_cast<double>(i) / rate));
  return s;
}

inline std::vector<std::int16_t> silence(double seconds, int rate = kTargetRate) {
  return std::vector<std::int16_t>(static_cast<std::size_t>(seconds * rate), 0);
}

inline std::vector<std::int16_t> white_noise(double seconds, double amplitude, unsigned seed = 7) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> d(0.0, amplitude);
  std::vector<std::int16_t> s(static_cast<std::size_t>(seconds * kTargetRate));
  for (auto& x : s) x = static_cast<std::int16_t>(std::clamp(d(gen), -32767.0, 32767.0));
  return s;
}

// A steady background like a room's rumble or a fan: Gaussian noise through a one-pole
// low-pass (about 250 Hz), so that, unlike white noise, its zero-crossing rate is that of
// voiced speech. `amplitude` is its RMS. With `clatter`, 100 ms bursts 8 dB up every
// 0.5-1.5 s (a kitchen's dishes).
inline std::vector<std::int16_t> rumble(double seconds, double amplitude, bool clatter = false,
                                        unsigned seed = 3) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> d(0.0, 1.0);
  constexpr double kPole = 0.9;
  const double gain = amplitude * std::sqrt(1.0 - kPole * kPole);  // unit-variance output
  std::vector<std::int16_t> s(static_cast<std::size_t>(seconds * kTargetRate));
  double y = 0.0;
  std::size_t next_burst = kTargetRate / 2, burst_end = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    y = kPole * y + d(gen);
    double v = gain * y;
    if (clatter) {
      if (i == next_burst) {
        burst_end = i + kTargetRate / 10;
        next_burst = i + kTargetRate / 2 + gen() % kTargetRate;
      }
      if (i < burst_end) v *= 2.5;  // +8 dB
    }
    s[i] = static_cast<std::int16_t>(std::clamp(v, -32767.0, 32767.0));
  }
  return s;
}

// The energy of the loudest 128 ms frame (as the peak-SNR noise benchmark measures).
inline double peak_frame_energy(const std::vector<std::int16_t>& x) {
  constexpr std::size_t kFrame = 2048;
  double best = 0, e = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    e += static_cast<double>(x[i]) * x[i];
    if ((i + 1) % kFrame == 0) {
      best = std::max(best, e);
      e = 0;
    }
  }
  return best;
}

inline void append(std::vector<std::int16_t>& a, const std::vector<std::int16_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
}

inline std::vector<std::uint8_t> to_bytes(const std::vector<std::int16_t>& s) {
  std::vector<std::uint8_t> b;
  for (auto x : s) {
    b.push_back(static_cast<std::uint8_t>(x & 0xff));
    b.push_back(static_cast<std::uint8_t>((x >> 8) & 0xff));
  }
  return b;
}

inline std::vector<std::uint8_t> make_wav(const std::vector<std::int16_t>& interleaved, int rate,
                                          int channels, int bits = 16, int tag = 1) {
  std::vector<std::uint8_t> w;
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) w.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto put16 = [&](std::uint16_t v) {
    w.push_back(static_cast<std::uint8_t>(v & 0xff));
    w.push_back(static_cast<std::uint8_t>(v >> 8));
  };
  const auto data = to_bytes(interleaved);
  w.insert(w.end(), {'R', 'I', 'F', 'F'});
  put32(static_cast<std::uint32_t>(36 + data.size()));
  w.insert(w.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  put32(16);
  put16(static_cast<std::uint16_t>(tag));
  put16(static_cast<std::uint16_t>(channels));
  put32(static_cast<std::uint32_t>(rate));
  put32(static_cast<std::uint32_t>(rate * channels * bits / 8));
  put16(static_cast<std::uint16_t>(channels * bits / 8));
  put16(static_cast<std::uint16_t>(bits));
  w.insert(w.end(), {'d', 'a', 't', 'a'});
  put32(static_cast<std::uint32_t>(data.size()));
  w.insert(w.end(), data.begin(), data.end());
  return w;
}

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Speaks `text` with espeak-ng into a WAV (22050 Hz) and returns its bytes; empty on failure.
inline std::vector<std::uint8_t> espeak_wav(const std::string& text, const std::string& extra = "") {
  static int counter = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("hark_espeak_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".wav");
  const std::string cmd = "espeak-ng " + extra + " -w '" + path.string() + "' \"" + text + "\" 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  auto bytes = read_file(path);
  std::filesystem::remove(path);
  return bytes;
}

}  // namespace hark::audio::testing

// Spoken answers for sessions that ask for them (`config.tts: true`): espeak-ng, offline,
// the same synthesizer the project already installs for pronunciations.
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>

namespace hark::tts {

struct Options {
  std::string voice = "en-us";
  int words_per_minute = 165;
  std::size_t max_chars = 1000;  // longer text is cut at a word boundary
};

// A WAV file (16-bit mono PCM, 22.05 kHz) of `text` spoken. Errors: bad_request for text
// with nothing to say, unavailable when espeak-ng cannot run.
Result<std::string> speak_wav(std::string_view text, const Options& options = {});

}  // namespace hark::tts

#include "tts/speak.h"

#include "common/subprocess.h"

#include <algorithm>
#include <cctype>

namespace hark::tts {

Result<std::string> speak_wav(std::string_view text, const Options& options) {
  std::string said(text.substr(0, options.max_chars));
  if (said.size() < text.size()) {
    if (auto space = said.find_last_of(' '); space != std::string::npos) said.resize(space);
  }
  if (std::all_of(said.begin(), said.end(), [](unsigned char c) { return std::isspace(c) || std::ispunct(c); }))
    return make_error(Errc::bad_request, "There is nothing to say.");
  // The text is one argument after "--": never read as an option, never seen by a shell.
  auto wav = run_capture({"espeak-ng", "-v", options.voice, "-s", std::to_string(options.words_per_minute),
                          "--stdout", "--", said});
  if (!wav) return make_error(Errc::unavailable, "Speech synthesis is not available.");
  if (wav->size() < 44 || wav->compare(0, 4, "RIFF") != 0)
    return make_error(Errc::unavailable, "Speech synthesis gave no audio.");
  return wav;
}

}  // namespace hark::tts

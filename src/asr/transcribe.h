// Whole-file recognition, for `hark transcribe` and the measurement tools.
#pragma once

#include "asr/language_model.h"
#include "asr/recognizer.h"
#include "skills/registry.h"

#include <filesystem>
#include <span>
#include <string>

namespace hark::asr {

// Recognizes 16 kHz mono samples as one whole utterance (no end-pointing).
Result<std::string> transcribe_samples(Recognizer& recognizer, std::span<const std::int16_t> samples);

// Reads a WAV file (16-bit PCM, any rate, mono or stereo) and recognizes it.
// Errors: not_found (no such file), bad_request (not a usable WAV).
Result<std::string> transcribe_file(Recognizer& recognizer, const std::filesystem::path& wav);

// `hark transcribe FILE.wav`: builds (or reuses from the cache) the model of `registry`'s
// skills, creates one decoder and recognizes the file. The caller parses the words (nlu).
Result<std::string> transcribe_with_skills(const skills::Registry& registry, const std::filesystem::path& wav,
                                           const ModelOptions& model = {}, const DecoderOptions& decoder = {});

}  // namespace hark::asr

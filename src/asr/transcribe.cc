#include "asr/transcribe.h"

#include "audio/audio.h"

#include <fstream>
#include <iterator>
#include <vector>

namespace hark::asr {

Result<std::string> transcribe_samples(Recognizer& recognizer, std::span<const std::int16_t> samples) {
  return recognizer.recognize(samples);
}

Result<std::string> transcribe_file(Recognizer& recognizer, const std::filesystem::path& wav) {
  std::ifstream in(wav, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot open " + wav.string());
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto samples = audio::decode_all(bytes, audio::Format{audio::Encoding::wav});
  if (!samples) return samples.error();
  return transcribe_samples(recognizer, *samples);
}

Result<std::string> transcribe_with_skills(const skills::Registry& registry, const std::filesystem::path& wav,
                                           const ModelOptions& model, const DecoderOptions& decoder) {
  if (!std::filesystem::exists(wav)) return make_error(Errc::not_found, "no such file: " + wav.string());
  auto files = build_model(registry, model);
  if (!files) return files.error();
  auto recognizer = make_pocketsphinx(*files, decoder);
  if (!recognizer) return recognizer.error();
  return transcribe_file(**recognizer, wav);
}

}  // namespace hark::asr

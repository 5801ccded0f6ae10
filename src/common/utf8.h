// UTF-8 helpers for text that is cut to a length and then echoed or stored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hark {

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// character: a cut never leaves half a character (a WebSocket peer drops a text frame that
// is not valid UTF-8 with 1007). Bytes before the cut are kept as they are.
inline std::string utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

}  // namespace hark

// The WebSocket text-message handler: JSON messages in (an input holds several, split at
// 0x1E), replies out, on one authenticated connection per input. The word TOKEN in a
// message stands for a valid access token (so "auth" re-authentication is reached).
// Every reply must be valid JSON text.
#include "server/ws_protocol.h"
#include "world.h"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hark;
  if (size > 16 * 1024) return 0;
  auto& w = fuzz::world();
  server::WsConnection conn(w.options, w.deps(), w.metrics, w.principal);
  for (const auto& m : conn.start().messages) fuzz::expect_json_text(m);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  int messages = 0;
  while (!rest.empty() && messages++ < 16) {
    const auto cut = rest.find('\x1e');
    std::string frame(rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
    for (std::size_t at; (at = frame.find("TOKEN")) != std::string::npos;)
      frame.replace(at, 5, w.tokens.access_token);
    auto out = conn.on_text(frame);
    if (out.stored) (void)out.stored->wait();
    for (const auto& m : out.messages) fuzz::expect_json_text(m);
    if (out.close_code) break;
  }
  return 0;
}

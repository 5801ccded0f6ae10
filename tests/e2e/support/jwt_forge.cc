#include "jwt_forge.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace hark::e2e {

std::string base64url_encode(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  std::string s(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n));
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::string base64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  std::size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return {};
  s.append(pad, '=');
  std::vector<unsigned char> out(s.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return {};
  // EVP_DecodeBlock counts the padding as zero bytes.
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n) - pad);
}

std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view key) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." +
         base64url_encode(std::string_view(reinterpret_cast<char*>(mac), len));
}

std::string jwt_payload(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return {};
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return {};
  return base64url_decode(token.substr(first + 1, second - first - 1));
}

}  // namespace hark::e2e

#include "server/static_files.h"

#include <boost/json/value.hpp>

namespace hark::server {

namespace {

// The client needs nothing from elsewhere: scripts, styles, the audio worklet, the
// WebSocket and the answer audio (blob: URLs) all come from this origin.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; media-src 'self' blob:; manifest-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view path) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".png", "image/png"},
  };
  for (const auto& t : kTypes)
    if (path.ends_with(t.ext)) return t.type;
  return "application/octet-stream";
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

const EmbeddedAsset* find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const auto& a : embedded_assets())
    if (a.path == path) return &a;
  return nullptr;
}

// If-None-Match holds one ETag, a comma-separated list of them, or "*".
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag || item == "*") return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_static_path(std::string_view path) { return find_asset(path) != nullptr; }

std::optional<HttpResponse> serve_static(const HttpRequest& req) {
  const EmbeddedAsset* asset = find_asset(path_of(req.target));
  if (!asset) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") {
    auto resp = json_response(405, boost::json::object{{"detail", "This method is not allowed here."},
                                                       {"code", "method_not_allowed"}});
    resp.headers.emplace_back("Allow", "GET, HEAD");
    resp.error_code = "method_not_allowed";
    return resp;
  }
  HttpResponse resp;
  resp.content_type = std::string(content_type_of(asset->path));
  // Names carry no hash, so every use revalidates; an unchanged file costs a 304.
  resp.headers = {{"ETag", std::string(asset->etag)},
                  {"Cache-Control", "no-cache"},
                  {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
                  {"X-Content-Type-Options", "nosniff"},
                  {"Referrer-Policy", "no-referrer"},
                  {"Cross-Origin-Opener-Policy", "same-origin"},
                  {"Permissions-Policy", "microphone=(self), camera=(), geolocation=()"}};
  if (etag_matches(req.if_none_match, asset->etag)) {
    resp.status = 304;
    return resp;
  }
  resp.body = std::string(asset->body);
  return resp;
}

}  // namespace hark::server

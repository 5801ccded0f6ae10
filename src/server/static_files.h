// The web client (web/, embedded into the binary by cmake/embed_web.cmake), served at GET /
// with its content type, an ETag for revalidation, and security headers (a strict
// Content-Security-Policy: no inline script or style, everything from this origin only).
#pragma once

#include "server/api.h"

#include <optional>
#include <span>
#include <string_view>

namespace hark::server {

struct EmbeddedAsset {
  std::string_view path;  // "/app.js"
  std::string_view etag;  // quoted, from the file's SHA-256
  std::string_view body;
};

// Every file of web/; defined by the generated web_assets.cc.
std::span<const EmbeddedAsset> embedded_assets();

// True when `path` (no query) names the client: "/" or one of its files.
bool is_static_path(std::string_view path);

// GET or HEAD of a static path: the file (200, or 304 when If-None-Match matches). Another
// method there: 405. nullopt for any other path.
std::optional<HttpResponse> serve_static(const HttpRequest& req);

}  // namespace hark::server

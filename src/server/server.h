// The network front of Hark: one HTTP/1.1 listener (keep-alive) whose WebSocket sessions
// take over the socket after an upgrade on /api/v1/ws/stream. Routes and messages are those
// of PROTOCOL.md. Boost.Beast/Asio stay inside server.cc; this header shows none of them.
#pragma once

#include "auth/auth.h"
#include "common/clock.h"
#include "common/error.h"
#include "dialog/conversation.h"
#include "skills/registry.h"
#include "store/store.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hark::asr {
class SpeechService;
}

namespace hark::server {

struct Options {
  // Address to listen on. Default "0.0.0.0".
  std::string host = "0.0.0.0";
  // TCP port; 0 picks a free one (Server::listen() answers which). Default 8000.
  std::uint16_t port = 8000;
  // Threads running the network event loop. Default 2.
  int io_threads = 2;
  // Threads for blocking work: store calls, dialog. Default 2.
  int worker_threads = 2;
  // Threads hashing passwords (register, login), apart from the workers and at a lower
  // priority, so that logins never delay a dialog turn. Default 1.
  int hash_threads = 1;
  // Register/login requests waiting for or in hashing at once; more answer 503 busy with
  // Retry-After. Default 16.
  int hash_queue_limit = 16;
  // Addresses of reverse proxies whose X-Forwarded-For is believed (for login limits and
  // connection caps). Empty by default: the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
  // A user's contacts (PUT /contacts): at most max_contacts contacts, each with at most
  // max_contact_entries phones and as many aliases, no name, alias or phone over
  // max_contact_field_bytes bytes. Over any: 422 invalid_field naming it, nothing stored.
  std::size_t max_contacts = 1000;
  std::size_t max_contact_entries = 20;
  std::size_t max_contact_field_bytes = 200;
  // Largest HTTP request body; larger answers 413 too_large. Default 64 KiB.
  std::size_t max_body_bytes = 64 * 1024;
  // Largest WebSocket message; larger closes the socket with 1009. Default 1 MiB.
  std::size_t max_frame_bytes = 1024 * 1024;
  // Time a WebSocket opened without a token has to send {"type":"auth"}; then 4401. Default 10 s.
  std::chrono::seconds auth_timeout{10};
  // Sustained client messages per second a WebSocket may send (bursts of twice as many
  // are tolerated); more closes it with 1008. Default 50.
  int max_messages_per_second = 50;
  // On SIGTERM/SIGINT or stop(): time given to in-flight requests and utterances before
  // run() returns anyway. Default 10 s.
  std::chrono::seconds drain_timeout{10};
  // Time to read one HTTP request (headers and body) once it has started. Default 30 s.
  std::chrono::seconds request_timeout{30};
  // An idle keep-alive HTTP connection is closed after this. Default 60 s.
  std::chrono::seconds keep_alive_timeout{60};
  // A new connection must send its first request's headers within this. Default 5 s.
  std::chrono::seconds header_timeout{5};
  // Connections from one address not (yet) authenticated: HTTP connections and
  // WebSockets before their auth. More are closed at once. A trusted proxy is exempt.
  // Default 64.
  int max_connections_per_address = 64;
  // All connections. At the cap an idle keep-alive HTTP connection is closed to make room
  // for the new client, else the new one is. 0: the open-file limit less a reserve for the
  // store and logs. Default 0.
  int max_connections = 0;
  // POST /chat keeps one conversation per login session (so "yes" confirms over HTTP too);
  // at most this many, the least recently used dropped first. Default 1000.
  std::size_t max_chat_sessions = 1000;
  // A /chat conversation unused this long is forgotten. Default 30 min.
  std::chrono::seconds chat_session_idle{30 * 60};
  // When true, run() stops gracefully on SIGTERM and SIGINT. Default true.
  bool handle_signals = true;
  // Threads decoding speech, apart from the workers so that text answers never wait behind
  // a decoding. Default 2 (one per core of a small machine).
  int speech_threads = 2;
  // Audio read this long ago and not decoded yet (it waited for a free speech thread, or
  // behind this client's earlier audio: the server has more streams than it can decode,
  // or the client sends faster than it is decoded) is not decoded: an utterance in
  // progress answers busy and the rest of it is only end-pointed, or, when it is that late
  // before it even reaches a speech thread, dropped (SpokenTurn::shed), so the session
  // keeps up with its client, keeps reading and stays bounded. Default 5 s.
  std::chrono::milliseconds max_speech_lag{5000};
  // Server-side end-pointing: silence after speech that ends a spoken utterance; a session
  // may set its own with config.audio.end_silence_ms. Default 700 ms.
  std::chrono::milliseconds end_silence{700};
  // Expired and revoked login sessions are deleted this often (and once at start).
  // Default 10 min.
  std::chrono::seconds session_sweep_interval{600};
};

// What the server calls into. Every reference must outlive the Server.
struct Deps {
  auth::AuthService& auth;
  store::Store& store;
  dialog::Engine& engine;
  const skills::Registry& skills;
  Clock& clock;
  // Speech recognition; null (or still loading) answers audio with speech_unavailable.
  asr::SpeechService* speech = nullptr;
};

class Server {
 public:
  Server(Options options, Deps deps);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts listening; answers the real port (useful with port 0).
  // Errc::unavailable when the address cannot be bound.
  Result<std::uint16_t> listen();

  // Serves until stop() or a signal, then drains (see Options::drain_timeout) and returns.
  // REQUIRES: listen() succeeded. Call once.
  void run();

  // Graceful stop: no new connections, in-flight work finishes, WebSockets close with 1001.
  // Thread-safe; may be called before or during run().
  void stop();

 private:
  struct Impl;
  friend struct WsSession;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hark::server

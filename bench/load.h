// hark_load: the load generator of bench/. One Options struct (filled from the command line),
// the setup over HTTP (register and log in the bench users), the measured run over real
// WebSockets or HTTP, and the one result line it prints.
#pragma once

#include "histogram.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hark::bench {

enum class Mode { text, idle, mix, login };

struct Options {
  std::string host = "127.0.0.1";  // --host; the bench only ever targets loopback
  std::uint16_t port = 8000;       // --port
  int connections = 100;           // --connections: WebSockets (or HTTP clients for login)
  int users = 10;                  // --users: bench accounts, shared round-robin
  Mode mode = Mode::text;          // --mode text|idle|mix|login
  double duration_s = 5;           // --duration: the measured window
  // --rate: utterances per second per text connection; 0 = closed loop (send the next
  // utterance as soon as the answer to the last one arrived).
  double rate = 0;
  // --text (repeatable): utterances, used in turn. Default one backend-answered utterance
  // that needs no confirmation, so one request is one response.
  std::vector<std::string> texts;
  bool echo = false;        // --echo: the target is hark_echo (no auth, messages come back)
  int threads = 1;          // --threads: client threads, one io_context each
  int server_pid = 0;       // --server-pid: read this process's VmRSS from /proc
  int speech_every = 10;    // --speech-every: in mix mode, one connection in this many streams
  double utterance_s = 2;   // --utterance: seconds of audio per spoken utterance (mix)
  std::string audio_file;   // --audio: WAV/raw 16 kHz mono pcm16 to stream (mix); else noise
  std::string token_cache;  // --token-cache: file keeping the users' tokens between runs
  std::string label;        // --label: copied into the result line
  int max_connecting = 200;     // --max-connecting: handshakes in flight per thread
  double connect_timeout_s = 60;  // --connect-timeout: for all connections to be ready
};

// Parses argv; prints usage and answers nullopt on a bad or --help command line.
std::optional<Options> parse_options(int argc, char** argv);
const char* mode_name(Mode m);

// Registers (409 = already there) and logs in the bench users over HTTP/1.1.
// Answers one access token per user, or an empty vector after printing why.
// With `login_tokens` false, only registers (login mode needs accounts, not tokens).
std::vector<std::string> prepare_users(const Options& options, bool login_tokens);

// The form body of POST /api/v1/auth/token for bench user `user`.
std::string login_form(int user);

// Kilobytes of resident memory of `pid` (VmRSS), 0 when unknown.
std::uint64_t read_rss_kib(int pid);
// CPU seconds (user + system) `pid` has used so far, 0 when unknown.
double read_cpu_s(int pid);

struct Result {
  int connected = 0;            // connections ready when the window opened
  int connect_errors = 0;       // refused, failed handshakes, no "ready"
  std::uint64_t round_trips = 0;  // answers received inside the window (text or logins)
  std::uint64_t errors = 0;     // error replies to text, bad HTTP statuses, dropped sockets
  std::uint64_t unanswered = 0;   // requests still without an answer when the run ended
  std::uint64_t audio_frames = 0;   // binary frames sent (mix)
  std::uint64_t audio_replies = 0;  // messages received on speech connections (mix)
  std::uint64_t audio_errors = 0;   // of them, errors (busy: the speech threads fell behind)
  double audio_lag_max_ms = 0;      // the client's own lag: a frame sent this late at worst
  double window_s = 0;          // the measured window as it really was
  Histogram latency;            // of the round trips above, microseconds
  std::uint64_t rss_before_kib = 0, rss_connected_kib = 0, rss_end_kib = 0;
  double server_cpu_s = 0;  // CPU the server used during the window
  double client_cpu_s = 0;  // CPU this program used during the window
};

// Opens the connections, runs the mode for the window, closes everything. `tokens` are
// the users' access tokens (empty for --echo and login mode).
Result run_load(const Options& options, const std::vector<std::string>& tokens);

}  // namespace hark::bench

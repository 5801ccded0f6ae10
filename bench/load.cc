// hark_load: logs in bench users, opens N WebSockets (or HTTP clients) to Hark or to
// hark_echo, drives them for a fixed window and prints one line of key=value results.
//   hark_load --port 8000 --connections 1000 --mode text --duration 5
#include "load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <iostream>
#include <string>

namespace hark::bench {

namespace {

const char kUsage[] =
    "usage: hark_load [options]\n"
    "  --host H            target address (default 127.0.0.1)\n"
    "  --port P            target port (default 8000)\n"
    "  --connections N     WebSockets, or HTTP clients in login mode (default 100)\n"
    "  --users U           bench accounts registered and logged in first (default 10)\n"
    "  --mode M            text | idle | mix | login (default text)\n"
    "  --duration S        measured seconds (default 5)\n"
    "  --rate R            utterances/s per text connection, 0 = closed loop (default 0)\n"
    "  --text T            an utterance; repeat for a list (default \"what time is it\")\n"
    "  --echo              target is hark_echo: no login, messages come back as they went\n"
    "  --threads T         client threads (default 1)\n"
    "  --server-pid PID    report this process's resident memory\n"
    "  --speech-every K    mix: one connection in K streams audio (default 10)\n"
    "  --utterance S       mix: seconds of audio per utterance (default 2)\n"
    "  --audio FILE        mix: 16 kHz mono pcm16 WAV or raw file to stream (default noise)\n"
    "  --token-cache FILE  keep the users' tokens in FILE between runs\n"
    "  --label L           copied into the result line\n"
    "  --max-connecting K  handshakes in flight per thread (default 200)\n"
    "  --connect-timeout S time for all connections to be ready (default 60)\n";

bool parse_number(const std::string& s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

bool parse_int(const std::string& s, long lo, long hi, long& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size() && out >= lo && out <= hi;
}

// The bench needs one descriptor per connection; the default soft limit (often 1024)
// would stop it at a thousand.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::text: return "text";
    case Mode::idle: return "idle";
    case Mode::mix: return "mix";
    case Mode::login: return "login";
  }
  return "?";
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  auto fail = [](const std::string& why) -> std::optional<Options> {
    if (!why.empty()) std::cerr << "hark_load: " << why << "\n";
    std::cerr << kUsage;
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return fail("");
    if (flag == "--echo") {
      o.echo = true;
      continue;
    }
    if (i + 1 >= argc) return fail(flag + " needs a value");
    std::string v = argv[++i];
    long n = 0;
    double d = 0;
    if (flag == "--host") {
      o.host = v;
    } else if (flag == "--port") {
      if (!parse_int(v, 1, 65535, n)) return fail("bad --port " + v);
      o.port = static_cast<std::uint16_t>(n);
    } else if (flag == "--connections") {
      if (!parse_int(v, 1, 1000000, n)) return fail("bad --connections " + v);
      o.connections = static_cast<int>(n);
    } else if (flag == "--users") {
      if (!parse_int(v, 1, 100000, n)) return fail("bad --users " + v);
      o.users = static_cast<int>(n);
    } else if (flag == "--mode") {
      if (v == "text") o.mode = Mode::text;
      else if (v == "idle") o.mode = Mode::idle;
      else if (v == "mix") o.mode = Mode::mix;
      else if (v == "login") o.mode = Mode::login;
      else return fail("bad --mode " + v);
    } else if (flag == "--duration") {
      if (!parse_number(v, d) || d <= 0 || d > 3600) return fail("bad --duration " + v);
      o.duration_s = d;
    } else if (flag == "--rate") {
      if (!parse_number(v, d) || d < 0 || d > 100000) return fail("bad --rate " + v);
      o.rate = d;
    } else if (flag == "--text") {
      o.texts.push_back(v);
    } else if (flag == "--threads") {
      if (!parse_int(v, 1, 64, n)) return fail("bad --threads " + v);
      o.threads = static_cast<int>(n);
    } else if (flag == "--server-pid") {
      if (!parse_int(v, 1, 1L << 30, n)) return fail("bad --server-pid " + v);
      o.server_pid = static_cast<int>(n);
    } else if (flag == "--speech-every") {
      if (!parse_int(v, 1, 1000000, n)) return fail("bad --speech-every " + v);
      o.speech_every = static_cast<int>(n);
    } else if (flag == "--utterance") {
      if (!parse_number(v, d) || d < 0.1 || d > 30) return fail("bad --utterance " + v);
      o.utterance_s = d;
    } else if (flag == "--audio") {
      o.audio_file = v;
    } else if (flag == "--token-cache") {
      o.token_cache = v;
    } else if (flag == "--label") {
      o.label = v;
    } else if (flag == "--max-connecting") {
      if (!parse_int(v, 1, 100000, n)) return fail("bad --max-connecting " + v);
      o.max_connecting = static_cast<int>(n);
    } else if (flag == "--connect-timeout") {
      if (!parse_number(v, d) || d <= 0 || d > 3600) return fail("bad --connect-timeout " + v);
      o.connect_timeout_s = d;
    } else {
      return fail("unknown option " + flag);
    }
  }
  if (o.texts.empty()) o.texts.push_back("what time is it");
  if (o.echo && o.mode == Mode::login) return fail("--mode login needs Hark, not --echo");
  return o;
}

std::uint64_t read_rss_kib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

double read_cpu_s(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i >= 14) ticks += std::strtod(f.c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace hark::bench

int main(int argc, char** argv) {
  using namespace hark::bench;
  auto options = parse_options(argc, argv);
  if (!options) return 2;
  raise_fd_limit();
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> tokens;
  if (!options->echo) {
    tokens = prepare_users(*options, options->mode != Mode::login);
    if (tokens.empty()) return 1;
  }
  Result r = run_load(*options, tokens);

  double rate = r.window_s > 0 ? static_cast<double>(r.round_trips) / r.window_s : 0;
  double per_conn = 0;
  if (r.connected > 0 && r.rss_connected_kib > r.rss_before_kib)
    per_conn = static_cast<double>(r.rss_connected_kib - r.rss_before_kib) / r.connected;
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  std::printf(
      "result label=%s target=%s mode=%s conns=%d connected=%d threads=%d rate=%g "
      "window_s=%.2f round_trips=%llu rt_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
      "max_ms=%.3f errors=%llu connect_errors=%d unanswered=%llu audio_frames=%llu "
      "audio_replies=%llu audio_errors=%llu audio_lag_max_ms=%.0f rss_before_kib=%llu rss_connected_kib=%llu rss_end_kib=%llu "
      "kib_per_conn=%.1f server_cpu_pct=%.0f client_cpu_pct=%.0f server_cpu_us_per_rt=%.1f\n",
      options->label.empty() ? "-" : options->label.c_str(), options->echo ? "echo" : "hark",
      mode_name(options->mode), options->connections, r.connected, options->threads,
      options->rate, r.window_s, static_cast<unsigned long long>(r.round_trips), rate,
      ms(r.latency.percentile(0.50)), ms(r.latency.percentile(0.90)),
      ms(r.latency.percentile(0.99)), ms(r.latency.max()),
      static_cast<unsigned long long>(r.errors), r.connect_errors,
      static_cast<unsigned long long>(r.unanswered),
      static_cast<unsigned long long>(r.audio_frames),
      static_cast<unsigned long long>(r.audio_replies),
      static_cast<unsigned long long>(r.audio_errors), r.audio_lag_max_ms,
      static_cast<unsigned long long>(r.rss_before_kib),
      static_cast<unsigned long long>(r.rss_connected_kib),
      static_cast<unsigned long long>(r.rss_end_kib), per_conn,
      r.window_s > 0 ? 100 * r.server_cpu_s / r.window_s : 0,
      r.window_s > 0 ? 100 * r.client_cpu_s / r.window_s : 0,
      r.round_trips > 0 ? 1e6 * r.server_cpu_s / static_cast<double>(r.round_trips) : 0);
  std::fflush(stdout);
  return 0;
}

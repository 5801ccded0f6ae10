#!/usr/bin/env bash
# bench/table.sh RESULTS: turns hark_load's result lines (key=value) into the one markdown
# table of `make bench`, with Hark's throughput as a share of the echo server's, and the
# issue's goals checked underneath (goals, not gates: the exit status is always 0).
set -euo pipefail
awk '
function kv(line,   n, i, parts, f) {
  delete f_
  n = split(line, parts, " ")
  for (i = 2; i <= n; i++) { split(parts[i], f, "="); f_[f[1]] = substr(parts[i], length(f[1]) + 2) }
}
function num(x) { return x == "" ? 0 : x + 0 }
/^result / {
  kv($0)
  k = f_["target"] SUBSEP f_["label"] SUBSEP f_["conns"]
  row[++rows] = k
  for (name in f_) val[k, name] = f_[name]
  if (!(f_["label"] SUBSEP f_["conns"] in seen)) { seen[f_["label"] SUBSEP f_["conns"]] = 1; order[++orders] = f_["label"] SUBSEP f_["conns"] }
}
END {
  print "| target | mode | conns | rt/s | p50 ms | p90 ms | p99 ms | max ms | errors | unanswered | server RSS MiB | KiB/conn | server CPU | CPU us/rt | share of echo |"
  print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for (t = 1; t <= 2; t++) {
    target = (t == 1) ? "hark" : "echo"
    for (o = 1; o <= orders; o++) {
      split(order[o], lc, SUBSEP)
      k = target SUBSEP lc[1] SUBSEP lc[2]
      if (!((k, "label") in val)) continue
      if (val[k, "failed"] == "1") {
        printf "| %s | %s | %s | failed | | | | | | | | | | | |\n", target, lc[1], lc[2]
        continue
      }
      idle = (lc[1] == "idle")
      errs = num(val[k, "errors"]) + num(val[k, "connect_errors"])
      share = "-"
      e = "echo" SUBSEP lc[1] SUBSEP lc[2]
      if (target == "hark" && !idle && num(val[e, "rt_per_s"]) > 0)
        share = sprintf("%.0f%%", 100 * num(val[k, "rt_per_s"]) / num(val[e, "rt_per_s"]))
      if (idle) {
        printf "| %s | %s | %s | - | - | - | - | - | %d | - | %.1f | %.1f | %d%% | - | - |\n", target, lc[1], lc[2], errs,
          num(val[k, "rss_connected_kib"]) / 1024, num(val[k, "kib_per_conn"]), num(val[k, "server_cpu_pct"])
      } else {
        printf "| %s | %s | %s | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %d | %.1f | - | %d%% | %.0f | %s |\n", target, lc[1], lc[2],
          num(val[k, "rt_per_s"]), num(val[k, "p50_ms"]), num(val[k, "p90_ms"]), num(val[k, "p99_ms"]),
          num(val[k, "max_ms"]), errs, num(val[k, "unanswered"]), num(val[k, "rss_end_kib"]) / 1024,
          num(val[k, "server_cpu_pct"]), num(val[k, "server_cpu_us_per_rt"]), share
      }
    }
  }
  print ""
  print "rt/s: answers per second inside the window (logins/s for login). Latency is from the moment an"
  print "utterance was due. text: closed loop, each connection sends when its answer is in; text@R and"
  print "mix@R: R text utterances/s offered in total at a fixed pace; in mix one connection in ten also"
  print "streams 20 ms pcm16 frames in real time. errors: error replies, failed connections or requests."
  print "Server RSS at the end of the window; KiB/conn = (RSS with N idle connections - RSS before) / N."
  print "server CPU: the server process over the window, in % of one core (the machine has 2, shared"
  print "with this client and anything else running); CPU us/rt: server CPU time per answer, the"
  print "number least disturbed by a busy machine. unanswered: sent but not answered when the run ended."
  for (o = 1; o <= orders; o++) {
    split(order[o], lc, SUBSEP)
    k = "hark" SUBSEP lc[1] SUBSEP lc[2]
    if (lc[1] ~ /^mix/ && (k, "audio_frames") in val)
      printf "mix, %s connections: %s audio frames sent, %s replies on speech connections (transcripts, responses or errors).\n",
        lc[2], val[k, "audio_frames"], val[k, "audio_replies"]
  }
  print ""
  print "Goals (not gates):"
  goal("hark" SUBSEP "text" SUBSEP "1000", "rt_per_s", ">=", 20000, "text at 1,000 connections, closed loop: rt/s >= 20000")
  for (o = 1; o <= orders; o++) {
    split(order[o], lc, SUBSEP)
    if (lc[1] ~ /^text@/ && lc[2] == "1000") goal("hark" SUBSEP lc[1] SUBSEP lc[2], "p99_ms", "<", 10, lc[1] " at 1,000 connections: p99 < 10 ms")
    if (lc[1] ~ /^mix/) goal("hark" SUBSEP lc[1] SUBSEP lc[2], "p99_ms", "<", 20, lc[1] " at " lc[2] " connections, a tenth streaming: text p99 < 20 ms")
  }
  goal("hark" SUBSEP "idle" SUBSEP "10000", "kib_per_conn", "<", 50, "10,000 idle connections: < 50 KiB each")
  k = "hark" SUBSEP "text" SUBSEP "1000"; e = "echo" SUBSEP "text" SUBSEP "1000"
  if ((k, "rt_per_s") in val && num(val[e, "rt_per_s"]) > 0) {
    r = num(val[k, "rt_per_s"]) / num(val[e, "rt_per_s"])
    printf "- Hark >= half the echo server (text, 1,000 connections): %.0f%%: %s\n", 100 * r, (r >= 0.5) ? "met" : "NOT met"
  }
}
function goal(k, field, op, limit, text,   v, ok) {
  if (!((k, field) in val) || val[k, "failed"] == "1") { printf "- %s: not measured\n", text; return }
  v = num(val[k, field])
  ok = (op == ">=") ? (v >= limit) : (v < limit)
  printf "- %s: %s: %s\n", text, v, ok ? "met" : "NOT met"
}
' "$1"

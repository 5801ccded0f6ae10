#!/usr/bin/env bash
# The paced load of issue 10, in one run: Hark's closed-loop maximum over N connections
# (default 1,000), then Hark and hark_echo each offered half of that maximum at a fixed
# pace over the same connections; prints both p50/p99 side by side and whether Hark's p99
# is within 3x the echo server's (a goal, not a gate: the exit status is 0 when all ran).
#
#   bash bench/paced.sh BUILD_DIR
#
# Knobs (environment): BENCH_PACED_CONNS (1000), BENCH_DURATION (seconds per run, 10),
# BENCH_PACED_SHARE (fraction of the maximum offered, 0.5), BENCH_USERS (20),
# BENCH_CLIENT_THREADS (1), BENCH_RAW (a file to keep the raw result lines in).
set -euo pipefail

BUILD=${1:?usage: bash bench/paced.sh BUILD_DIR}
CONNS=${BENCH_PACED_CONNS:-1000}
DURATION=${BENCH_DURATION:-10}
SHARE=${BENCH_PACED_SHARE:-0.5}
USERS=${BENCH_USERS:-20}
THREADS=${BENCH_CLIENT_THREADS:-1}
AUDIO=""
source "$(dirname "$0")/common.sh"

field() {  # field LABEL TARGET KEY: a value of the result line with that label and target
  awk -v l="$1" -v t="$2" -v k="$3" '
    / label=/ && index($0, " label=" l " ") && index($0, " target=" t " ") {
      for (i = 2; i <= NF; i++) { split($i, f, "="); if (f[1] == k) v = f[2] } }
    END { print v }' "$RAW"
}

echo "bench: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
start_hark
run hark max --connections "$CONNS" --mode text
MAX=$(field max hark rt_per_s)
[[ -n "$MAX" && "$MAX" != 0 ]] || { echo "bench: no closed-loop maximum measured" >&2; exit 1; }
PACE=$(awk -v m="$MAX" -v s="$SHARE" 'BEGIN { printf "%.0f", m * s }')
PER_CONN=$(awk -v p="$PACE" -v n="$CONNS" 'BEGIN { printf "%.4f", p / n }')
run hark paced --connections "$CONNS" --mode text --rate "$PER_CONN"
stop_pid "$HARK_PID"; HARK_PID=""

start_echo
run echo paced --connections "$CONNS" --mode text --rate "$PER_CONN"
stop_pid "$ECHO_PID"; ECHO_PID=""

echo "Closed-loop maximum over $CONNS connections: $MAX rt/s (Hark, CPU $(field max hark server_cpu_us_per_rt) us/rt); offered ${PACE}/s"
echo
echo "| target | offered/s | rt/s | p50 ms | p99 ms | max ms | errors | CPU us/rt |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for t in hark echo; do
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$PACE" \
    "$(field paced $t rt_per_s)" "$(field paced $t p50_ms)" "$(field paced $t p99_ms)" \
    "$(field paced $t max_ms)" "$(field paced $t errors)" "$(field paced $t server_cpu_us_per_rt)"
done
echo
awk -v h="$(field paced hark p99_ms)" -v e="$(field paced echo p99_ms)" 'BEGIN {
  if (e + 0 <= 0) { print "goal: echo p99 missing"; exit }
  printf "goal: Hark p99 within 3x echo p99: %.2f ms vs %.2f ms = %.1fx (%s)\n", h, e, h / e,
    (h <= 3 * e) ? "met" : "not met" }'
echo "server CPU per round trip: $(field max hark server_cpu_us_per_rt) us closed loop, $(field paced hark server_cpu_us_per_rt) us at ${PACE}/s (issue 10 goal: at most 25)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

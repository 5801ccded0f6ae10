#!/usr/bin/env bash
# The standard load set (`make bench`): the same load against Hark and against hark_echo (a
# bare Beast echo server, the ceiling of this machine), at 100, 1,000 and 10,000
# connections, printed as one markdown table. Loopback only; every wait is bounded; the
# servers are stopped and the temporary directory removed on exit.
#
#   bash bench/run.sh BUILD_DIR
#
# Knobs (environment): BENCH_CONNS ("100 1000 10000"), BENCH_DURATION (seconds per run, 5),
# BENCH_TEXT_RATE (text utterances/s offered in total in the text@rate rows, 20000),
# BENCH_MIX_RATE (text utterances/s offered in total in the mix rows, 1000),
# BENCH_USERS (accounts, 20), BENCH_CLIENT_THREADS (1), BENCH_AUDIO (a 16 kHz mono WAV to
# stream in mix; default noise), BENCH_RAW (a file to keep the raw result lines in).
set -euo pipefail

BUILD=${1:?usage: bash bench/run.sh BUILD_DIR}
CONNS=${BENCH_CONNS:-"100 1000 10000"}
DURATION=${BENCH_DURATION:-5}
TEXT_RATE=${BENCH_TEXT_RATE:-20000}
MIX_RATE=${BENCH_MIX_RATE:-1000}
USERS=${BENCH_USERS:-20}
THREADS=${BENCH_CLIENT_THREADS:-1}
AUDIO=${BENCH_AUDIO:-}
source "$(dirname "$0")/common.sh"

# The throughput runs share one server process; idle runs each get a fresh one so that
# memory freed by earlier runs cannot hide the cost of a connection.
standard_set() {  # standard_set TARGET
  local target=$1 n text_conns
  for n in $CONNS; do
    run "$target" text --connections "$n" --mode text
    run "$target" "text@${TEXT_RATE}/s" --connections "$n" --mode text \
      --rate "$(awk -v t="$TEXT_RATE" -v n="$n" 'BEGIN { printf "%.4f", t / n }')"
    text_conns=$((n - (n + 9) / 10))
    run "$target" "mix@${MIX_RATE}/s" --connections "$n" --mode mix --speech-every 10 \
      --rate "$(awk -v t="$MIX_RATE" -v n="$text_conns" 'BEGIN { printf "%.4f", t / n }')"
  done
}

idle_set() {  # idle_set TARGET
  local target=$1 n
  for n in $CONNS; do
    if [[ $target == echo ]]; then stop_pid "$ECHO_PID"; start_echo; else stop_pid "$HARK_PID"; start_hark; fi
    run "$target" idle --connections "$n" --mode idle --duration 2
  done
}

echo "bench: $(nproc) cores; runs of ${DURATION} s; client threads: $THREADS" >&2
start_echo
standard_set echo
idle_set echo
stop_pid "$ECHO_PID"; ECHO_PID=""

start_hark
standard_set hark
idle_set hark
# Logins last: the server hashes (Argon2id) queued logins even after their clients left,
# so it is restarted after each run and killed if it does not stop within 5 s. The 2-client
# run (one per worker thread) shows the rate; the others what a login storm looks like.
for n in 2 $CONNS; do
  stop_pid "$HARK_PID"; start_hark
  run hark login --connections "$n" --mode login
done
stop_pid "$HARK_PID"; HARK_PID=""

bash "$(dirname "$0")/table.sh" "$RAW"
if [[ -s "$TMP/load.err" ]]; then
  echo
  echo "Client messages:"
  sort "$TMP/load.err" | uniq -c | sort -rn | head -10
fi

#!/usr/bin/env bash
# The soak: one Hark under a steady mixed load for a long time, on loopback. One
# connection in ten streams audio in real time (20 ms frames, `audio_end` every 2 s), the
# others send text at a fixed pace; the server's resident memory is sampled while it runs.
# Prints the load's result line, the memory series, and whether the server is still up.
# Not run by `make test` (ten minutes by default).
#
#   bash bench/soak.sh BUILD_DIR
#
# Knobs (environment): SOAK_CONNS (10000), SOAK_DURATION (seconds, 600), SOAK_RATE (text
# utterances/s offered in total, 1000), SOAK_SAMPLE (seconds between memory samples, 30),
# SOAK_AUDIO (a 16 kHz mono WAV to stream; default noise), SOAK_USERS (accounts, 20).
set -euo pipefail

BUILD=${1:?usage: bash bench/soak.sh BUILD_DIR}
CONNS=${SOAK_CONNS:-10000}
DURATION=${SOAK_DURATION:-600}
RATE=${SOAK_RATE:-1000}
SAMPLE=${SOAK_SAMPLE:-30}
USERS=${SOAK_USERS:-20}
AUDIO=${SOAK_AUDIO:-}
source "$(dirname "$0")/common.sh"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

start_hark
text_conns=$((CONNS - (CONNS + 9) / 10))
args=(--host "$HOST" --port "$HARK_PORT" --server-pid "$HARK_PID" --users "$USERS"
      --token-cache "$TMP/tokens" --connections "$CONNS" --mode mix --speech-every 10
      --rate "$(awk -v t="$RATE" -v n="$text_conns" 'BEGIN { printf "%.4f", t / n }')"
      --duration "$DURATION" --connect-timeout 120 --label soak)
[[ -n "$AUDIO" ]] && args+=(--audio "$AUDIO")
echo "soak: $CONNS connections ($((CONNS - text_conns)) streaming audio), $RATE text/s, $DURATION s" >&2
"$LOAD" "${args[@]}" >"$TMP/soak.out" 2>"$TMP/load.err" &
LOAD_PID=$!

samples=()
start=$SECONDS
while kill -0 "$LOAD_PID" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$HARK_PID" 2>/dev/null || break
  samples+=("$((SECONDS - start)):$(rss_kb "$HARK_PID")")
done
load_rc=0
wait "$LOAD_PID" || load_rc=$?

up=yes
kill -0 "$HARK_PID" 2>/dev/null || up=no
echo
grep '^result ' "$TMP/soak.out" || echo "result label=soak failed=1 (hark_load exit $load_rc)"
echo
echo "| after s | server RSS MiB |"
echo "| ---: | ---: |"
for s in "${samples[@]}"; do
  awk -v t="${s%%:*}" -v kb="${s##*:}" 'BEGIN { printf "| %d | %.1f |\n", t, kb / 1024 }'
done
echo
echo "server still up: $up (hark_load exit $load_rc)"
# The client shares the cores: when it could not send the audio on time, the load offered
# was less than asked, and the figures say less about the server.
lag=$(grep -o 'audio_lag_max_ms=[0-9]*' "$TMP/soak.out" | cut -d= -f2)
if [[ -n "$lag" ]] && (( lag > 1000 )); then
  echo "WARNING: the client sent audio up to ${lag} ms late (a busy machine): less load than asked"
fi
if [[ -s "$TMP/load.err" ]]; then
  echo
  echo "Client messages (most frequent):"
  sed -E 's/[0-9]+/N/g' "$TMP/load.err" | sort | uniq -c | sort -rn | head -10
fi
[[ $up == yes && $load_rc == 0 ]]

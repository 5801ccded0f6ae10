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
LOAD="$BUILD/bench/hark_load"
ECHO="$BUILD/bench/hark_echo"
HARK="$BUILD/hark"
CONNS=${BENCH_CONNS:-"100 1000 10000"}
DURATION=${BENCH_DURATION:-5}
TEXT_RATE=${BENCH_TEXT_RATE:-20000}
MIX_RATE=${BENCH_MIX_RATE:-1000}
USERS=${BENCH_USERS:-20}
THREADS=${BENCH_CLIENT_THREADS:-1}
AUDIO=${BENCH_AUDIO:-}
HOST=127.0.0.1

for bin in "$LOAD" "$ECHO" "$HARK"; do
  [[ -x "$bin" ]] || { echo "bench: $bin is missing; build first (make build)" >&2; exit 1; }
done

# 10,000 connections need 10,000 descriptors in the client and in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < 10100 )); then
  echo "bench: only $(ulimit -n) file descriptors allowed; 10,000 connections will fail" >&2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hark-bench.XXXXXX")
RAW=${BENCH_RAW:-$TMP/results.txt}
: >"$RAW"
HARK_PID=""
ECHO_PID=""

stop_pid() {  # stop_pid PID: SIGTERM, then SIGKILL if it has not gone after 5 s
  local pid=$1 i
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$HARK_PID"
  stop_pid "$ECHO_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pick_port() {  # a free port, starting from a per-process offset
  local p=$((20000 + ($$ * 7) % 20000)) i
  for ((i = 0; i < 200; i++, p++)); do
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "bench: no free port found" >&2
  return 1
}

wait_healthy() {  # wait_healthy PORT PID NAME LOG
  local i
  for ((i = 0; i < 300; i++)); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "bench: $3 exited while starting:" >&2
      tail -20 "$4" >&2
      return 1
    fi
    curl -sf -o /dev/null --max-time 1 "http://$HOST:$1/healthz" && return 0
    sleep 0.1
  done
  echo "bench: $3 did not answer /healthz within 30 s" >&2
  return 1
}

ECHO_PORT=$(pick_port)
HARK_PORT=$((ECHO_PORT + 1))
port_free "$HARK_PORT" || HARK_PORT=$(pick_port)

# Hark's defaults, except the per-connection message limit (50/s): a closed loop over 100
# connections sends far more than a person, and would be closed with 1008 by design.
cat >"$TMP/hark.yaml" <<EOF
max_messages_per_second: 100000
drain_timeout: 2
# The load generator is one address opening thousands of connections and registering its
# users: the per-address abuse limits (SECURITY.md) would refuse it by design.
max_connections_per_address: 1000000
registrations_per_hour: 0
hash_queue_limit: 100000
EOF

start_echo() {
  "$ECHO" --host "$HOST" --port "$ECHO_PORT" --threads 2 >"$TMP/echo.log" 2>&1 &
  ECHO_PID=$!
  wait_healthy "$ECHO_PORT" "$ECHO_PID" hark_echo "$TMP/echo.log"
}

# Speech models load in the background after start-up; a run measured meanwhile would
# bill their loading to the text rows (CPU us/rt) and find no decoder for the mix rows.
wait_speech() {  # wait_speech PORT: until /readyz no longer says "loading" (60 s at most)
  local i
  for ((i = 0; i < 600; i++)); do
    curl -sf --max-time 1 "http://$HOST:$1/readyz" | grep -q '"loading"' || return 0
    sleep 0.1
  done
  echo "bench: speech still loading after 60 s; measuring anyway" >&2
}

start_hark() {
  "$HARK" serve --host "$HOST" --port "$HARK_PORT" --data-dir "$TMP/data" \
    --config "$TMP/hark.yaml" >>"$TMP/hark.log" 2>&1 &
  HARK_PID=$!
  wait_healthy "$HARK_PORT" "$HARK_PID" hark "$TMP/hark.log"
  wait_speech "$HARK_PORT"
}

# run TARGET LABEL ARGS...: one hark_load run; its result line goes to $RAW.
run() {
  local target=$1 label=$2 line
  shift 2
  local args=(--host "$HOST" --threads "$THREADS" --duration "$DURATION" --label "$label")
  if [[ $target == echo ]]; then
    args+=(--echo --port "$ECHO_PORT" --server-pid "$ECHO_PID")
  else
    args+=(--port "$HARK_PORT" --server-pid "$HARK_PID" --users "$USERS"
           --token-cache "$TMP/tokens")
  fi
  [[ -n "$AUDIO" ]] && args+=(--audio "$AUDIO")
  echo "bench: $target $label $*" >&2
  if line=$(timeout 300 "$LOAD" "${args[@]}" "$@" 2> >(sed "s|^|$target $label: |" >>"$TMP/load.err") |
             grep '^result '); then
    echo "$line" >>"$RAW"
  else
    echo "bench: $target $label failed (see below)" >&2
    tail -5 "$TMP/load.err" >&2
    echo "result label=$label target=$target failed=1" >>"$RAW"
  fi
}

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

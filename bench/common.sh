# Shared by run.sh and paced.sh (sourced, never run): the servers' start and stop, the
# free ports, Hark's bench configuration and one hark_load run whose result line goes to
# $RAW. The caller sets BUILD, DURATION, USERS, THREADS and AUDIO before sourcing it.
LOAD="$BUILD/bench/hark_load"
ECHO="$BUILD/bench/hark_echo"
HARK="$BUILD/hark"
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

{
  cat "$(dirname "${BASH_SOURCE[0]}")/load-limits.yaml"
  echo "drain_timeout: 2"
} >"$TMP/hark.yaml"

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


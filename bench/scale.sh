#!/usr/bin/env bash
# Scale-out figures in one run: text round trips/s and latency at the same load for
#   1. one instance on SQLite,
#   2. one instance on PostgreSQL,
#   3. three instances on one PostgreSQL behind nginx (deploy/run-cluster.sh),
# then failover through that set-up: clients talking while one instance is killed with
# SIGKILL (hark_failover): turns acknowledged, found in history afterwards, reconnect times.
# Client, balancer, database and instances all share this machine's cores: read the
# ratios, not the absolute numbers.
#
#   bash bench/scale.sh BUILD_DIR
#
# Knobs (environment): SCALE_CONNS (1000), SCALE_DURATION (10 s), SCALE_USERS (20),
# SCALE_FAILOVER_CLIENTS (100), SCALE_FAILOVER_TURNS (40). PostgreSQL runs with its
# durable defaults (fsync on), as SQLite does.
set -euo pipefail

BUILD=${1:?usage: bash bench/scale.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOAD=$BUILD/bench/hark_load
FAILOVER=$BUILD/bench/hark_failover
HARK=$BUILD/hark
CONNS=${SCALE_CONNS:-1000}
DURATION=${SCALE_DURATION:-10}
USERS=${SCALE_USERS:-20}
F_CLIENTS=${SCALE_FAILOVER_CLIENTS:-100}
F_TURNS=${SCALE_FAILOVER_TURNS:-40}
for bin in "$LOAD" "$FAILOVER" "$HARK"; do
  [[ -x "$bin" ]] || { echo "scale: $bin is missing; build first (make build)" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hark-scale.XXXXXX")
HARK_PID=""
CLUSTER_PID=""
cleanup() {
  [[ -n "$HARK_PID" ]] && { kill -TERM "$HARK_PID" 2>/dev/null; wait "$HARK_PID" 2>/dev/null || true; }
  [[ -n "$CLUSTER_PID" ]] && { kill -TERM "$CLUSTER_PID" 2>/dev/null; wait "$CLUSTER_PID" 2>/dev/null || true; }
  "$ROOT/scripts/pg_cluster.sh" stop "$TMP/postgres.state" || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p=$((21000 + ($$ * 13) % 20000))
  while ! port_free "$p" || ! port_free $((p + 1)) || ! port_free $((p + 2)) || ! port_free $((p + 3)); do p=$((p + 4)); done
  echo "$p"
}
wait_ready() {  # wait_ready PORT PID
  for _ in $(seq 300); do
    kill -0 "$2" 2>/dev/null || { echo "scale: the server exited while starting" >&2; return 1; }
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$1/readyz" && return 0
    sleep 0.1
  done
  return 1
}

# The limits a load generator trips by design are lifted, for every instance.
LIMITS=$(grep -v '^#' "$ROOT/bench/load-limits.yaml")
printf '%s\ndrain_timeout: 2\nspeech: false\n' "$LIMITS" >"$TMP/hark.yaml"
RAW=$TMP/results.txt
: >"$RAW"

load() {  # load PORT LABEL [SERVER_PID]
  local args=(--host 127.0.0.1 --port "$1" --connections "$CONNS" --users "$USERS" --mode text
              --duration "$DURATION" --label "$2" --token-cache "$TMP/tokens-$2")
  [[ -n "${3:-}" ]] && args+=(--server-pid "$3")
  echo "scale: $2 at $CONNS connections" >&2
  timeout 600 "$LOAD" "${args[@]}" 2>>"$TMP/load.err" | grep '^result ' >>"$RAW" ||
    echo "result label=$2 failed=1" >>"$RAW"
}

single() {  # single LABEL ARGS...: one instance with ARGS, loaded, stopped
  local label=$1 port
  shift
  port=$(pick_port)
  "$HARK" serve --host 127.0.0.1 --port "$port" --data-dir "$TMP/data-$label" --config "$TMP/hark.yaml" "$@" \
    >"$TMP/$label.log" 2>&1 &
  HARK_PID=$!
  wait_ready "$port" "$HARK_PID" || { tail "$TMP/$label.log" >&2; exit 1; }
  load "$port" "$label" "$HARK_PID"
  kill -TERM "$HARK_PID"; wait "$HARK_PID" || true; HARK_PID=""
}

echo "scale: $(nproc) cores, $CONNS connections, ${DURATION} s per run" >&2
single sqlite-1
URL=$("$ROOT/scripts/pg_cluster.sh" start "$TMP/postgres.state")
single postgres-1 --database-url "$URL"
"$ROOT/scripts/pg_cluster.sh" stop "$TMP/postgres.state"

NGINX_PORT=$(pick_port)
HARK_CLUSTER_CONFIG="$LIMITS" "$ROOT/deploy/run-cluster.sh" --build "$BUILD" --port "$NGINX_PORT" \
  --instances 3 --state "$TMP/cluster.env" 2>"$TMP/cluster.log" &
CLUSTER_PID=$!
for _ in $(seq 600); do [[ -f "$TMP/cluster.env" ]] && break; sleep 0.1; done
[[ -f "$TMP/cluster.env" ]] || { echo "scale: the cluster did not start" >&2; cat "$TMP/cluster.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$TMP/cluster.env"
load "$NGINX_PORT" nginx-3
read -r -a pids <<<"$INSTANCE_PIDS"
echo "scale: failover, $F_CLIENTS clients x $F_TURNS turns, instance pid ${pids[1]} killed after a third" >&2
FAILOVER_LINE=$(timeout 600 "$FAILOVER" --port "$NGINX_PORT" --clients "$F_CLIENTS" --turns "$F_TURNS" \
  --kill-pid "${pids[1]}" --kill-after 0.33 2>>"$TMP/load.err") || true

echo
echo "| set-up | conns | rt/s | p50 ms | p99 ms | errors | unanswered |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
awk '/^result / {
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  if (f["failed"] == "1") { printf "| %s | | failed | | | | |\n", f["label"]; next }
  printf "| %s | %s | %s | %s | %s | %s | %s |\n", f["label"], f["connected"], f["rt_per_s"], f["p50_ms"], f["p99_ms"], f["errors"], f["unanswered"]
}' "$RAW"
echo
echo "${FAILOVER_LINE:-failover failed}"
if [[ -s "$TMP/load.err" ]]; then
  echo
  echo "Client messages:"
  sort "$TMP/load.err" | uniq -c | sort -rn | head -10
fi

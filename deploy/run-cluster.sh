#!/usr/bin/env bash
# Several Hark instances on one PostgreSQL behind nginx, all on loopback, for trying the
# scale-out set-up on one machine (and for bench/scale.sh). Everything lives in one
# temporary directory and is stopped, and the directory removed, when this script exits
# (Ctrl-C, SIGTERM, or an instance failing to start).
#
#   deploy/run-cluster.sh [--build DIR] [--port 8080] [--instances 3] [--state FILE] [--fast]
#
# --state FILE: where to write the set-up (shell variables: NGINX_PORT, INSTANCE_PORTS,
#   INSTANCE_PIDS, DATABASE_URL, WORK_DIR) once every part answers; the script then waits
#   until it is told to stop. --fast: PostgreSQL without fsync (benchmarks of the servers,
#   not of the disk). Instances share the signing secret, generated here.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=$ROOT/build
PORT=8080
INSTANCES=3
STATE=""
FAST=()
EXTRA_CONFIG=${HARK_CLUSTER_CONFIG:-}  # more YAML lines for every instance (bench)
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --instances) INSTANCES=$2; shift 2 ;;
    --state) STATE=$2; shift 2 ;;
    --fast) FAST=(--fast); shift ;;
    *) echo "usage: $0 [--build DIR] [--port PORT] [--instances N] [--state FILE] [--fast]" >&2; exit 2 ;;
  esac
done
HARK=$BUILD/hark
[ -x "$HARK" ] || { echo "run-cluster: $HARK is missing; build first (make build)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "run-cluster: nginx is missing (scripts/setup.sh)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hark-cluster.XXXXXX")
chmod 755 "$WORK"
PIDS=()
NGINX_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}" $NGINX_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  "$ROOT/scripts/pg_cluster.sh" stop "$WORK/postgres.state" || true
  [ -n "$STATE" ] && rm -f "$STATE"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() {  # wait_http PORT PID LOG
  for _ in $(seq 300); do
    kill -0 "$2" 2>/dev/null || { echo "run-cluster: a process exited while starting:" >&2; tail -20 "$3" >&2; exit 1; }
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$1/readyz" && return 0
    sleep 0.1
  done
  echo "run-cluster: nothing answered on port $1 within 30 s" >&2; tail -20 "$3" >&2; exit 1
}

URL=$("$ROOT/scripts/pg_cluster.sh" start "$WORK/postgres.state" "${FAST[@]}")
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
{
  echo "jwt_secret: $SECRET"
  echo "database_url: \"$URL\""
  echo "speech: false"
  echo "drain_timeout: 5"
  [ -n "$EXTRA_CONFIG" ] && printf '%b\n' "$EXTRA_CONFIG"
} >"$WORK/hark.yaml"
chmod 600 "$WORK/hark.yaml"

PORTS=()
p=$((PORT + 1))
for i in $(seq "$INSTANCES"); do
  while ! port_free "$p"; do p=$((p + 1)); done
  mkdir -p "$WORK/instance$i"
  "$HARK" serve --host 127.0.0.1 --port "$p" --data-dir "$WORK/instance$i" --config "$WORK/hark.yaml" \
    >"$WORK/instance$i.log" 2>&1 &
  PIDS+=($!)
  PORTS+=("$p")
  p=$((p + 1))
done
for i in $(seq 0 $((INSTANCES - 1))); do wait_http "${PORTS[$i]}" "${PIDS[$i]}" "$WORK/instance$((i + 1)).log"; done

port_free "$PORT" || { echo "run-cluster: port $PORT is taken" >&2; exit 1; }
servers=""
for p in "${PORTS[@]}"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=5s;\n"; done
sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@LISTEN@|127.0.0.1:$PORT|" \
    -e "s|@UPSTREAM_SERVERS@|${servers%\\n}|" "$HERE/nginx.conf.in" >"$WORK/nginx.conf"
mkdir -p "$WORK/nginx"
chmod 777 "$WORK/nginx"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" -g "daemon off;" \
  >"$WORK/nginx.log" 2>&1 &
NGINX_PID=$!
wait_http "$PORT" "$NGINX_PID" "$WORK/nginx/error.log"

echo "run-cluster: http://127.0.0.1:$PORT -> instances ${PORTS[*]} (pids ${PIDS[*]}) on PostgreSQL in $WORK" >&2
if [ -n "$STATE" ]; then
  cat >"$STATE.tmp" <<EOS
NGINX_PORT=$PORT
NGINX_PID=$NGINX_PID
INSTANCE_PORTS="${PORTS[*]}"
INSTANCE_PIDS="${PIDS[*]}"
DATABASE_URL="$URL"
WORK_DIR="$WORK"
EOS
  mv "$STATE.tmp" "$STATE"
fi
echo "run-cluster: Ctrl-C stops everything" >&2
while kill -0 "$NGINX_PID" 2>/dev/null; do sleep 1 & wait $!; done

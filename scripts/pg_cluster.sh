#!/usr/bin/env bash
# A throw-away PostgreSQL cluster in a fresh temporary directory, for tests, benchmarks and
# the loopback deployment (deploy/run-cluster.sh). It runs as an unprivileged user (initdb
# refuses root: as root the cluster runs as "postgres", or "nobody"), listens on a unix
# socket inside its directory (and on 127.0.0.1:PORT with --port), and trusts local
# connections, so it must never hold real data.
#
#   pg_cluster.sh start STATE_FILE [--port PORT] [--fast]
#       starts a cluster and writes its connection URL (first line) and directory (second
#       line) to STATE_FILE; a cluster a previous run left in STATE_FILE is stopped first.
#       --fast turns fsync off (tests only: a crash of the machine loses data).
#   pg_cluster.sh stop STATE_FILE
#       stops that cluster, removes its directory and STATE_FILE; fine when there is none.
set -euo pipefail

die() { echo "pg_cluster: $*" >&2; exit 1; }

bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql-15)"
  dirname "$initdb"
}

# Runs "$@" as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

stop() {
  local state=$1
  [ -f "$state" ] || return 0
  local dir
  dir=$(sed -n 2p "$state")
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    # A postmaster that did not stop (its pg_ctl failed) is killed by its pid file.
    if [ -f "$dir/data/postmaster.pid" ]; then
      kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    fi
  fi
  case "$dir" in
    */hark-pg.*) rm -rf "$dir" ;;
  esac
  rm -f "$state"
}

start() {
  local state=$1; shift
  local port="" fast=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port=$2; shift 2 ;;
      --fast) fast=1; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  stop "$state"
  local bin dir
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/hark-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
  fi
  mkdir -p "$(dirname "$state")"
  printf '\n%s\n' "$dir" > "$state"  # known before start, so stop() can clean up a failure
  as_owner "$bin/initdb" -D "$dir/data" -U hark --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; stop "$state"; die "initdb failed"; }
  local listen="''"
  [ -n "$port" ] && listen="127.0.0.1"
  local opts="-c listen_addresses=$listen -c unix_socket_directories=$dir -c max_connections=300"
  [ -n "$port" ] && opts="$opts -c port=$port"
  [ "$fast" -eq 1 ] && opts="$opts -c fsync=off -c full_page_writes=off"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$opts" -w -t 30 start >/dev/null ||
    { cat "$dir/postgres.log" >&2; stop "$state"; die "the server did not start"; }
  local sock_port=${port:-5432}
  as_owner "$bin/createdb" -h "$dir" -p "$sock_port" -U hark hark
  local url="postgresql:///hark?host=$dir&port=$sock_port&user=hark"
  printf '%s\n%s\n' "$url" "$dir" > "$state"
  echo "$url"
}

case "${1:-}" in
  start) [ $# -ge 2 ] || die "usage: $0 start STATE_FILE [--port PORT] [--fast]"; shift; start "$@" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop STATE_FILE"; stop "$2" ;;
  *) die "usage: $0 start|stop STATE_FILE" ;;
esac

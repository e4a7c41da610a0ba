#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on loopback only, with trust auth and fsync off: never for real data.
#   bash scripts/postgres.sh start   # initdb if needed, start if not running, create the test db; prints the URL
#   bash scripts/postgres.sh stop
#   bash scripts/postgres.sh url
# Port and data directory: HERALD_PG_PORT (54329), HERALD_PG_DATA (/tmp/herald-pg-$PORT).
# Benchmarks only: HERALD_PG_DURABLE=1 keeps fsync and synchronous_commit on (PostgreSQL's defaults, what a
# real deployment runs); HERALD_PG_EXTRA adds server options (e.g. "-c shared_preload_libraries=pg_stat_statements").
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

PORT="${HERALD_PG_PORT:-54329}"
DATA="${HERALD_PG_DATA:-/tmp/herald-pg-$PORT}"
DB=herald_test
USER_NAME=herald
URL="postgres://$USER_NAME@127.0.0.1:$PORT/$DB?sslmode=disable"

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "postgres.sh: PostgreSQL server binaries not found; run scripts/setup.sh (installs Debian's postgresql)" >&2
    exit 1
  fi
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
    chmod 700 "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U "$USER_NAME" --auth=trust -E UTF8 --no-sync >"$DATA.initdb.log" 2>&1 \
      || { cat "$DATA.initdb.log" >&2; exit 1; }
  fi
  if ! running; then
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${HERALD_PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 30 start \
      -o "-p $PORT -h 127.0.0.1 -k /tmp $durability -c max_connections=300 ${HERALD_PG_EXTRA:-}" \
      >/dev/null || { tail -20 "$DATA/server.log" >&2; exit 1; }
  fi
  if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$DB"
  fi
  echo "$URL"
}

BIN=$(bindir)
case "${1:-start}" in
  start) start ;;
  stop) running && as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null; echo "stopped" ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

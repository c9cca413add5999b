#!/usr/bin/env bash
# A private PostgreSQL server for the tests: its own data folder and port, started on demand.
#   scripts/pg.sh start   # prints nothing; idempotent
#   scripts/pg.sh url     # the DATABASE_URL to use
#   scripts/pg.sh stop
set -euo pipefail
PGDIR="${GOVSITES_PG_DIR:-/tmp/govsites-pg}"
PORT="${GOVSITES_PG_PORT:-54329}"
BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n1)")"
run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
      mkdir -p "$PGDIR"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDIR"
      run "$BIN/initdb" -D "$PGDIR/data" -U govsites --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! run "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
      run "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
        -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    fi
    ;;
  stop)
    run "$BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  url)
    echo "postgres://govsites@127.0.0.1:$PORT/govsites"
    ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A private PostgreSQL cluster for the interaction benchmark, configured like a production server:
# durable commits (fsync, synchronous_commit and full_page_writes ON — unlike the test cluster of
# scripts/pg.sh and the content benchmark's, which turn them off), the public role authenticated
# with a password (scram-sha-256) over TCP.
#   benchmarks/interaction/pg.sh start   # idempotent
#   benchmarks/interaction/pg.sh url     # the owner's DATABASE_URL (the public role's is built by run.py)
#   benchmarks/interaction/pg.sh stop
#   benchmarks/interaction/pg.sh crash   # stop with -m immediate (no checkpoint: WAL recovery at the next start)
set -euo pipefail
PGDIR="${GOVSITES_BENCH_INTERACTION_PG_DIR:-/tmp/govsites-bench-interaction-pg}"
PORT="${GOVSITES_BENCH_INTERACTION_PG_PORT:-54349}"
BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n1)")"
run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_() { psql -h 127.0.0.1 -p "$PORT" -U govsites -d postgres -qAt "$@"; }
# Settings of a dedicated 24 GiB database server (the benchmark machine), all ordinary production
# choices; durability stays at PostgreSQL's defaults (fsync, synchronous_commit, full_page_writes on).
# commit_delay/commit_siblings: group commit (a committing backend waits up to 200 µs for others
# to share its WAL flush when ≥ 5 transactions are open) — every commit is still flushed to disk
# before the client hears of it.
SETTINGS=(
  "shared_buffers = '4GB'" "effective_cache_size = '16GB'" "work_mem = '16MB'"
  "maintenance_work_mem = '1GB'" "max_wal_size = '8GB'" "checkpoint_timeout = '15min'"
  "wal_buffers = '64MB'" "random_page_cost = 1.1" "jit = off"
  "commit_delay = ${GOVSITES_BENCH_COMMIT_DELAY:-200}" "commit_siblings = 5"
)
case "${1:-start}" in
  start)
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
      mkdir -p "$PGDIR"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDIR"
      run "$BIN/initdb" -D "$PGDIR/data" -U govsites --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      # the public service's role logs in with its password, as in production
      run sed -i '/^# TYPE/a host    all    govsites_public    127.0.0.1/32    scram-sha-256' "$PGDIR/data/pg_hba.conf"
    fi
    if ! run "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
      run "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
        -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    wanted="$(printf '%s\n' "${SETTINGS[@]}")"
    if [ "$(cat "$PGDIR/applied-settings" 2>/dev/null)" != "$wanted" ]; then
      for s in "${SETTINGS[@]}"; do psql_ -c "ALTER SYSTEM SET $s"; done
      run "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w -l "$PGDIR/server.log" \
        -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1" restart >/dev/null
      printf '%s' "$wanted" | run tee "$PGDIR/applied-settings" >/dev/null
    fi
    ;;
  stop)
    run "$BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  crash)
    run "$BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null
    ;;
  url)
    echo "postgres://govsites@127.0.0.1:$PORT/govsites_bench_interaction"
    ;;
  *) echo "usage: $0 start|stop|crash|url" >&2; exit 2 ;;
esac

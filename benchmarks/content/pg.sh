#!/usr/bin/env bash
# A private PostgreSQL cluster for the content benchmark, separate from the test cluster of
# scripts/pg.sh (other data folder, other port), tuned like a small dedicated database server.
#   benchmarks/content/pg.sh start   # idempotent
#   benchmarks/content/pg.sh url     # the DATABASE_URL the benchmark uses
#   benchmarks/content/pg.sh stop
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export GOVSITES_PG_DIR="${GOVSITES_BENCH_PG_DIR:-/tmp/govsites-bench-pg}"
export GOVSITES_PG_PORT="${GOVSITES_BENCH_PG_PORT:-54339}"
BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n1)")"
run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_() { psql -h 127.0.0.1 -p "$GOVSITES_PG_PORT" -U govsites -d postgres -qAt "$@"; }
case "${1:-start}" in
  start)
    "$HERE/../../scripts/pg.sh" start  # initdb + start with the same private-cluster options
    if [ "$(psql_ -c "show shared_buffers")" != "4GB" ]; then
      # Settings of a dedicated 24 GiB machine (the benchmark machine); jit off, as commonly
      # recommended for OLTP/admin workloads (it only adds latency to short queries).
      for s in "shared_buffers = '4GB'" "effective_cache_size = '16GB'" "work_mem = '16MB'" \
               "maintenance_work_mem = '1GB'" "max_wal_size = '8GB'" "random_page_cost = 1.1" "jit = off"; do
        psql_ -c "ALTER SYSTEM SET $s"
      done
      run "$BIN/pg_ctl" -D "$GOVSITES_PG_DIR/data" -m fast -w -l "$GOVSITES_PG_DIR/server.log" \
        -o "-p $GOVSITES_PG_PORT -k $GOVSITES_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        restart >/dev/null
    fi
    ;;
  stop)
    "$HERE/../../scripts/pg.sh" stop
    ;;
  url)
    echo "postgres://govsites@127.0.0.1:$GOVSITES_PG_PORT/govsites_bench"
    ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The PostgreSQL figures of docs/scale.md: a throwaway PostgreSQL cluster, the
# national demo of N dossiers (default 10 million) exported as CSV and
# imported through `chiso import` (COPY), then: rebuild, every unit × 12
# months rescored from the command line, storage size per table, and the
# dashboard under 100 concurrent clients (wrk) on one node and on two.
#
#   bash bench/pg-scale.sh [DOSSIERS] [WORK_DIR]
#
# Needs Debian's postgresql and wrk (apt-get install postgresql wrk), a
# release build (cargo build --release -p chiso; CHISO=path overrides), and
# about 25 GB free in WORK_DIR at 10 million. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

DOSSIERS="${1:-10000000}"
WORK="${2:-/tmp/chiso-pg-scale}"
CHISO="${CHISO:-${CARGO_TARGET_DIR:-target}/release/chiso}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PORT="${PORT:-55439}"

mkdir -p "$WORK"
chmod 777 "$WORK"
PGDATA="$WORK/pgdata"
as_pg() { su postgres -s /bin/sh -c "$*"; }
stop() { as_pg "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true; }
trap stop EXIT

rss_peak() { # peak resident memory (MiB) of a process, sampled until it ends
  local pid=$1 peak=0 kb
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$peak" ] && peak=$kb
    sleep 0.2
  done
  echo $((peak / 1024))
}

if [ ! -d "$PGDATA" ]; then
  as_pg "$PGBIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
shared_buffers = 2GB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
max_connections = 200
EOF
fi
as_pg "$PGBIN/pg_ctl -D $PGDATA -l $WORK/pg.log -w start" >/dev/null
URL="postgres://postgres@127.0.0.1:$PORT/chiso"
# REUSE=1: the database of an earlier run, for the dashboard's figures only.
if [ -z "${REUSE:-}" ]; then
as_pg "$PGBIN/psql -h 127.0.0.1 -p $PORT -U postgres -qc 'DROP DATABASE IF EXISTS chiso'"
as_pg "$PGBIN/psql -h 127.0.0.1 -p $PORT -U postgres -qc 'CREATE DATABASE chiso'"
fi
psql_q() { "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d chiso -Atc "$1"; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'); $DOSSIERS dossiers"
if [ -z "${REUSE:-}" ]; then
CSV="$WORK/csv-$DOSSIERS"
if [ ! -f "$CSV/dossiers.csv" ]; then
  rm -f "$WORK/demo.db"
  /usr/bin/time -f "demo export: %e s, %M KB" "$CHISO" --db "$WORK/demo.db" demo --national \
    --dossiers "$DOSSIERS" --export "$CSV" >/dev/null
  rm -f "$WORK/demo.db"*
fi
ls -l "$CSV"

"$CHISO" --db "$URL" migrate
for kind in units procedures holidays dossiers feedback counts; do
  /usr/bin/time -f "import $kind: %e s wall, %U s user, %M KB peak" \
    "$CHISO" --db "$URL" import "$kind" "$CSV/$kind.csv" | tail -1
done
/usr/bin/time -f "rebuild: %e s wall, %M KB peak" "$CHISO" --db "$URL" rebuild

start=$(date +%s.%N)
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
  "$CHISO" --db "$URL" score --period "2026-$m" --format json >/dev/null 2>&1 ||
    "$CHISO" --db "$URL" score --period "2025-$m" --format json >/dev/null
done
echo "12 monthly score sheets of every unit (12 processes): $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
"$CHISO" --db "$URL" score --period 2026-Q3 --format json >/dev/null
echo "one quarter (2026-Q3): $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
"$CHISO" --db "$URL" score --period 2026-01-05..2026-03-20 --format json >/dev/null
echo "one date range (2026-01-05..2026-03-20): $(echo "$(date +%s.%N) - $start" | bc) s"

fi
echo "== storage"
psql_q "SELECT pg_size_pretty(pg_database_size('chiso'))"
psql_q "SELECT coalesce(p.relname, c.relname) AS t, pg_size_pretty(sum(pg_total_relation_size(c.oid))::bigint)
        FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
        GROUP BY 1 ORDER BY sum(pg_total_relation_size(c.oid)) DESC LIMIT 8"

# The dashboard's figures below are the live ones a signed-in user sees
# (an administrator's token); the public's, from published results, after.
export CHISO_TOKEN
CHISO_TOKEN=$("$CHISO" --db "$URL" token create --name pg-scale --role admin | tail -1)

serve() { # node number → address; the server runs in the background
  local port=$((18080 + $1))
  "$CHISO" --db "$URL" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  echo $! >"$WORK/node$1.pid"
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
}
echo "== one node, from a cold start: wrk -t2 -c100 -d30s (bench/national-latest.lua)"
serve 1
rss_peak "$(cat "$WORK/node1.pid")" >"$WORK/node1.rss" &
wrk -t2 -c100 -d30s --timeout 10s --latency -s bench/national-latest.lua http://127.0.0.1:18081 |
  grep -E "Requests/sec|99%|Non-2xx|timeout|requests in"
echo "== the same node, warm: wrk -t2 -c100 -d15s"
wrk -t2 -c100 -d15s --timeout 10s --latency -s bench/national-latest.lua http://127.0.0.1:18081 |
  grep -E "Requests/sec|99%|Non-2xx|timeout|requests in"
echo "== random province pages, warm: wrk -t2 -c100 -d15s (bench/national-provinces.lua)"
wrk -t2 -c100 -d15s --timeout 10s --latency -s bench/national-provinces.lua http://127.0.0.1:18081 |
  grep -E "Requests/sec|99%|Non-2xx|timeout|requests in"
kill "$(cat "$WORK/node1.pid")"
wait "$(cat "$WORK/node1.pid")" 2>/dev/null || true
sleep 0.5
echo "peak RSS of the node: $(cat "$WORK/node1.rss") MiB"

echo "== publishing the 12 months (frozen sheets of every unit)"
start=$(date +%s.%N)
for m in 2025-11 2025-12 2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09 2026-10; do
  "$CHISO" --db "$URL" publication create --period "$m" ${REUSE:+--reason "đo lại"} >/dev/null
done
echo "12 publications: $(echo "$(date +%s.%N) - $start" | bc) s"
psql_q "SELECT pg_size_pretty(sum(octet_length(body))::bigint) FROM journal_entries WHERE kind = 'publication'"
echo "== the public (published results), one node, cold: wrk -t2 -c100 -d20s"
serve 4
CHISO_TOKEN="" wrk -t2 -c100 -d20s --timeout 10s --latency -s bench/national-provinces.lua http://127.0.0.1:18084 |
  grep -E "Requests/sec|99%|Non-2xx|timeout|requests in"
kill "$(cat "$WORK/node4.pid")" 2>/dev/null || true

echo "== two nodes, cold, 50 clients each"
serve 2
serve 3
wrk -t1 -c50 -d30s --timeout 10s --latency -s bench/national-latest.lua http://127.0.0.1:18082 >"$WORK/n2.txt" &
other=$!
wrk -t1 -c50 -d30s --timeout 10s --latency -s bench/national-latest.lua http://127.0.0.1:18083 >"$WORK/n3.txt"
wait "$other" || true
sleep 1
for n in 2 3; do echo "node $n:"; grep -E "Requests/sec|99%|Non-2xx|timeout" "$WORK/n$n.txt"; done
kill "$(cat "$WORK/node2.pid")" "$(cat "$WORK/node3.pid")" 2>/dev/null || true

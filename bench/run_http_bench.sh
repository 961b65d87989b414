#!/usr/bin/env bash
# Write-path and W1-style HTTP benchmark (bench/README.md): starts kalamdb-server on a free loopback
# port with a temporary data directory, runs bench_http_load (1-client INSERT, 8-client INSERT,
# 1-client SELECT of 200 rows, an open-loop 1-client INSERT at a fixed rate), then a second server
# with storage.durability = "fsync" (1- and 8-client INSERT), the embedded 1000-row INSERT
# (bench_engine BM_InsertBatch1000) and, last, the server's memory after loading a chat history
# (bench_bulk_load into a fresh server). With --with-postgres it also runs PostgreSQL 15 + pgbench
# on the same row, asynchronous commit (1 and 8 clients closed loop, 1 client open loop at the same
# rate) and synchronous commit (1 and 8 clients), and ends with a summary of absolute figures and
# ratios from this one run. Everything it starts is stopped on exit, also on Ctrl+C or an error.
#
# Usage: bench/run_http_bench.sh [--duration S] [--warmup S] [--open-rate R] [--with-postgres]
#                                [--memory-users N] [--memory-rows M]
#   --duration S       measured seconds per run (default 10)
#   --warmup S         warm-up seconds per run, not measured (default 2)
#   --open-rate R      requests/s of the open-loop run (default 2000; 0 skips it)
#   --with-postgres    add the PostgreSQL 15 peer runs (needs /usr/lib/postgresql/15/bin and pgbench)
#   --memory-users N   users of the memory run (default 10000; 0 skips it)
#   --memory-rows M    messages per user of the memory run (default 1000)
# Env: BUILD_DIR (default build/release). Build first:
#   cmake --build build/release --target bench_http_load bench_bulk_load bench_engine kalamdb-server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
SERVER="$BUILD_DIR/kalamdb-server"
LOAD="$BUILD_DIR/bench/bench_http_load"
BULK="$BUILD_DIR/bench/bench_bulk_load"
ENGINE_BENCH="$BUILD_DIR/bench/bench_engine"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

DURATION=10
WARMUP=2
OPEN_RATE=2000
WITH_POSTGRES=0
MEMORY_USERS=10000
MEMORY_ROWS=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --open-rate) OPEN_RATE="$2"; shift 2 ;;
    --with-postgres) WITH_POSTGRES=1; shift ;;
    --memory-users) MEMORY_USERS="$2"; shift 2 ;;
    --memory-rows) MEMORY_ROWS="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

for binary in "$SERVER" "$LOAD" "$BULK" "$ENGINE_BENCH"; do
  if [[ ! -x "$binary" ]]; then
    echo "missing $binary; build with: cmake --build $BUILD_DIR --target bench_http_load bench_bulk_load bench_engine kalamdb-server" >&2
    exit 1
  fi
done

TMP="$(mktemp -d /tmp/kalam_http_bench.XXXXXX)"

cleanup() {
  local status=$?
  kalam_stop_server
  kalam_stop_postgres
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# machine: $(nproc) CPU(s), $(uname -sr); duration ${DURATION}s, warm-up ${WARMUP}s per run"

# Figures for the summary, by name: "<throughput> <p50 us>".
declare -A RESULT
# Remembers the throughput and p50 of the run whose output is in $1 under the name $2.
remember() {
  local tput p50
  tput=$(sed -n 's/^   throughput \([0-9.]*\) req\/s.*/\1/p; s/^   requests [0-9]* ok, throughput \([0-9.]*\) tx\/s.*/\1/p' "$1" | head -n1)
  p50=$(sed -n 's/^   latency us: *p50 \([0-9]*\).*/\1/p' "$1" | head -n1)
  RESULT[$2]="${tput:-?} ${p50:-?}"
}

# ---- KalamDB ------------------------------------------------------------------------------------
# The per-user query rate limit (1000/s by default) would cap a load test: disabled here.
SERVER_ENV=(KALAMDB_ROOT_PASSWORD=bench123 KALAMDB_AUTH_BCRYPT_COST=4 KALAMDB_LOG_LEVEL=warn
  KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0)
STATUS=0
load() {
  local name="$1"
  shift
  "$LOAD" --port "$PORT" --user root --password bench123 --server-pid "$SERVER_PID" \
    --duration "$DURATION" --warmup "$WARMUP" "$@" >"$TMP/out" 2>&1 || STATUS=1
  cat "$TMP/out"
  remember "$TMP/out" "$name"
  echo
}

start_kalam() {
  kalam_start_server "$SERVER" "$TMP/$1" "${SERVER_ENV[@]}" "${@:2}" || exit 1
  SERVER_PID="$KALAM_SERVER_PID"
  PORT="$KALAM_SERVER_PORT"
  echo "# kalamdb-server pid $SERVER_PID on 127.0.0.1:$PORT, data in $TMP/$1/data"
}

echo "# kalamdb-server: storage.durability = \"async\" (the default: WAL written, no fsync per write)"
start_kalam async
echo
load kalam_insert_1 --mode insert --clients 1
load kalam_insert_8 --mode insert --clients 8
load kalam_select200 --mode select200 --clients 1
if [[ "$OPEN_RATE" != 0 ]]; then
  load kalam_open --mode insert --clients 1 --rate "$OPEN_RATE"
fi
kalam_stop_server

echo "# kalamdb-server: storage.durability = \"fsync\" (WAL fsynced before the ack; concurrent INSERTs share one)"
start_kalam fsync KALAMDB_STORAGE_DURABILITY=fsync
echo
load kalam_durable_1 --mode insert --clients 1
load kalam_durable_8 --mode insert --clients 8
kalam_stop_server

# ---- Embedded 1000-row INSERT (W4) ----------------------------------------------------------------
echo "== bench_engine BM_InsertBatch1000 (one 1000-row INSERT statement, embedded engine, no HTTP)"
W4_ROWS="?"
if "$ENGINE_BENCH" --benchmark_filter='BM_InsertBatch1000' --benchmark_format=csv >"$TMP/w4.csv" 2>/dev/null; then
  # CSV columns: name,iterations,real_time,cpu_time,time_unit,...; rows/s from the wall-clock time
  # of one statement (google-benchmark's items_per_second counts the calling thread's CPU time).
  # On a busy machine the two differ a lot: the CPU figure is what a statement costs.
  W4_ROWS=$(awk -F, 'index($1, "\"BM_InsertBatch1000") == 1 {
      u = ($5 == "ms") ? 1e3 : ($5 == "us") ? 1e6 : 1e9
      printf "%.0f rows/s wall clock (%.0f rows per CPU second of the calling thread)", 1000 * u / $3, 1000 * u / $4 }' "$TMP/w4.csv")
  awk -F, 'index($1, "\"BM_InsertBatch1000") == 1 { printf "   %.2f %s per statement (wall clock), %.2f %s CPU\n", $3, $5, $4, $5 }' "$TMP/w4.csv"
  echo "   ${W4_ROWS}"
else
  echo "   failed"
  STATUS=1
fi
echo

# ---- PostgreSQL 15 peer (optional) -----------------------------------------------------------------
# Same row, asynchronous commit (synchronous_commit=off, fsync on), loopback TCP, prepared
# statements. Latency percentiles come from pgbench's per-transaction log.
cpu_of_tree() {
  # CPU ticks of the postmaster (own + reaped children) plus its live children.
  local pm="$1" total=0 pid
  total=$(awk '{print $14+$15+$16+$17}' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm"); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

pg_run() {
  # pg_run NAME CLIENTS PORT [RATE] [SYNCHRONOUS_COMMIT]
  local name="$1"
  shift
  local clients="$1" port="$2" rate="${3:-0}" sync_commit="${4:-off}" log_dir="$TMP/pglog_${name}"
  local rate_args=() loop="closed-loop"
  if [[ "$rate" != 0 ]]; then
    # Open loop: pgbench schedules start times at the rate; the logged latency counts from the
    # scheduled time (schedule lag included), as bench_http_load does.
    rate_args=(-R "$rate")
    loop="open-loop rate=$rate/s"
  fi
  mkdir -p "$log_dir"
  # Warm-up, not measured.
  export PGOPTIONS="-c synchronous_commit=$sync_commit"
  pgbench -n -M prepared -h 127.0.0.1 -p "$port" -U postgres -c "$clients" -j "$clients" \
    -T "$WARMUP" "${rate_args[@]}" -f "$TMP/pg/insert.sql" bench >/dev/null 2>&1 || true
  local before_rows after_rows pm cpu0 cpu1 ticks out
  before_rows=$(psql -qtA -h 127.0.0.1 -p "$port" -U postgres -d bench -c 'SELECT count(*) FROM messages')
  pm=$(head -n1 "$TMP/pg/data/postmaster.pid")
  cpu0=$(cpu_of_tree "$pm")
  out=$(cd "$log_dir" && pgbench -n -M prepared -h 127.0.0.1 -p "$port" -U postgres -c "$clients" -j "$clients" \
    -T "$DURATION" "${rate_args[@]}" -l --log-prefix=tx -f "$TMP/pg/insert.sql" bench 2>&1)
  sleep 0.3  # let the postmaster reap the backends
  cpu1=$(cpu_of_tree "$pm")
  after_rows=$(psql -qtA -h 127.0.0.1 -p "$port" -U postgres -d bench -c 'SELECT count(*) FROM messages')
  ticks=$(getconf CLK_TCK)
  local processed tps
  processed=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')
  unset PGOPTIONS
  {
  echo "== pgbench (PostgreSQL 15, synchronous_commit=$sync_commit) insert clients=$clients $loop duration=${DURATION}s warmup=${WARMUP}s"
  echo "   requests ${processed:-?} ok, throughput ${tps:-?} tx/s"
  cat "$log_dir"/tx* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "   latency: no samples"; exit }
      split("50 90 99 99.9", ps, " "); line = "   latency us:"
      for (i = 1; i <= 4; i++) { r = int(ps[i] / 100 * NR + 0.999999); if (r < 1) r = 1; line = line sprintf("  p%s %d", ps[i], v[r]) }
      print line sprintf("  max %d", v[NR])
    }'
  } | tee "$TMP/out"
  remember "$TMP/out" "$name"
  if [[ -n "$processed" && "$processed" -gt 0 ]]; then
    awk -v t="$((cpu1 - cpu0))" -v hz="$ticks" -v n="$processed" -v d="$DURATION" \
      'BEGIN { us = t * 1e6 / hz; printf "   server CPU %.1f us/transaction (%.2f cores busy)\n", us / n, us / 1e6 / d }'
  fi
  local grown=$((after_rows - before_rows))
  if [[ "$grown" == "$processed" ]]; then
    echo "   check: count(*) grew by $grown = transactions processed: OK"
  else
    echo "   check: count(*) grew by $grown, transactions processed $processed: MISMATCH"
    STATUS=1
  fi
  echo
}

if [[ "$WITH_POSTGRES" == 1 ]]; then
  kalam_start_postgres "$TMP" || exit 1
  PG_PORT="$KALAM_PG_PORT"
  echo "# PostgreSQL 15 on 127.0.0.1:$PG_PORT (fsync on, synchronous_commit=off)"
  # The same chat row: the identity stands in for SNOWFLAKE_ID(), user_id for the USER-table owner.
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c \
    'CREATE TABLE messages (id BIGINT GENERATED ALWAYS AS IDENTITY, user_id TEXT NOT NULL, conversation_id TEXT, role TEXT, body TEXT, created_at TIMESTAMPTZ DEFAULT now())' >/dev/null
  BODY=$(python3 -c 'import random; r=random.Random(42); print("".join(r.choice("abcdefghijklmnopqrstuvwxyz      ") for _ in range(200)))')
  cat >"$TMP/pg/insert.sql" <<EOF
\set conv random(0, 999)
INSERT INTO messages (user_id, conversation_id, role, body) VALUES ('root', 'conv-' || :conv, 'user', '$BODY');
EOF
  chmod -R a+rwX "$TMP"
  echo
  pg_run pg_insert_1 1 "$PG_PORT"
  pg_run pg_insert_8 8 "$PG_PORT"
  if [[ "$OPEN_RATE" != 0 ]]; then
    pg_run pg_open 1 "$PG_PORT" "$OPEN_RATE"
  fi
  pg_run pg_durable_1 1 "$PG_PORT" 0 on
  pg_run pg_durable_8 8 "$PG_PORT" 0 on
fi

# ---- Memory after loading a chat history (last: the longest run) -------------------------------------
MEMORY_LINE=""
if [[ "$MEMORY_USERS" != 0 ]]; then
  start_kalam memory
  if "$BULK" --port "$PORT" --user root --password bench123 --server-pid "$SERVER_PID" \
      --users "$MEMORY_USERS" --rows-per-user "$MEMORY_ROWS" >"$TMP/out" 2>&1; then
    MEMORY_LINE=$(sed -n 's/^   server RSS after loading: \(.*\)/\1/p' "$TMP/out")
  else
    STATUS=1
  fi
  cat "$TMP/out"
  echo
  kalam_stop_server
  rm -rf "$TMP/memory"
fi

# ---- Summary ------------------------------------------------------------------------------------------
field() {
  local v
  v=$(echo "${RESULT[$1]:-? ?}" | cut -d' ' -f"$2")
  [[ "$v" =~ ^[0-9.]+$ ]] && v=$(printf "%.0f" "$v")
  echo "$v"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }
row() {
  # row LABEL KALAM_NAME PG_NAME GOAL
  local kt kp pt pp
  kt=$(field "$2" 1); kp=$(field "$2" 2); pt=$(field "$3" 1); pp=$(field "$3" 2)
  printf "%-34s %10s/s p50 %5s us | %10s/s p50 %5s us | %7s | %s\n" "$1" "$kt" "$kp" "$pt" "$pp" "$(ratio "$kt" "$pt")" "$4"
}
echo "== summary (this run; throughput ratio = KalamDB / PostgreSQL)"
printf "%-34s %-28s | %-28s | %7s | %s\n" "workload" "KalamDB" "PostgreSQL 15" "ratio" "goal"
row "W1 INSERT, 1 client" kalam_insert_1 pg_insert_1 "ratio >= 1, p50 <= 60 us"
row "W2 INSERT, 8 clients" kalam_insert_8 pg_insert_8 "ratio >= 2 (PG async)"
row "W3 durable INSERT, 1 client" kalam_durable_1 pg_durable_1 "(PG synchronous_commit=on)"
row "W3 durable INSERT, 8 clients" kalam_durable_8 pg_durable_8 "ratio >= 1 (PG synchronous_commit=on)"
row "SELECT ... LIMIT 200, 1 client" kalam_select200 none ""
echo "W4 1000-row INSERT, embedded: ${W4_ROWS} (goal >= 1000000 rows/s)"
if [[ -n "$MEMORY_LINE" ]]; then
  echo "Memory: server RSS after loading ${MEMORY_USERS} users x ${MEMORY_ROWS} messages: ${MEMORY_LINE}"
fi

exit "$STATUS"

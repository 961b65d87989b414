#!/usr/bin/env bash
# Chat read benchmark (issue 11: R1-R4): starts kalamdb-server on a free loopback port and, unless
# --without-postgres, PostgreSQL 15 with the same rows, then measures over one keep-alive
# connection per client (bench_http_load --mode select / select200 for KalamDB, pgbench custom
# scripts with prepared statements for PostgreSQL):
#   R1u  last 20 messages of a user          ORDER BY _seq DESC LIMIT 20
#   R1c  last 20 messages of a conversation  WHERE conversation_id = 'conv-7' ... LIMIT 20
#   R2   SELECT ... LIMIT 200
#   R3   point lookup by primary key (a row in the middle of the history)
#   R4   paging back: WHERE _seq < X ORDER BY _seq DESC LIMIT 50, X ten pages back
# for a user with --rows-small and one with --rows-large messages (10 conversations each), both
# with nothing flushed (hot tier only) and with 90% flushed to Parquet (nine segments, then 10%
# hot). PostgreSQL gets the indexes its users would create: (user_id, conversation_id, id) and
# (user_id, id). Everything it starts is stopped on exit, also on Ctrl+C or an error.
#
# Usage: bench/run_read_bench.sh [--duration S] [--warmup S] [--rows-small N] [--rows-large N]
#                                [--without-postgres] [--compare-duckdb]
#   --duration S        measured seconds per run (default 5)
#   --warmup S          warm-up seconds per run, not measured (default 1)
#   --rows-small N      messages of the small user (default 1000)
#   --rows-large N      messages of the large user (default 100000)
#   --without-postgres  skip the PostgreSQL 15 peer runs
#   --compare-duckdb    also time each KalamDB query in a form the direct read path declines
#                       (a `true` condition added), i.e. planned and run by DuckDB
# Env: BUILD_DIR (default build/release). Build first:
#   cmake --build build/release --target bench_http_load kalamdb-server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
SERVER="$BUILD_DIR/kalamdb-server"
LOAD="$BUILD_DIR/bench/bench_http_load"
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

DURATION=5
WARMUP=1
ROWS_SMALL=1000
ROWS_LARGE=100000
WITH_POSTGRES=1
COMPARE_DUCKDB=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --rows-small) ROWS_SMALL="$2"; shift 2 ;;
    --rows-large) ROWS_LARGE="$2"; shift 2 ;;
    --without-postgres) WITH_POSTGRES=0; shift ;;
    --compare-duckdb) COMPARE_DUCKDB=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

for binary in "$SERVER" "$LOAD"; do
  if [[ ! -x "$binary" ]]; then
    echo "missing $binary; build with: cmake --build $BUILD_DIR --target bench_http_load kalamdb-server" >&2
    exit 1
  fi
done

TMP="$(mktemp -d /tmp/kalam_read_bench.XXXXXX)"
cleanup() {
  local status=$?
  kalam_stop_server
  kalam_stop_postgres
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# machine: $(nproc) CPU(s), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg); duration ${DURATION}s, warm-up ${WARMUP}s per run"

# ---- KalamDB: load ---------------------------------------------------------------------------------
# The per-user query rate limit (1000/s by default) would cap a load test: disabled here.
kalam_start_server "$SERVER" "$TMP" KALAMDB_ROOT_PASSWORD=bench123 KALAMDB_AUTH_BCRYPT_COST=4 \
  KALAMDB_LOG_LEVEL=warn KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0 || exit 1
SERVER_PID="$KALAM_SERVER_PID"
PORT="$KALAM_SERVER_PORT"
echo "# kalamdb-server pid $SERVER_PID on 127.0.0.1:$PORT, data in $TMP/data"

# One body for every row, as run_http_bench.sh uses: 200 bytes.
BODY=$(python3 -c 'import random; r=random.Random(42); print("".join(r.choice("abcdefghijklmnopqrstuvwxyz      ") for _ in range(200)))')

# Loads the tables (one per rows x flushed share, all rows in root's scope) and writes, per table,
# the R3 id and the R4 `_seq` bound to $TMP/<table>.keys. Flushes are waited for through
# system.jobs.
python3 - "$PORT" "$TMP" "$BODY" "$ROWS_SMALL" "$ROWS_LARGE" <<'PY'
import base64, json, sys, time, urllib.error, urllib.request
port, tmp, body, small, large = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
auth = "Basic " + base64.b64encode(b"root:bench123").decode()

def sql(text):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/api/sql", data=json.dumps({"sql": text}).encode(),
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            answer = json.load(r)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{text[:200]} -> HTTP {e.code} {e.read()[:500]}")
    if answer.get("status") != "success":
        raise SystemExit(f"{text[:200]} -> {answer}")
    return answer["results"][-1]

def insert(table, first, count):
    for start in range(first, first + count, 1000):
        n = min(1000, first + count - start)
        values = ", ".join(f"('conv-{(start + i) % 10}', '{'user' if (start + i) % 2 == 0 else 'assistant'}', '{body}')"
                           for i in range(n))
        sql(f"INSERT INTO {table} (conversation_id, role, body) VALUES {values}")

def flush(table):
    message = sql(f"FLUSH TABLE {table}")["message"]
    job = message.rsplit("Job ID: ", 1)[1].strip()
    deadline = time.time() + 600
    while time.time() < deadline:
        status = sql(f"SELECT status FROM system.jobs WHERE job_id = '{job}'")["rows"][0][0]
        if status == "completed":
            return
        if status in ("failed", "cancelled"):
            raise SystemExit(f"flush {job} of {table}: {status}")
        time.sleep(0.05)
    raise SystemExit(f"flush {job} of {table} did not finish in 600 s")

sql("CREATE NAMESPACE IF NOT EXISTS bench")
for rows in (small, large):
    for flushed in (0, 90):
        table = f"bench.m{rows}_{flushed}"
        # No automatic flush: the share in Parquet is the one the scenario names.
        sql(f"CREATE USER TABLE {table} (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), conversation_id TEXT, "
            "role TEXT, body TEXT, created_at TIMESTAMP DEFAULT NOW()) FLUSH ROW_THRESHOLD 999999")
        cold = rows * flushed // 100
        step = max(1, cold // 9)
        done = 0
        while done < cold:
            n = min(step, cold - done)
            insert(table, done, n)
            flush(table)
            done += n
        insert(table, done, rows - done)
        count = int(sql(f"SELECT count(*) FROM {table}")["rows"][0][0])
        assert count == rows, (table, count)
        middle = sql(f"SELECT id FROM {table} ORDER BY _seq LIMIT 1 OFFSET {rows // 2}")["rows"][0][0]
        page_back = sql(f"SELECT _seq FROM {table} ORDER BY _seq DESC LIMIT 1 OFFSET 499")["rows"][0][0]
        with open(f"{tmp}/{table}.keys", "w") as f:
            f.write(f"{middle} {page_back}\n")
        print(f"# loaded {table}: {rows} rows, {flushed}% flushed", flush=True)
PY

STATUS=0
declare -A P50 P99
# Records "name p50 p99" from bench_http_load's or pgbench's latency line.
record() {
  local name="$1" line
  line=$(grep -m1 'latency us:' || true)
  P50[$name]=$(sed -n 's/.*p50 \([0-9]*\).*/\1/p' <<<"$line")
  P99[$name]=$(sed -n 's/.* p99 \([0-9]*\).*/\1/p' <<<"$line")
}

kalam_run() {
  local name="$1" table="$2" sql="$3" out
  local mode=(--mode select --sql "$sql")
  [[ "$sql" == select200 ]] && mode=(--mode select200)
  out=$("$LOAD" --port "$PORT" --user root --password bench123 --server-pid "$SERVER_PID" --table "$table" \
    --duration "$DURATION" --warmup "$WARMUP" --clients 1 "${mode[@]}") || STATUS=1
  echo "$out" | sed "s/^== /== $name: /"
  echo
  record "$name" <<<"$out"
}

# The same query must give the expected number of rows before it is timed.
expect_rows() {
  local sql="$1" want="$2" got
  got=$(curl -s -u root:bench123 "http://127.0.0.1:$PORT/v1/api/sql" \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"sql": sys.argv[1]}))' "$sql")" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][-1]["row_count"])')
  if [[ "$got" != "$want" ]]; then
    echo "check failed: $sql -> $got rows, want $want" >&2
    STATUS=1
  fi
}

COLS="id, conversation_id, role, body, created_at"
echo
for rows in "$ROWS_SMALL" "$ROWS_LARGE"; do
  for flushed in 0 90; do
    t="bench.m${rows}_${flushed}"
    read -r middle page_back <"$TMP/$t.keys"
    r1u="SELECT $COLS FROM $t ORDER BY _seq DESC LIMIT 20"
    r1c="SELECT $COLS FROM $t WHERE conversation_id = 'conv-7' ORDER BY _seq DESC LIMIT 20"
    r3="SELECT $COLS FROM $t WHERE id = $middle"
    r4="SELECT $COLS FROM $t WHERE _seq < $page_back ORDER BY _seq DESC LIMIT 50"
    expect_rows "$r1u" 20; expect_rows "$r1c" 20; expect_rows "$r3" 1; expect_rows "$r4" 50
    kalam_run "R1u ${rows}r ${flushed}%" "$t" "$r1u"
    kalam_run "R1c ${rows}r ${flushed}%" "$t" "$r1c"
    kalam_run "R2 ${rows}r ${flushed}%" "$t" select200
    kalam_run "R3 ${rows}r ${flushed}%" "$t" "$r3"
    kalam_run "R4 ${rows}r ${flushed}%" "$t" "$r4"
    if [[ "$COMPARE_DUCKDB" == 1 ]]; then
      # The same statements with a `true` condition, which the direct read path declines: DuckDB
      # plans and runs them (the path every read took before the direct path).
      kalam_run "R1u ${rows}r ${flushed}% duckdb" "$t" "${r1u/ ORDER BY/ WHERE true ORDER BY}"
      kalam_run "R1c ${rows}r ${flushed}% duckdb" "$t" "${r1c/ ORDER BY/ AND true ORDER BY}"
      kalam_run "R2 ${rows}r ${flushed}% duckdb" "$t" "SELECT $COLS FROM $t WHERE true LIMIT 200"
      kalam_run "R3 ${rows}r ${flushed}% duckdb" "$t" "$r3 AND true"
      kalam_run "R4 ${rows}r ${flushed}% duckdb" "$t" "${r4/ ORDER BY/ AND true ORDER BY}"
    fi
  done
done
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
kalam_stop_server

# ---- PostgreSQL 15 peer --------------------------------------------------------------------------------
pg_run() {
  local name="$1" script="$2" log_dir="$TMP/pglog_$RANDOM" out
  mkdir -p "$log_dir"
  chmod a+rwx "$log_dir"
  pgbench -n -M prepared -h 127.0.0.1 -p "$KALAM_PG_PORT" -U postgres -c 1 -j 1 -T "$WARMUP" -f "$script" bench \
    >/dev/null 2>&1 || true
  out=$(cd "$log_dir" && pgbench -n -M prepared -h 127.0.0.1 -p "$KALAM_PG_PORT" -U postgres -c 1 -j 1 \
    -T "$DURATION" -l --log-prefix=tx -f "$script" bench 2>&1) || STATUS=1
  local line
  line=$(kalam_pgbench_latency "$log_dir")
  echo "== $name: pgbench (PostgreSQL 15) clients=1 duration=${DURATION}s: $(sed -n 's/^tps = \([0-9.]*\) .*/\1 tx\/s/p' <<<"$out")"
  echo "$line"
  echo
  record "$name" <<<"$line"
}

if [[ "$WITH_POSTGRES" == 1 ]]; then
  kalam_start_postgres "$TMP" || exit 1
  echo "# PostgreSQL 15 on 127.0.0.1:$KALAM_PG_PORT (synchronous_commit=off)"
  pg() { psql -qtA -h 127.0.0.1 -p "$KALAM_PG_PORT" -U postgres -d bench -c "$1"; }
  pg 'CREATE TABLE messages (id BIGINT PRIMARY KEY, user_id TEXT NOT NULL, conversation_id TEXT, role TEXT, body TEXT, created_at TIMESTAMPTZ DEFAULT now())' >/dev/null
  for rows in "$ROWS_SMALL" "$ROWS_LARGE"; do
    offset=$([[ "$rows" == "$ROWS_SMALL" ]] && echo 0 || echo 10000000)
    pg "INSERT INTO messages (id, user_id, conversation_id, role, body) SELECT $offset + g, 'u$rows', 'conv-' || (g % 10), CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END, '$BODY' FROM generate_series(0, $rows - 1) g" >/dev/null
  done
  pg 'CREATE INDEX ON messages (user_id, conversation_id, id)' >/dev/null
  pg 'CREATE INDEX ON messages (user_id, id)' >/dev/null
  pg 'VACUUM ANALYZE messages' >/dev/null
  for rows in "$ROWS_SMALL" "$ROWS_LARGE"; do
    offset=$([[ "$rows" == "$ROWS_SMALL" ]] && echo 0 || echo 10000000)
    u="'u$rows'"
    echo "SELECT $COLS FROM messages WHERE user_id = $u ORDER BY id DESC LIMIT 20;" >"$TMP/r1u_$rows.sql"
    echo "SELECT $COLS FROM messages WHERE user_id = $u AND conversation_id = 'conv-7' ORDER BY id DESC LIMIT 20;" >"$TMP/r1c_$rows.sql"
    echo "SELECT $COLS FROM messages WHERE user_id = $u LIMIT 200;" >"$TMP/r2_$rows.sql"
    echo "SELECT $COLS FROM messages WHERE id = $((offset + rows / 2));" >"$TMP/r3_$rows.sql"
    echo "SELECT $COLS FROM messages WHERE user_id = $u AND id < $((offset + rows - 500)) ORDER BY id DESC LIMIT 50;" >"$TMP/r4_$rows.sql"
    chmod a+r "$TMP"/*.sql
    pg_run "PG R1u ${rows}r" "$TMP/r1u_$rows.sql"
    pg_run "PG R1c ${rows}r" "$TMP/r1c_$rows.sql"
    pg_run "PG R2 ${rows}r" "$TMP/r2_$rows.sql"
    pg_run "PG R3 ${rows}r" "$TMP/r3_$rows.sql"
    pg_run "PG R4 ${rows}r" "$TMP/r4_$rows.sql"
  done
fi

# ---- Summary ---------------------------------------------------------------------------------------------
echo "# summary: p50 / p99 in us over HTTP (KalamDB) and pgbench (PostgreSQL); ratio = KalamDB p50 / PostgreSQL p50"
printf '%-5s %-8s %16s %16s %16s %16s %18s\n' query rows "hot p50/p99" "90% cold p50/p99" "PG p50/p99" \
  "ratio hot/cold" "DuckDB-path p50 hot/cold"
for q in R1u R1c R2 R3 R4; do
  for rows in "$ROWS_SMALL" "$ROWS_LARGE"; do
    hot="${P50["$q ${rows}r 0%"]:-?}/${P99["$q ${rows}r 0%"]:-?}"
    cold="${P50["$q ${rows}r 90%"]:-?}/${P99["$q ${rows}r 90%"]:-?}"
    pgp="${P50["PG $q ${rows}r"]:-}"
    peer="${pgp:-?}/${P99["PG $q ${rows}r"]:-?}"
    ratio="-"
    if [[ -n "$pgp" && "$pgp" != 0 ]]; then
      ratio=$(awk -v a="${P50["$q ${rows}r 0%"]:-0}" -v b="${P50["$q ${rows}r 90%"]:-0}" -v p="$pgp" \
        'BEGIN { printf "%.2f/%.2f", a / p, b / p }')
    fi
    duck="${P50["$q ${rows}r 0% duckdb"]:--}/${P50["$q ${rows}r 90% duckdb"]:--}"
    printf '%-5s %-8s %16s %16s %16s %16s %18s\n' "$q" "$rows" "$hot" "$cold" "$peer" "$ratio" "$duck"
  done
done
echo "# kalamdb-server RSS after the runs: $((RSS_KB / 1024)) MiB"
exit "$STATUS"

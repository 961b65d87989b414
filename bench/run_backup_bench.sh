#!/usr/bin/env bash
# Backup benchmark (bench/README.md, docs/backup.md): starts kalamdb-server on a free loopback port
# with a temporary data directory, loads a chat history (bench_bulk_load: --users users x
# --rows-per-user messages in the USER table bench.history, flushed to Parquet, and a quarter as
# many in bench.drafts, left in the hot tier), so the backup copies both tiers, then
#   1. runs an open-loop 1-client INSERT load (bench_http_load, --rate requests/s) with no backup:
#      the baseline latency percentiles;
#   2. runs the same load again while `BACKUP DATABASE bench TO '…'` jobs run back to back for the
#      whole measured time: the latency percentiles during backups;
#   3. prints each backup job's message (bytes, files, MB/s) and the INSERT p99 ratio
#      (goal: <= 2x without a backup).
# Everything it starts is stopped on exit, also on Ctrl+C or an error.
#
# Usage: bench/run_backup_bench.sh [--duration S] [--warmup S] [--rate R] [--users N] [--rows-per-user M]
#   --duration S        measured seconds per run (default 10)
#   --warmup S          warm-up seconds per run, not measured (default 2)
#   --rate R            INSERT requests/s of the open-loop load (default 500)
#   --users N           users of the loaded history (default 200)
#   --rows-per-user M   messages per user (default 1000)
# Env: BUILD_DIR (default build/release); SERVER_BIN: another kalamdb-server to measure (an A/B of
# two builds: a copy of the binary before a change, then the one after). Build first:
#   cmake --build build/release --target bench_http_load bench_bulk_load kalamdb-server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
SERVER="${SERVER_BIN:-$BUILD_DIR/kalamdb-server}"
LOAD="$BUILD_DIR/bench/bench_http_load"
BULK="$BUILD_DIR/bench/bench_bulk_load"
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

DURATION=10
WARMUP=2
RATE=500
USERS=200
ROWS=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --rows-per-user) ROWS="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

for binary in "$SERVER" "$LOAD" "$BULK"; do
  if [[ ! -x "$binary" ]]; then
    echo "missing $binary; build with: cmake --build $BUILD_DIR --target bench_http_load bench_bulk_load kalamdb-server" >&2
    exit 1
  fi
done

TMP="$(mktemp -d /tmp/kalam_backup_bench.XXXXXX)"
cleanup() {
  local status=$?
  kalam_stop_server
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The per-user query rate limit would cap the load: disabled, as in run_http_bench.sh.
kalam_start_server "$SERVER" "$TMP/server" KALAMDB_ROOT_PASSWORD=bench123 KALAMDB_AUTH_BCRYPT_COST=4 \
  KALAMDB_LOG_LEVEL=warn KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0 || exit 1
PORT="$KALAM_SERVER_PORT"
echo "# machine: $(nproc) CPU(s), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg); kalamdb-server pid $KALAM_SERVER_PID on 127.0.0.1:$PORT"

# sql TEXT: one statement as root; prints the answer body.
sql() {
  local body
  body=$(python3 -c 'import json,sys; print(json.dumps({"sql": sys.argv[1]}))' "$1")
  curl -s -u root:bench123 -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/v1/api/sql"
}
# job_status ID: the job's status (and message) in system.jobs.
job_field() {
  sql "SELECT $2 FROM system.jobs WHERE job_id = '$1'" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]["rows"]; print(r[0][0] if r else "")'
}
# wait_job ID: polls the job's status until it ends. One curl per poll and no interpreter: the
# poller shares the CPUs with the INSERT load being measured, so it must cost next to nothing.
wait_job() {
  local id="$1" status
  local body="{\"sql\":\"SELECT status FROM system.jobs WHERE job_id = '$id'\"}"
  for _ in $(seq 1 3000); do
    status=$(curl -s -u root:bench123 -H 'Content-Type: application/json' -d "$body" \
      "http://127.0.0.1:$PORT/v1/api/sql" | sed -n 's/.*"rows":\[\["\([a-z]*\)"\].*/\1/p')
    case "$status" in completed|failed|cancelled|skipped) echo "$status"; return 0 ;; esac
    sleep 0.2
  done
  echo "timeout"
}

echo "== loading ${USERS} users x ${ROWS} messages into bench.history"
"$BULK" --port "$PORT" --server-pid "$KALAM_SERVER_PID" --user root --password bench123 \
  --users "$USERS" --rows-per-user "$ROWS" --table bench.history | grep -E '^   (loaded|rows)' || true
for id in $(sql "FLUSH TABLE bench.history" | grep -o 'FL-[0-9a-f]*' | sort -u); do
  echo "   flush $id: $(wait_job "$id")"
done
# Hot rows too: a quarter as many messages in bench.drafts, not flushed.
"$BULK" --port "$PORT" --server-pid "$KALAM_SERVER_PID" --user root --password bench123 \
  --users "$USERS" --rows-per-user $((ROWS / 4)) --table bench.drafts | grep -E '^   loaded' || true

LOAD_ARGS=(--port "$PORT" --user root --password bench123 --server-pid "$KALAM_SERVER_PID"
  --mode insert --clients 1 --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP")
p99_of() { sed -n 's/^   latency us:.* p99 \([0-9]*\) .*/\1/p' "$1" | head -n1; }

echo
echo "== INSERT, open loop ${RATE}/s, no backup"
"$LOAD" "${LOAD_ARGS[@]}" >"$TMP/base.out" 2>&1 || { cat "$TMP/base.out"; exit 1; }
grep -E '^   (throughput|latency)' "$TMP/base.out"

echo
echo "== INSERT, open loop ${RATE}/s, backups running back to back"
"$LOAD" "${LOAD_ARGS[@]}" >"$TMP/during.out" 2>&1 &
LOAD_PID=$!
n=0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  n=$((n + 1))
  id=$(sql "BACKUP DATABASE bench TO '$TMP/backup-$n'" | grep -o 'BK-[0-9a-f]*' | head -n1)
  [[ -z "$id" ]] && { echo "BACKUP refused"; break; }
  status=$(wait_job "$id")
  echo "   backup $n ($id) $status: $(job_field "$id" message)"
  # Kept until the exit: deleting ~600 files right before the next backup made ext4 scan its
  # recently freed inodes on every file and directory that backup created (perf: a quarter of
  # the server's CPU in find_inode_bit/recently_deleted), which a server does not usually see.
done
wait "$LOAD_PID" || { cat "$TMP/during.out"; exit 1; }
grep -E '^   (throughput|latency)' "$TMP/during.out"

base=$(p99_of "$TMP/base.out")
during=$(p99_of "$TMP/during.out")
echo
echo "== summary: INSERT p99 ${base} us without a backup, ${during} us during backups ($(
  python3 -c "print(f'{$during / max($base, 1):.2f}x')"); goal <= 2x)"

#!/usr/bin/env bash
# Server CPU per request, A/B (bench/README.md "Server CPU per request"): for each kalamdb-server
# binary given, in turn and for several rounds (so that a busy machine weighs on every build
# alike), starts it on a free loopback port with a 1000-row table and runs bench_http_load:
#   w1    INSERT, 1 client            w2    INSERT, 8 clients
#   r1    last 20 rows, 1 client      r1x8  last 20 rows, 8 clients
#   r3    primary-key lookup, 1 client
# then prints, per workload and binary, the medians of throughput, p50, p99 and the server's CPU
# per request (from /proc, so a poll or a spin counts). With --perf, also records each run with
# `perf record -g` (cpu-clock) into OUT/<name>_<round>/<workload>.perf.data.
#
# Usage: bench/run_request_cpu.sh [--rounds N] [--duration S] [--out DIR] [--perf] NAME=BINARY...
# Env: LOAD (default build/release/bench/bench_http_load).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOAD="${LOAD:-$ROOT/build/release/bench/bench_http_load}"
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

ROUNDS=3
DURATION=3
OUT=""
PERF=0
SERVERS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --perf) PERF=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *=*) SERVERS+=("$1"); shift ;;
    *) echo "unknown argument: $1 (servers are NAME=BINARY)" >&2; exit 64 ;;
  esac
done
[[ ${#SERVERS[@]} -gt 0 ]] || { echo "give at least one NAME=BINARY" >&2; exit 64; }
[[ -x "$LOAD" ]] || { echo "missing $LOAD; build bench_http_load" >&2; exit 1; }
OUT="${OUT:-$(mktemp -d /tmp/kalam_request_cpu.XXXXXX)}"
mkdir -p "$OUT"
TMP="$(mktemp -d /tmp/kalam_request_cpu_srv.XXXXXX)"
trap 'kalam_stop_server; rm -rf "$TMP"' EXIT

COLS="id, conversation_id, role, body, created_at"
one_server() {  # NAME BINARY DIR
  local name="$1" binary="$2" dir="$3" data="$TMP/$1"
  rm -rf "$data"
  kalam_start_server "$binary" "$data" KALAMDB_ROOT_PASSWORD=bench123 KALAMDB_AUTH_BCRYPT_COST=4 \
    KALAMDB_LOG_LEVEL=warn KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0 || exit 1
  local pid="$KALAM_SERVER_PID" port="$KALAM_SERVER_PORT"
  local middle
  middle=$(python3 - "$port" <<'PY'
import base64, json, sys, urllib.request
port = sys.argv[1]
auth = "Basic " + base64.b64encode(b"root:bench123").decode()
def sql(text):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/api/sql", data=json.dumps({"sql": text}).encode(),
                                 headers={"Authorization": auth})
    return json.load(urllib.request.urlopen(req))["results"][-1]
sql("CREATE NAMESPACE IF NOT EXISTS bench; CREATE USER TABLE bench.r (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), "
    "conversation_id TEXT, role TEXT, body TEXT, created_at TIMESTAMP DEFAULT NOW()) FLUSH ROW_THRESHOLD 999999")
body = "x" * 200
sql("INSERT INTO bench.r (conversation_id, role, body) VALUES " +
    ", ".join(f"('conv-{i % 10}', 'user', '{body}')" for i in range(1000)))
print(sql("SELECT id FROM bench.r ORDER BY _seq LIMIT 1 OFFSET 500")["rows"][0][0])
PY
)
  local r1="SELECT $COLS FROM bench.r ORDER BY _seq DESC LIMIT 20"
  local r3="SELECT $COLS FROM bench.r WHERE id = $middle"
  run() {
    local workload="$1" perf_pid=""
    shift
    if [[ "$PERF" == 1 ]]; then
      perf record -F 2000 -e cpu-clock -g -p "$pid" -o "$dir/$workload.perf.data" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    "$LOAD" --port "$port" --user root --password bench123 --server-pid "$pid" --duration "$DURATION" --warmup 1 \
      "$@" >"$dir/$workload.txt" 2>&1 || true
    if [[ -n "$perf_pid" ]]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  }
  run w1 --mode insert --clients 1
  run w2 --mode insert --clients 8
  run r1 --mode select --table bench.r --sql "$r1" --clients 1
  run r3 --mode select --table bench.r --sql "$r3" --clients 1
  run r1x8 --mode select --table bench.r --sql "$r1" --clients 8
  kalam_stop_server
}

for round in $(seq 1 "$ROUNDS"); do
  for spec in "${SERVERS[@]}"; do
    name="${spec%%=*}"
    mkdir -p "$OUT/${name}_$round"
    echo "# round $round $name, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    one_server "$name" "${spec#*=}" "$OUT/${name}_$round"
  done
done

python3 - "$OUT" <<'PY'
import glob, os, re, statistics, sys
out = sys.argv[1]
runs = {}
for path in glob.glob(f"{out}/*_*/*.txt"):
    name = os.path.basename(os.path.dirname(path)).rsplit("_", 1)[0]
    text = open(path).read()
    found = [re.search(p, text) for p in (r"throughput (\d+)", r"p50 (\d+)", r"p99 (\d+)", r"server CPU ([\d.]+)")]
    if all(found):
        runs.setdefault((os.path.basename(path)[:-4], name), []).append([float(m.group(1)) for m in found])
print(f"{'workload':8} {'server':10} {'runs':>4} {'req/s':>8} {'p50 us':>7} {'p99 us':>7} {'CPU us/req':>10}  (medians)")
for (workload, name), values in sorted(runs.items()):
    med = [statistics.median(v[i] for v in values) for i in range(4)]
    print(f"{workload:8} {name:10} {len(values):4} {med[0]:8.0f} {med[1]:7.0f} {med[2]:7.0f} {med[3]:10.1f}")
PY
echo "# per-run outputs in $OUT"

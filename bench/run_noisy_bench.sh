#!/usr/bin/env bash
# Noisy-neighbour benchmark (issue 9): for each server binary given, starts it on a free loopback
# port with a temporary data directory, measures the single-client INSERT with no noise
# (bench_http_load, closed loop), then bench_noisy without noise (the victim alone) and with it
# (one user's heavy statements and a stream of wrong-password logins against another user's
# INSERT, SELECT, /health and WebSocket delivery),
# stops it, and finally prints one table with every server side by side and the ratio new/baseline.
# Everything it starts is stopped on exit, also on Ctrl+C or an error.
#
# Usage: bench/run_noisy_bench.sh [--baseline OLD_SERVER] [--server NEW_SERVER] [--duration S]
#                                 [--warmup S] [--quiet-duration S] [--alone-duration S]
#                                 [-- bench_noisy options...]
#   --baseline PATH      the server binary to compare against (e.g. /work/wt/bench-baseline/kalamdb-server)
#   --server PATH        the server binary under test (default $BUILD_DIR/kalamdb-server)
#   --duration S         measured seconds of the noisy run per server (default 60)
#   --warmup S           seconds of noise before the measured window (default 5)
#   --quiet-duration S   measured seconds of the no-noise INSERT run (default 10; 0 skips it)
#   --alone-duration S   measured seconds of a bench_noisy run without noise, before the noisy one,
#                        so the machine's own jitter can be told from the noise's (default 15; 0 skips it)
#   after --, options passed to bench_noisy as they are (e.g. --statements 8 --auth-clients 0)
# Env: BUILD_DIR (default build/release) for the load tools. Build first:
#   cmake --build build/release --target bench_noisy bench_http_load kalamdb-server
# The servers run with their defaults (bcrypt cost 12, auth rate 20/s per IP, heartbeat 5 s/10 s)
# except the per-user query rate (0 = off, so the no-noise INSERT run is not capped at 1000/s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
LOAD="$BUILD_DIR/bench/bench_http_load"
NOISY="$BUILD_DIR/bench/bench_noisy"
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

BASELINE=""
SERVER="$BUILD_DIR/kalamdb-server"
DURATION=60
WARMUP=5
QUIET_DURATION=10
ALONE_DURATION=15
NOISY_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) BASELINE="$2"; shift 2 ;;
    --server) SERVER="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --quiet-duration) QUIET_DURATION="$2"; shift 2 ;;
    --alone-duration) ALONE_DURATION="$2"; shift 2 ;;
    --) shift; NOISY_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

LABELS=()
BINARIES=()
if [[ -n "$BASELINE" ]]; then LABELS+=(baseline); BINARIES+=("$BASELINE"); fi
LABELS+=(server)
BINARIES+=("$SERVER")
for binary in "${BINARIES[@]}" "$LOAD" "$NOISY"; do
  if [[ ! -x "$binary" ]]; then
    echo "missing $binary; build with: cmake --build $BUILD_DIR --target bench_noisy bench_http_load kalamdb-server" >&2
    exit 1
  fi
done

TMP="$(mktemp -d /tmp/kalam_noisy_bench.XXXXXX)"
cleanup() {
  local status=$?
  kalam_stop_server
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# machine: $(nproc) CPU(s), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
echo "# noisy run: ${DURATION}s measured after ${WARMUP}s of noise; no-noise INSERT: ${QUIET_DURATION}s; victim alone: ${ALONE_DURATION}s"

STATUS=0
declare -A FIGURE  # FIGURE[label:key] = value
for i in "${!LABELS[@]}"; do
  label="${LABELS[$i]}"
  binary="${BINARIES[$i]}"
  echo
  echo "######## $label: $binary"
  kalam_start_server "$binary" "$TMP/$label" KALAMDB_ROOT_PASSWORD=bench123 KALAMDB_LOG_LEVEL=warn \
    KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0 || exit 1
  echo "# pid $KALAM_SERVER_PID on 127.0.0.1:$KALAM_SERVER_PORT"
  if [[ "$QUIET_DURATION" != 0 ]]; then
    out="$("$LOAD" --port "$KALAM_SERVER_PORT" --user root --password bench123 --server-pid "$KALAM_SERVER_PID" \
      --mode insert --clients 1 --duration "$QUIET_DURATION" --warmup 2)" || STATUS=1
    echo "$out"
    FIGURE[$label:quiet_insert_p50_us]="$(echo "$out" | sed -n 's/.*latency us: p50 \([0-9]*\).*/\1/p')"
    FIGURE[$label:quiet_insert_p99_us]="$(echo "$out" | sed -n 's/.*latency us:.* p99 \([0-9]*\) .*/\1/p')"
  fi
  if [[ "$ALONE_DURATION" != 0 ]]; then
    echo "# the victim alone (no noise):"
    out="$("$NOISY" --port "$KALAM_SERVER_PORT" --admin-password bench123 --server-pid "$KALAM_SERVER_PID" \
      --duration "$ALONE_DURATION" --warmup 0 "${NOISY_ARGS[@]}" --statements 0 --auth-clients 0)" || STATUS=1
    echo "$out"
    for pair in $(echo "$out" | sed -n 's/^summary: //p'); do
      FIGURE[$label:alone_${pair%%=*}]="${pair#*=}"
    done
  fi
  echo "# with the noise:"
  out="$("$NOISY" --port "$KALAM_SERVER_PORT" --admin-password bench123 --server-pid "$KALAM_SERVER_PID" \
    --duration "$DURATION" --warmup "$WARMUP" "${NOISY_ARGS[@]}")" || STATUS=1
  echo "$out"
  for pair in $(echo "$out" | sed -n 's/^summary: //p'); do
    FIGURE[$label:${pair%%=*}]="${pair#*=}"
  done
  if kill -0 "$KALAM_SERVER_PID" 2>/dev/null; then
    FIGURE[$label:server_survived]=yes
  else
    FIGURE[$label:server_survived]=NO
    echo "# the server died; its stderr:"; tail -n 20 "$TMP/$label/server.err"
  fi
  kalam_stop_server
done

echo
echo "######## summary (victim = the other user; latencies in µs, open loop from the scheduled time)"
# *_failed = errors + timed out + never sent (see bench_noisy's header).
KEYS=(quiet_insert_p50_us quiet_insert_p99_us alone_insert_p50_us alone_insert_p99_us alone_delivery_p99_us
      alone_health_p99_us insert_p50_us insert_p99_us insert_failed select_p50_us select_p99_us
      select_failed health_p50_us health_p99_us health_max_us health_failed delivery_p50_us delivery_p99_us
      delivery_lost ws_dropped rss_max_mb server_survived)
header="$(printf '%-22s' metric)"
for label in "${LABELS[@]}"; do header+="$(printf ' %14s' "$label")"; done
[[ ${#LABELS[@]} == 2 ]] && header+="$(printf ' %14s' 'server/baseline')"
echo "$header"
for key in "${KEYS[@]}"; do
  line="$(printf '%-22s' "$key")"
  for label in "${LABELS[@]}"; do line+="$(printf ' %14s' "${FIGURE[$label:$key]:-?}")"; done
  if [[ ${#LABELS[@]} == 2 ]]; then
    line+="$(awk -v a="${FIGURE[baseline:$key]:-}" -v b="${FIGURE[server:$key]:-}" 'BEGIN {
      if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + 0 > 0) printf " %14.3f", b / a; else printf " %14s", "-" }')"
  fi
  echo "$line"
done
echo "goal (server): insert_p99_us <= 5000 with insert_failed 0, ws_dropped 0; quiet_insert_p50_us at most 10 µs above the baseline's"
exit "$STATUS"

#!/usr/bin/env bash
# STREAM tables benchmark (issue 13): starts kalamdb-server on a free loopback port with a
# temporary data directory and runs
#   1. typing indicators: bench_live --mode latency --stream, --users users (default 1000) each
#      subscribed to their own rows of a STREAM table, --typing-rate writes/s (default 5000) open
#      loop for --duration s, written as root through EXECUTE AS USER: write->subscriber
#      p50/p99, lost, server CPU per write;
#   2. streamed AI answers: the same at --tokens-rate writes/s (default 20000 = 1000
#      conversations x 20 chunks/s), all from --service-conns HTTP connections (default 1, the
#      one service connection of the issue);
#   3. bench_stream (in-process): bytes per buffered 100-byte row and the eviction pass over
#      --evict-users x --evict-rows rows (default 1000 x 1000 = 1M);
#   4. with --with-postgres: PostgreSQL 15 LISTEN/NOTIFY, the same fan-out as 1 (one listener
#      connection per user, LISTEN on its own channel, insert-free pg_notify at the typing
#      rate) with bench_pg_notify (needs libpq-dev at configure time and postgresql-15).
# Everything it starts is stopped on exit, also on Ctrl+C or an error.
#
# Usage: bench/run_stream_bench.sh [--users N] [--typing-rate R] [--tokens-rate R] [--duration S]
#                                  [--service-conns C] [--evict-users U] [--evict-rows R]
#                                  [--with-postgres]
# Env: BUILD_DIR (default build/release). Build first:
#   cmake --build build/release --target kalamdb-server bench_live bench_stream
# The server runs with the per-user query and message rates off, auth verification rate off and
# bcrypt cost 4 (setup of 1000 users), everything else at its defaults.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
SERVER="$BUILD_DIR/kalamdb-server"
LIVE="$BUILD_DIR/bench/bench_live"
STREAM="$BUILD_DIR/bench/bench_stream"
PG_NOTIFY="$BUILD_DIR/bench/bench_pg_notify"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
WITH_POSTGRES=0
# shellcheck source=server_lib.sh
source "$ROOT/bench/server_lib.sh"

USERS=1000
TYPING_RATE=5000
TOKENS_RATE=20000
DURATION=10
SERVICE_CONNS=1
EVICT_USERS=1000
EVICT_ROWS=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --typing-rate) TYPING_RATE="$2"; shift 2 ;;
    --tokens-rate) TOKENS_RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --service-conns) SERVICE_CONNS="$2"; shift 2 ;;
    --evict-users) EVICT_USERS="$2"; shift 2 ;;
    --evict-rows) EVICT_ROWS="$2"; shift 2 ;;
    --with-postgres) WITH_POSTGRES=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
for binary in "$SERVER" "$LIVE" "$STREAM"; do
  if [[ ! -x "$binary" ]]; then
    echo "missing $binary; build with: cmake --build $BUILD_DIR --target kalamdb-server bench_live bench_stream" >&2
    exit 1
  fi
done

TMP="$(mktemp -d /tmp/kalam_stream_bench.XXXXXX)"
cleanup() {
  local status=$?
  kalam_stop_server
  kalam_stop_postgres
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
kalam_start_server "$SERVER" "$TMP/server" \
  KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0 KALAMDB_RATE_LIMIT_MAX_MESSAGES_PER_SEC=0 \
  KALAMDB_RATE_LIMIT_MAX_AUTH_REQUESTS_PER_IP_PER_SEC=0 KALAMDB_AUTH_BCRYPT_COST=4 \
  KALAMDB_ROOT_PASSWORD=kalamdb123 KALAMDB_LOGGING_LEVEL=warn
echo "# kalamdb-server pid $KALAM_SERVER_PID on 127.0.0.1:$KALAM_SERVER_PORT"
COMMON=(--port "$KALAM_SERVER_PORT" --user root --password kalamdb123 --server-pid "$KALAM_SERVER_PID"
        --users "$USERS" --duration "$DURATION" --stream)

echo "## 1. typing indicators: $USERS users, $TYPING_RATE writes/s"
"$LIVE" --mode latency "${COMMON[@]}" --rate "$TYPING_RATE" --http-conns 8 || echo "(bench_live exit $?)"
echo "## 2. streamed AI answers: $USERS conversations, $TOKENS_RATE writes/s from $SERVICE_CONNS connection(s)"
"$LIVE" --mode latency "${COMMON[@]}" --rate "$TOKENS_RATE" --http-conns "$SERVICE_CONNS" || echo "(bench_live exit $?)"
kalam_stop_server
echo "## 3. memory and eviction (in-process)"
"$STREAM" --users "$EVICT_USERS" --rows "$EVICT_ROWS"

if [[ "$WITH_POSTGRES" == 1 ]]; then
  if [[ ! -x "$PG_NOTIFY" ]]; then
    echo "--with-postgres: needs $PG_NOTIFY (configure with libpq-dev)" >&2
    exit 1
  fi
  # One listener connection per user, plus room for the notifying ones.
  kalam_start_postgres "$TMP" $((USERS + 50)) || exit 1
  PG_PORT="$KALAM_PG_PORT"
  echo "## 4. PostgreSQL 15 LISTEN/NOTIFY: $USERS listeners, $TYPING_RATE notifications/s"
  "$PG_NOTIFY" --conninfo "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" --listeners "$USERS" \
    --rate "$TYPING_RATE" --duration "$DURATION" --conns 8 || echo "(bench_pg_notify exit $?)"
fi

# Sourced by the bench scripts: start and stop one kalamdb-server on a free loopback port.
#
# kalam_start_server BINARY DIR [NAME=VALUE ...]
#   Starts BINARY with --data-dir DIR/data on 127.0.0.1 --port 0 (the OS picks the port), with the
#   given environment added, stdout/stderr in DIR/server.out and DIR/server.err. Waits for its
#   `listening on` line (30 s). Sets KALAM_SERVER_PID and KALAM_SERVER_PORT; returns 1 (after
#   printing the server's output) if it exits or does not listen in time.
# kalam_stop_server
#   SIGTERM, up to 10 s for a clean exit, then SIGKILL. Safe to call twice or with no server.

KALAM_SERVER_PID=""
KALAM_SERVER_PORT=""

kalam_start_server() {
  local binary="$1" dir="$2"
  shift 2
  mkdir -p "$dir"
  env "$@" "$binary" --data-dir "$dir/data" --host 127.0.0.1 --port 0 >"$dir/server.out" 2>"$dir/server.err" &
  KALAM_SERVER_PID=$!
  KALAM_SERVER_PORT=""
  for _ in $(seq 1 300); do
    if ! kill -0 "$KALAM_SERVER_PID" 2>/dev/null; then
      echo "kalamdb-server ($binary) exited during startup:" >&2
      cat "$dir/server.out" "$dir/server.err" >&2
      KALAM_SERVER_PID=""
      return 1
    fi
    KALAM_SERVER_PORT="$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$dir/server.out" | head -n1)"
    [[ -n "$KALAM_SERVER_PORT" ]] && return 0
    sleep 0.1
  done
  echo "kalamdb-server ($binary) did not print 'listening on' within 30 s" >&2
  return 1
}

kalam_stop_server() {
  if [[ -n "$KALAM_SERVER_PID" ]] && kill -0 "$KALAM_SERVER_PID" 2>/dev/null; then
    kill -TERM "$KALAM_SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$KALAM_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$KALAM_SERVER_PID" 2>/dev/null || true
    wait "$KALAM_SERVER_PID" 2>/dev/null || true
  fi
  KALAM_SERVER_PID=""
}

# kalam_start_postgres DIR [MAX_CONNECTIONS]
#   Starts a throw-away PostgreSQL 15 (PG_BIN, default /usr/lib/postgresql/15/bin) owned by the
#   postgres user, data in DIR/pg/data, on a free loopback port with synchronous_commit=off and
#   MAX_CONNECTIONS connections (default 50), and creates database `bench`. Sets KALAM_PG_PORT and KALAM_PG_DIR; returns 1 if PostgreSQL 15 or
#   pgbench is missing.
# kalam_stop_postgres
#   Immediate shutdown of what kalam_start_postgres started. Safe to call twice or with none.
KALAM_PG_PORT=""
KALAM_PG_DIR=""

kalam_start_postgres() {
  local dir="$1" max_connections="${2:-50}" bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
  if [[ ! -x "$bin/postgres" ]] || ! command -v pgbench >/dev/null || ! id postgres >/dev/null 2>&1; then
    echo "PostgreSQL 15 not found (apt-get install postgresql-15)" >&2
    return 1
  fi
  mkdir -p "$dir/pg"
  chown postgres "$dir" "$dir/pg"
  KALAM_PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$bin/initdb" -D "$dir/pg/data" --auth=trust -U postgres >"$dir/pg/initdb.log" 2>&1
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$KALAM_PG_PORT -c unix_socket_directories=$dir/pg -c synchronous_commit=off -c max_connections=$max_connections" \
    start >/dev/null
  KALAM_PG_DIR="$dir/pg"
  psql -q -h 127.0.0.1 -p "$KALAM_PG_PORT" -U postgres -c 'CREATE DATABASE bench' >/dev/null
}

kalam_stop_postgres() {
  if [[ -n "$KALAM_PG_DIR" ]]; then
    runuser -u postgres -- "${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_ctl" -D "$KALAM_PG_DIR/data" -m immediate stop \
      >/dev/null 2>&1 || true
  fi
  KALAM_PG_DIR=""
}

# kalam_pgbench_latency LOG_DIR
#   Prints "   latency us:  p50 …  p90 …  p99 …  p99.9 …  max …" from the per-transaction logs
#   pgbench -l wrote into LOG_DIR (third field: latency in µs), in bench_http_load's format.
kalam_pgbench_latency() {
  cat "$1"/tx* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "   latency: no samples"; exit }
      split("50 90 99 99.9", ps, " "); line = "   latency us:"
      for (i = 1; i <= 4; i++) { r = int(ps[i] / 100 * NR + 0.999999); if (r < 1) r = 1; line = line sprintf("  p%s %d", ps[i], v[r]) }
      print line sprintf("  max %d", v[NR])
    }'
}

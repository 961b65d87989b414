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

#!/usr/bin/env python3
"""Flush and read throughput of the cold tier on an s3 storage (s3rver on loopback) against a
filesystem storage on local disk, through the real server (docs/object-storage.md).

    python3 bench/s3_bench.py [--server build/release/kalamdb-server] [--rows 50000]
                              [--runs 3]

For each storage kind and run: a fresh server and data directory, one SHARED table of
`rows` rows (id BIGINT, body TEXT of 200 bytes) inserted in 1000-row statements, then
  flush  FLUSH TABLE until its job completed (rows moved to one Parquet segment),
  cold   the first full read after a restart (s3: the segment is fetched into the empty cache),
  warm   the same read again (s3: from the cache).
The read is SELECT count(*), sum(length(body)) FROM the table. Medians over the runs are
printed with the s3/local ratio. s3rver stores objects on the same local disk, so the s3
figures add the S3 protocol (signing, HTTP, s3rver's Node.js store) to the local ones, not a
network's latency.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTH = "Basic cm9vdDprYWxhbWRiMTIz"  # root:kalamdb123


def start(cmd, env=None, marker="listening on http://"):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    for line in proc.stdout:
        if marker in line:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # keep draining
            return proc, int(re.search(r":(\d+)", line[line.index(marker) + len(marker):]).group(1))
    raise RuntimeError("did not start: " + " ".join(cmd))


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def sql(port, text):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/api/sql", data=json.dumps({"sql": text}).encode(),
                                 headers={"Authorization": AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read())


def first_row(answer):
    return answer["results"][0]["rows"][0]


def wait_flush(port):
    while True:
        rows = sql(port, "SELECT count(*) FROM system.jobs WHERE job_type = 'flush' AND status IN "
                         "('new', 'queued', 'running', 'retrying')")
        if str(first_row(rows)[0]) == "0":
            return
        time.sleep(0.02)


def one_run(server_bin, kind, rows, s3_endpoint, bucket):
    data = tempfile.mkdtemp(prefix="kalam_s3_bench_")
    env = dict(os.environ, KALAMDB_ROOT_PASSWORD="kalamdb123", KALAMDB_LOG_LEVEL="warn",
               KALAMDB_LIMITS_MAX_WRITE_ROWS="1000000")
    cmd = [server_bin, "--data-dir", data + "/data", "--host", "127.0.0.1", "--port", "0"]
    try:
        server, port = start(cmd, env)
        if kind == "s3":
            sql(port, f"CREATE STORAGE bench TYPE s3 PATH 's3://{bucket}/{os.path.basename(data)}' "
                      f"CONFIG '{{\"endpoint\": \"{s3_endpoint}\", \"path_style\": true}}' "
                      "CREDENTIALS '{\"access_key_id\": \"S3RVER\", \"secret_access_key\": \"S3RVER\"}'")
        else:
            sql(port, f"CREATE STORAGE bench TYPE filesystem PATH '{data}/cold'")
        sql(port, "CREATE NAMESPACE app")
        sql(port, "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, body TEXT) STORAGE bench")
        body = "x" * 200
        for start_id in range(0, rows, 1000):
            values = ", ".join(f"({i}, '{body}{i}')" for i in range(start_id, min(rows, start_id + 1000)))
            sql(port, "INSERT INTO app.t (id, body) VALUES " + values)
        t0 = time.perf_counter()
        sql(port, "FLUSH TABLE app.t")
        wait_flush(port)
        flush_s = time.perf_counter() - t0
        stop(server)
        server, port = start(cmd, env)
        query = "SELECT count(*), sum(length(body)) FROM app.t"
        t0 = time.perf_counter()
        counted = first_row(sql(port, query))
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        sql(port, query)
        warm_s = time.perf_counter() - t0
        stats = sql(port, "SHOW STATS FOR TABLE app.t")
        stop(server)
        assert str(counted[0]) == str(rows), counted
        return flush_s, cold_s, warm_s, json.dumps(stats["results"][0]["rows"][0])
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default=os.path.join(ROOT, "build/release/kalamdb-server"))
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    s3_dir = tempfile.mkdtemp(prefix="kalam_s3rver_")
    bucket = "kalam-bench"
    s3, s3_port = start(["node", os.path.join(ROOT, "tests/s3/test_server.js"), s3_dir, bucket])
    results = {"local": [], "s3": []}
    try:
        for _ in range(args.runs):
            for kind in ("local", "s3"):
                results[kind].append(one_run(args.server, kind, args.rows, f"http://127.0.0.1:{s3_port}", bucket))
    finally:
        stop(s3)
        shutil.rmtree(s3_dir, ignore_errors=True)
    print(f"rows={args.rows} runs={args.runs} (medians; rows/s in parentheses)")
    print(f"{'':8}{'flush s':>18}{'cold read s':>22}{'warm read s':>22}")
    med = {}
    for kind in ("local", "s3"):
        med[kind] = [statistics.median(r[i] for r in results[kind]) for i in range(3)]
        cells = "".join(f"{m:>10.3f} ({args.rows / m:>9.0f})" for m in med[kind])
        print(f"{kind:8}{cells}")
    print(f"{'s3/local':8}" + "".join(f"{med['s3'][i] / med['local'][i]:>19.2f}x  " for i in range(3)))
    print("stats (s3, last run):", results["s3"][-1][3])


if __name__ == "__main__":
    main()

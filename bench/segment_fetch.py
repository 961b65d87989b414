#!/usr/bin/env python3
"""Latency of fetching one Parquet-sized object from an S3-compatible server (docs/scale-out.md).

Uploads a random object of each size once, then GETs it `iterations` times over one keep-alive
HTTP connection and prints p50/p99, next to reading the same bytes from a local file. Requests
are unsigned, so the server must accept anonymous access (s3rver does):

    npx s3rver -d /tmp/s3data -a 127.0.0.1 -p 45679 --configure-bucket seg &
    python3 bench/segment_fetch.py 127.0.0.1:45679 seg [iterations]
"""
import http.client
import os
import statistics
import sys
import tempfile
import time


def percentiles(times):
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main():
    host, port = sys.argv[1].split(":")
    bucket = sys.argv[2]
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    conn = http.client.HTTPConnection(host, int(port))
    print(f"{iterations} sequential fetches each, ms")
    print("| segment size | object store GET p50 | p99 | local file read p50 | p99 |")
    print("|---|---|---|---|---|")
    for size in (64 << 10, 1 << 20, 8 << 20):
        body = os.urandom(size)
        key = f"/{bucket}/bench/batch-{size}.parquet"
        conn.request("PUT", key, body)
        conn.getresponse().read()
        remote = []
        for _ in range(iterations):
            start = time.perf_counter_ns()
            conn.request("GET", key)
            got = conn.getresponse().read()
            remote.append((time.perf_counter_ns() - start) / 1e6)
            assert len(got) == size
        local = []
        with tempfile.NamedTemporaryFile() as f:
            f.write(body)
            f.flush()
            for _ in range(iterations):
                start = time.perf_counter_ns()
                with open(f.name, "rb") as r:
                    r.read()
                local.append((time.perf_counter_ns() - start) / 1e6)
        r50, r99 = percentiles(remote)
        l50, l99 = percentiles(local)
        print(f"| {size >> 10} KiB | {r50:.2f} | {r99:.2f} | {l50:.2f} | {l99:.2f} |")


if __name__ == "__main__":
    main()

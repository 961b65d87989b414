#!/usr/bin/env python3
"""Round trips to a running etcd v3 (docs/scale-out.md, "Measured here").

Times, one request at a time over one keep-alive HTTP connection to etcd's JSON gateway, the
operations the scale-out plan puts on a request's or a node's path: a shard-map read
(linearizable and serializable), a write, the compare-and-swap that moves a user between
shards, and a lease grant and keep-alive. Python's own cost (~0.1 ms) is included, so the
figures are upper bounds for a C++ client over gRPC.

    etcd --data-dir /tmp/e --listen-client-urls http://127.0.0.1:23791 \
         --advertise-client-urls http://127.0.0.1:23791 &
    python3 bench/etcd_round_trips.py 127.0.0.1:23791 [iterations]
"""
import base64
import http.client
import json
import statistics
import sys
import time


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    def __init__(self, endpoint):
        host, port = endpoint.split(":")
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, path, body):
        self.conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {data!r}")
        return json.loads(data or b"{}")


def measure(name, fn, iterations):
    fn(0)  # warm-up
    times = []
    for i in range(iterations):
        start = time.perf_counter_ns()
        fn(i)
        times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"| {name} | {p50:,.0f} | {p99:,.0f} |")


def main():
    endpoint = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:2379"
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    etcd = Etcd(endpoint)
    shard_key = b64("/kalamdb/shards/users/alice")
    etcd.call("/v3/kv/put", {"key": shard_key, "value": b64('{"shard":1,"epoch":1}')})
    print(f"etcd at {endpoint}, {iterations} sequential requests each, µs")
    print("| operation | p50 µs | p99 µs |")
    print("|---|---|---|")
    measure("shard map read, linearizable (range)",
            lambda i: etcd.call("/v3/kv/range", {"key": shard_key}), iterations)
    measure("shard map read, serializable (range)",
            lambda i: etcd.call("/v3/kv/range", {"key": shard_key, "serializable": True}), iterations)
    measure("write one key (put, fsynced by etcd)",
            lambda i: etcd.call("/v3/kv/put", {"key": b64(f"/kalamdb/bench/{i}"), "value": b64("x" * 64)}),
            iterations)

    def move_user(i):
        # Compare-and-swap on the entry's mod revision: the step that hands a user to a new shard.
        current = etcd.call("/v3/kv/range", {"key": shard_key})["kvs"][0]
        etcd.call("/v3/kv/txn", {
            "compare": [{"key": shard_key, "target": "MOD", "result": "EQUAL",
                         "mod_revision": current["mod_revision"]}],
            "success": [{"request_put": {"key": shard_key, "value": b64(json.dumps({"shard": i % 4, "epoch": i}))}}],
        })

    measure("move a user: read + compare-and-swap txn", move_user, iterations)
    lease = {}

    def grant(i):
        lease["id"] = etcd.call("/v3/lease/grant", {"TTL": 10})["ID"]

    measure("node lease grant (TTL 10 s)", grant, iterations)
    measure("node lease keep-alive", lambda i: etcd.call("/v3/lease/keepalive", {"ID": lease["id"]}), iterations)


if __name__ == "__main__":
    main()

"""GET /metrics against the real server, read with prometheus_client's own text parser."""

import base64
import os
import socket
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from harness import DEADLINE, ROOT_PASSWORD, Server  # noqa: E402

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

import ws_raw  # noqa: E402


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def get(server, path, headers=None):
    req = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=DEADLINE) as res:
            return res.status, res.headers.get("Content-Type"), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def scrape(server):
    status, content_type, text = get(server, "/metrics")
    assert status == 200, (status, text)
    assert content_type.startswith("text/plain; version=0.0.4"), content_type
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(families, family, sample_name, **labels):
    """The value of the one sample named `sample_name` whose labels include `labels`; 0 when none."""
    total = 0.0
    for sample in families[family].samples:
        if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
            total += sample.value
    return total


def duration_family():
    return "kalamdb_http_request_duration_seconds"


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_requests_errors_flushes_and_sizes_parse_as_prometheus_text(self):
        s = self.server
        s.sql("CREATE NAMESPACE app")
        s.sql("CREATE USER TABLE app.notes (id BIGINT PRIMARY KEY, body TEXT) WITH (FLUSH_POLICY = 'rows:1000')")
        for i in range(5):
            s.sql("INSERT INTO app.notes (id, body) VALUES (%d, 'n%d')" % (i, i))
        s.sql("SELECT * FROM app.notes")
        status, _ = s.request("POST", "/v1/api/sql", {"sql": "SELEC nonsense"},
                              {"Authorization": basic("root", ROOT_PASSWORD)})
        self.assertEqual(status, 400)
        status, _ = s.request("POST", "/v1/api/sql", {"sql": "SELECT 1"}, {"Authorization": basic("root", "wrong")})
        self.assertEqual(status, 401)

        body = s.sql("FLUSH TABLE app.notes")
        job_id = body["results"][0]["message"].split("Job ID: ")[1]
        deadline = time.monotonic() + DEADLINE
        while True:
            rows = s.sql("SELECT status FROM system.jobs WHERE job_id = '%s'" % job_id)["results"][0]["rows"]
            if rows and rows[0][0] == "completed":
                break
            self.assertLess(time.monotonic(), deadline, "flush job did not complete")
            time.sleep(0.05)

        m = scrape(s)
        duration = "kalamdb_http_request_duration_seconds"
        self.assertEqual(m[duration].type, "histogram")
        self.assertGreaterEqual(value(m, duration, duration + "_count", route="sql", statement="insert"), 5)
        self.assertGreaterEqual(value(m, duration, duration + "_count", route="sql", statement="select"), 1)
        self.assertGreaterEqual(value(m, duration, duration + "_count", route="sql", statement="ddl"), 2)
        inf = value(m, duration, duration + "_bucket", route="sql", statement="insert", le="+Inf")
        self.assertEqual(inf, value(m, duration, duration + "_count", route="sql", statement="insert"))
        self.assertGreaterEqual(value(m, "kalamdb_http_responses", "kalamdb_http_responses_total", route="sql",
                                      status="2xx"), 8)
        self.assertGreaterEqual(value(m, "kalamdb_errors", "kalamdb_errors_total", code="INVALID_CREDENTIALS"), 1)
        self.assertGreaterEqual(sum(smp.value for smp in m["kalamdb_errors"].samples
                                    if smp.labels["code"] in ("INVALID_SQL", "SQL_EXECUTION_ERROR")), 1)

        self.assertGreaterEqual(value(m, "kalamdb_flush_rows", "kalamdb_flush_rows_total"), 5)
        self.assertGreaterEqual(value(m, "kalamdb_flush_files", "kalamdb_flush_files_total"), 1)
        self.assertGreaterEqual(value(m, "kalamdb_jobs_finished", "kalamdb_jobs_finished_total", type="flush",
                                      status="completed"), 1)
        self.assertGreater(value(m, "kalamdb_cold_bytes", "kalamdb_cold_bytes"), 0)
        self.assertGreater(value(m, "kalamdb_hot_bytes", "kalamdb_hot_bytes"), 0)
        self.assertGreaterEqual(value(m, "kalamdb_http_connections", "kalamdb_http_connections"), 1)
        for family in ("kalamdb_websocket_connections", "kalamdb_live_subscriptions", "kalamdb_change_deliveries",
                       "kalamdb_change_delivery_lag_seconds", "kalamdb_rocksdb_write_stalls",
                       "kalamdb_rocksdb_writes_stopped", "kalamdb_rocksdb_compactions",
                       "kalamdb_rocksdb_running_compactions", "kalamdb_rocksdb_pending_compaction_bytes"):
            self.assertIn(family, m)

    def test_websocket_subscription_and_change_delivery_figures(self):
        s = self.server
        s.sql("CREATE NAMESPACE IF NOT EXISTS live")
        s.sql("CREATE SHARED TABLE live.feed (id BIGINT PRIMARY KEY, body TEXT)")
        before = value(scrape(s), "kalamdb_change_deliveries", "kalamdb_change_deliveries_total")
        with socket.create_connection(("127.0.0.1", s.port), timeout=DEADLINE) as ws:
            ws_raw.upgrade(ws, basic("root", ROOT_PASSWORD))
            self.assertEqual(ws_raw.read_json(ws)["type"], "auth_success")
            ws_raw.send_json(ws, {"type": "subscribe", "subscription": {"id": "f", "sql": "SELECT * FROM live.feed"}})
            self.assertEqual(ws_raw.read_json(ws)["type"], "subscription_ack")
            m = scrape(s)
            self.assertEqual(value(m, "kalamdb_websocket_connections", "kalamdb_websocket_connections"), 1)
            self.assertEqual(value(m, "kalamdb_live_subscriptions", "kalamdb_live_subscriptions"), 1)
            s.sql("INSERT INTO live.feed (id, body) VALUES (1, 'hello')")
            while True:
                message = ws_raw.read_json(ws)
                if message["type"] == "change":
                    break
            # The client may read the change before the delivering thread has counted it.
            lag = "kalamdb_change_delivery_lag_seconds"
            deadline = time.monotonic() + DEADLINE
            while True:
                m = scrape(s)
                if (value(m, "kalamdb_change_deliveries", "kalamdb_change_deliveries_total") == before + 1 and
                        value(m, lag, lag + "_count") >= 1):
                    break
                self.assertLess(time.monotonic(), deadline, "the delivery was not counted")
                time.sleep(0.01)
            self.assertEqual(value(m, duration_family(), duration_family() + "_count", route="websocket"), 1)

    def test_wrong_method_is_405(self):
        status, _ = self.server.request("POST", "/metrics", {})
        self.assertEqual(status, 405)


class RemoteMetricsTest(unittest.TestCase):
    """A client behind a trusted proxy is not loopback: the proxy's X-Forwarded-For names it."""

    def start(self, allow_remote):
        server = Server(extra_env={"KALAMDB_SECURITY_TRUSTED_PROXY_RANGES": "127.0.0.1/32",
                                   "KALAMDB_SECURITY_METRICS_ALLOW_REMOTE": "true" if allow_remote else "false"})
        server.start()
        self.addCleanup(server.cleanup)
        return server

    def test_remote_clients_are_refused_by_default(self):
        server = self.start(allow_remote=False)
        status, _, body = get(server, "/metrics", {"X-Forwarded-For": "10.1.2.3",
                                                   "Authorization": basic("root", ROOT_PASSWORD)})
        self.assertEqual(status, 403, body)

    def test_remote_clients_need_admin_credentials_when_allowed(self):
        server = self.start(allow_remote=True)
        server.sql("CREATE USER 'carol' WITH PASSWORD 'Carol-pass-1' ROLE user")
        remote = {"X-Forwarded-For": "10.1.2.3"}
        self.assertEqual(get(server, "/metrics", remote)[0], 401)
        self.assertEqual(get(server, "/metrics", dict(remote, Authorization=basic("carol", "Carol-pass-1")))[0], 403)
        status, _, text = get(server, "/metrics", dict(remote, Authorization=basic("root", ROOT_PASSWORD)))
        self.assertEqual(status, 200)
        self.assertIn("kalamdb_hot_bytes", {f.name for f in text_string_to_metric_families(text)})


if __name__ == "__main__":
    unittest.main()

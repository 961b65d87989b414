"""HTTPS and WSS served by the server itself (server.tls_cert_path / tls_key_path), checked with
Python's ssl module as the TLS client against a self-signed certificate made here by openssl."""

import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from harness import DEADLINE, ROOT_PASSWORD, SERVER, free_port  # noqa: E402

import ws_raw  # noqa: E402


def make_certificate(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def start_server(data_dir, port, env):
    proc = subprocess.Popen([SERVER, "--data-dir", data_dir, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + DEADLINE
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline().decode(errors="replace")
        if not line:
            proc.wait(timeout=DEADLINE)
            return proc, lines
        lines.append(line)
        if line.startswith("listening on "):
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, lines
    raise RuntimeError("server did not listen in time")


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kalam-tls-test-")
        cls.cert, cls.key = make_certificate(cls.dir)
        cls.port = free_port()
        env = dict(os.environ, KALAMDB_ROOT_PASSWORD=ROOT_PASSWORD, KALAMDB_AUTH_BCRYPT_COST="4",
                   KALAMDB_LOG_LEVEL="warn", KALAMDB_SERVER_TLS_CERT_PATH=cls.cert,
                   KALAMDB_SERVER_TLS_KEY_PATH=cls.key)
        cls.proc, lines = start_server(os.path.join(cls.dir, "data"), cls.port, env)
        assert cls.proc.poll() is None, "".join(lines)
        assert lines[-1].startswith("listening on https://127.0.0.1:"), lines
        cls.context = ssl.create_default_context(cafile=cls.cert)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=DEADLINE)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def auth(self):
        return "Basic " + base64.b64encode(("root:" + ROOT_PASSWORD).encode()).decode()

    def test_https_sql_round_trip_with_verified_certificate(self):
        req = urllib.request.Request("https://127.0.0.1:%d/v1/api/sql" % self.port,
                                     data=json.dumps({"sql": "SELECT 40 + 2 AS answer"}).encode(),
                                     headers={"Authorization": self.auth(), "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=DEADLINE, context=self.context) as res:
            body = json.loads(res.read())
        self.assertEqual(res.status, 200)
        self.assertEqual(body["results"][0]["rows"], [[42]])

    def test_https_keeps_the_connection_alive(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=DEADLINE) as raw:
            with self.context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                self.assertIn(tls.version(), ("TLSv1.2", "TLSv1.3"))
                stream = tls.makefile("rb")
                for _ in range(3):
                    tls.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    status = stream.readline()
                    self.assertTrue(status.startswith(b"HTTP/1.1 200"), status)
                    length = 0
                    while True:
                        line = stream.readline()
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                        if line in (b"\r\n", b""):
                            break
                    self.assertIn(b"healthy", stream.read(length))

    def test_plain_http_on_the_tls_port_gets_no_answer(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=DEADLINE) as raw:
            raw.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = raw.recv(4096)
            self.assertNotIn(b"healthy", data)

    def test_wss_upgrade_authenticates_and_answers_ping(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=DEADLINE) as raw:
            with self.context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                head = ws_raw.upgrade(tls, self.auth())
                self.assertTrue(head.startswith(b"HTTP/1.1 101"), head)
                self.assertEqual(ws_raw.read_json(tls)["type"], "auth_success")
                ws_raw.send_json(tls, {"type": "ping"})
                self.assertEqual(ws_raw.read_json(tls), {"type": "pong"})


class TlsConfigTest(unittest.TestCase):
    def test_a_key_without_a_certificate_stops_the_server(self):
        directory = tempfile.mkdtemp(prefix="kalam-tls-test-")
        self.addCleanup(shutil.rmtree, directory, True)
        _, key = make_certificate(directory)
        env = dict(os.environ, KALAMDB_ROOT_PASSWORD=ROOT_PASSWORD, KALAMDB_SERVER_TLS_KEY_PATH=key)
        proc, lines = start_server(os.path.join(directory, "data"), free_port(), env)
        self.assertEqual(proc.wait(timeout=DEADLINE), 1)
        self.assertIn("tls_cert_path", "".join(lines))

    def test_an_unreadable_certificate_stops_the_server(self):
        directory = tempfile.mkdtemp(prefix="kalam-tls-test-")
        self.addCleanup(shutil.rmtree, directory, True)
        _, key = make_certificate(directory)
        env = dict(os.environ, KALAMDB_ROOT_PASSWORD=ROOT_PASSWORD, KALAMDB_SERVER_TLS_KEY_PATH=key,
                   KALAMDB_SERVER_TLS_CERT_PATH=os.path.join(directory, "missing.pem"))
        proc, lines = start_server(os.path.join(directory, "data"), free_port(), env)
        self.assertEqual(proc.wait(timeout=DEADLINE), 1)
        self.assertIn("server.tls_cert_path", "".join(lines))


if __name__ == "__main__":
    unittest.main()

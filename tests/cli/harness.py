"""Shared pieces of the kalam CLI tests: a real kalamdb-server on a loopback port, the kalam
binary with a private HOME, and small HTTP helpers (standard library only)."""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

BUILD = os.environ.get("KALAM_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "release"))
SERVER = os.environ.get("KALAMDB_SERVER_BINARY", os.path.join(BUILD, "kalamdb-server"))
KALAM = os.environ.get("KALAM_BINARY", os.path.join(BUILD, "kalam"))
ROOT_PASSWORD = "kalamdb123"
DEADLINE = 60  # seconds any awaited event may take before a test fails


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """kalamdb-server on 127.0.0.1; `port` fixed so that a restart keeps the address."""

    def __init__(self, extra_env=None):
        self.data_dir = tempfile.mkdtemp(prefix="kalam-cli-test-")
        self.port = free_port()
        self.extra_env = extra_env or {}
        self.proc = None

    def start(self):
        env = dict(os.environ, KALAMDB_ROOT_PASSWORD=ROOT_PASSWORD, KALAMDB_AUTH_BCRYPT_COST="4",
                   KALAMDB_LOG_LEVEL="warn", **self.extra_env)
        self.proc = subprocess.Popen([SERVER, "--data-dir", self.data_dir, "--host", "127.0.0.1", "--port",
                                      str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode(errors="replace")
            if not line:
                raise RuntimeError("server exited before listening")
            if "listening on http://" in line:
                # Keep draining its output so it never blocks on a full pipe.
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return
        raise RuntimeError("server did not listen in time")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=DEADLINE)
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def sql(self, text, user="root", password=ROOT_PASSWORD):
        auth = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        status, body = self.request("POST", "/v1/api/sql", {"sql": text}, {"Authorization": "Basic " + auth})
        if status != 200:
            raise AssertionError("setup SQL failed: %s %s" % (status, body))
        return body

    def login(self, user="root", password=ROOT_PASSWORD):
        status, body = self.request("POST", "/v1/api/auth/login", {"user": user, "password": password})
        assert status == 200, body
        return body


class Home:
    """A private HOME for one test: the credentials file and the history live under it."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="kalam-home-")

    def env(self, **extra):
        env = dict(os.environ, HOME=self.path, NO_COLOR="1", **extra)
        env.pop("KALAM_PAGER", None)
        return env

    @property
    def kalam_dir(self):
        return os.path.join(self.path, ".kalam")

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def run_kalam(args, home, stdin=None, timeout=DEADLINE, **env):
    """Runs kalam to its end; stdout and stderr decoded without newline translation (CSV ends
    its lines with CRLF)."""
    r = subprocess.run([KALAM] + args, input=stdin.encode() if stdin is not None else None, capture_output=True,
                       env=home.env(**env), timeout=timeout)
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(), r.stderr.decode())

"""Structured JSON logs and the data directory's LOCK file, against the real server."""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from harness import DEADLINE, ROOT_PASSWORD, SERVER, free_port  # noqa: E402


class ServerOpsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kalam-ops-test-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()

    def start(self, **env):
        full_env = dict(os.environ, KALAMDB_ROOT_PASSWORD=ROOT_PASSWORD, KALAMDB_AUTH_BCRYPT_COST="4", **env)
        proc = subprocess.Popen([SERVER, "--data-dir", self.data, "--host", "127.0.0.1", "--port", str(self.port)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=full_env)
        self.addCleanup(lambda: proc.poll() is not None or (proc.terminate(), proc.wait(timeout=DEADLINE)))
        return proc

    def wait_listening(self, proc):
        lines = []
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            self.assertTrue(line, "server exited: " + "".join(lines))
            lines.append(line)
            if line.startswith("listening on "):
                return lines
        self.fail("server did not listen in time")

    def test_json_log_lines_are_json_objects_with_access_log_fields(self):
        proc = self.start(KALAMDB_LOGGING_FORMAT="json", KALAMDB_LOG_LEVEL="info")
        lines = self.wait_listening(proc)
        auth = "Basic " + base64.b64encode(("root:" + ROOT_PASSWORD).encode()).decode()
        req = urllib.request.Request("http://127.0.0.1:%d/v1/api/sql" % self.port,
                                     data=json.dumps({"sql": "SELECT 'a \"quoted\" \\\\ value'"}).encode(),
                                     headers={"Authorization": auth, "Content-Type": "application/json",
                                              "X-Request-ID": "ops-test-1"})
        with urllib.request.urlopen(req, timeout=DEADLINE) as res:
            self.assertEqual(res.status, 200)
        proc.terminate()
        out, _ = proc.communicate(timeout=DEADLINE)
        self.assertEqual(proc.returncode, 0)
        lines += out.decode().splitlines(keepends=True)
        records = [json.loads(line) for line in lines if not line.startswith("listening on ")]
        for record in records:
            self.assertEqual(set(record) >= {"ts", "level", "msg"}, True, record)
        access = [r for r in records if r["msg"] == "request" and r.get("id") == "ops-test-1"]
        self.assertEqual(len(access), 1, records)
        self.assertEqual(access[0]["level"], "info")
        self.assertEqual(access[0]["path"], "/v1/api/sql")
        self.assertEqual(access[0]["status"], "200")
        self.assertEqual(access[0]["user"], "root")
        self.assertEqual(access[0]["statements"], "SELECT")
        self.assertRegex(access[0]["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

    def test_lock_file_sits_at_the_data_directory_root(self):
        first = self.start(KALAMDB_LOG_LEVEL="warn")
        self.wait_listening(first)
        self.assertTrue(os.path.isfile(os.path.join(self.data, "LOCK")))
        second = self.start(KALAMDB_LOG_LEVEL="warn")
        out, _ = second.communicate(timeout=DEADLINE)
        self.assertEqual(second.returncode, 1)
        self.assertIn(b"data directory is locked", out)
        self.assertIsNone(first.poll())


if __name__ == "__main__":
    unittest.main()

"""kalam --subscribe: initial rows, then + ~ - lines, and a resubscription from the last seq
after a server restart, against a real kalamdb-server."""

import json
import queue
import subprocess
import threading
import time
import unittest

from harness import DEADLINE, KALAM, ROOT_PASSWORD, Home, Server


class Lines:
    """Reads a stream on a thread, so tests wait for lines with a deadline."""

    def __init__(self, stream):
        self.queue = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in iter(stream.readline, ""):
            self.queue.put(line.rstrip("\r\n"))
        self.queue.put(None)

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError("no line with %s; saw %r" % (what, self.seen))


class CliSubscribeTest(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.server.start()
        self.server.sql("CREATE NAMESPACE app; CREATE SHARED TABLE app.orders (id BIGINT PRIMARY KEY, status TEXT); "
                        "INSERT INTO app.orders VALUES (1, 'open')")
        self.home = Home()
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.server.cleanup()
        self.home.cleanup()

    def subscribe(self, *extra):
        self.proc = subprocess.Popen(
            [KALAM, "--url", self.server.url, "-u", "root", "--password", ROOT_PASSWORD,
             "--subscribe", "SELECT * FROM app.orders", "--subscription-timeout", "300"] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.home.env())
        return Lines(self.proc.stdout), Lines(self.proc.stderr)

    def test_initial_rows_then_insert_update_delete(self):
        out, _ = self.subscribe()
        out.wait_for(lambda l: l == "(1 rows)", "the initial table")
        self.assertTrue(any("| open" in l for l in out.seen), out.seen)
        self.server.sql("INSERT INTO app.orders VALUES (2, 'new')")
        line = out.wait_for(lambda l: l.startswith("+ "), "an insert")
        self.assertRegex(line, r"^\+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z id=2 status=new$")
        self.server.sql("UPDATE app.orders SET status = 'paid' WHERE id = 2")
        self.assertIn("id=2 status=paid", out.wait_for(lambda l: l.startswith("~ "), "an update"))
        self.server.sql("DELETE FROM app.orders WHERE id = 2")
        self.assertIn("id=2 status=paid", out.wait_for(lambda l: l.startswith("- "), "a delete"))

    def test_json_prints_one_message_per_line(self):
        out, _ = self.subscribe("--json")
        ack = json.loads(out.wait_for(lambda l: '"subscription_ack"' in l, "the ack"))
        self.assertEqual(ack["type"], "subscription_ack")
        out.wait_for(lambda l: '"initial_data_batch"' in l, "the initial batch")
        self.server.sql("INSERT INTO app.orders VALUES (3, 'x')")
        change = json.loads(out.wait_for(lambda l: '"change"' in l, "a change"))
        self.assertEqual(change["change_type"], "insert")
        self.assertEqual(change["rows"][0]["id"], "3")

    def test_timeout_ends_the_subscription_with_exit_0(self):
        proc = subprocess.run([KALAM, "--url", self.server.url, "-u", "root", "--password", ROOT_PASSWORD,
                               "--subscribe", "SELECT * FROM app.orders", "--subscription-timeout", "1"],
                              capture_output=True, text=True, env=self.home.env(), timeout=DEADLINE)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("(1 rows)", proc.stdout)

    def test_subscription_error_exits_1(self):
        proc = subprocess.run([KALAM, "--url", self.server.url, "-u", "root", "--password", ROOT_PASSWORD,
                               "--subscribe", "SELECT * FROM orders", "--subscription-timeout", "30"],
                              capture_output=True, text=True, env=self.home.env(), timeout=DEADLINE)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("INVALID_SQL", proc.stderr)

    def test_resubscribes_from_the_last_seq_after_a_server_restart(self):
        out, err = self.subscribe()
        out.wait_for(lambda l: l == "(1 rows)", "the initial table")
        self.server.sql("INSERT INTO app.orders VALUES (4, 'before')")
        out.wait_for(lambda l: l.startswith("+ ") and "id=4" in l, "the insert before the restart")
        self.server.stop()
        err.wait_for(lambda l: "connection lost" in l, "the notice of the lost connection")
        self.server.start()
        err.wait_for(lambda l: "resubscribed from seq" in l, "the notice of the resubscription")
        # Nothing missed, nothing repeated: rows 1 and 4 were seen, so only new changes show.
        self.server.sql("UPDATE app.orders SET status = 'after' WHERE id = 4; INSERT INTO app.orders VALUES (5, 'n')")
        self.assertIn("id=4 status=after", out.wait_for(lambda l: l.startswith("~ "), "the update after"))
        self.assertIn("id=5", out.wait_for(lambda l: l.startswith("+ "), "the insert after"))
        self.assertFalse(any(l.startswith("+ ") and "id=1 " in l for l in out.seen), out.seen)


if __name__ == "__main__":
    unittest.main()

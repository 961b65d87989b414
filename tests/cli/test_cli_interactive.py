"""kalam at a terminal, driven through a real pseudo-terminal (pexpect): prompt, multi-line
statements, meta-commands, completion, history, Ctrl+C, pager, spinner, password prompt."""

import os
import re
import subprocess
import tempfile
import unittest

import pexpect

from harness import DEADLINE, KALAM, ROOT_PASSWORD, Home, Server

PROMPT = "kalam> "


class CliInteractiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.server.start()
        cls.server.sql("CREATE NAMESPACE app; CREATE SHARED TABLE app.items (id BIGINT PRIMARY KEY, label TEXT); "
                       "INSERT INTO app.items VALUES (1, 'first'), (2, 'second'); "
                       "CREATE USER alice WITH PASSWORD 'Secret123!'")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.home = Home()
        self.child = None

    def tearDown(self):
        if self.child is not None and self.child.isalive():
            self.child.terminate(force=True)
        self.home.cleanup()

    def spawn(self, args=None, login=True, **env):
        argv = ["--url", self.server.url] + (["-u", "root", "--password", ROOT_PASSWORD] if login else [])
        env.setdefault("PAGER", "")
        self.child = pexpect.spawn(KALAM, argv + (args or []), env=self.home.env(**env), encoding="utf-8",
                                   timeout=DEADLINE, dimensions=(24, 200))
        return self.child

    def ready(self):
        self.child.expect_exact(PROMPT)

    def send(self, line):
        self.child.sendline(line)

    def test_statement_over_several_lines(self):
        c = self.spawn()
        self.ready()
        self.send("SELECT label")
        c.expect_exact("..> ")
        self.send("FROM app.items")
        c.expect_exact("..> ")
        self.send("WHERE id = 2;")
        c.expect_exact("second")
        c.expect_exact("(1 rows)")
        self.ready()
        self.send("\\q")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)

    def test_meta_commands(self):
        c = self.spawn()
        self.ready()
        for command, answer in [("\\?", "\\subscribe SQL"), ("\\help", "\\watch SECS"),
                                ("\\dt", "items"), ("\\d app.items", "label"), ("\\l", "app"),
                                ("\\du", "alice"), ("\\stats", "uptime_seconds"), ("\\health", '"healthy"'),
                                ("\\flush", "flush"), ("\\live", "(0 rows)"),
                                ("\\as alice SELECT CURRENT_USER() AS me", "alice"),
                                ("\\types", "Column types are shown"),
                                ("SELECT id FROM app.items WHERE id = 1;", "BigInt"),
                                ("\\types", "Column types are hidden"),
                                ("\\timing", "Timing is on"), ("SELECT 1;", "Time: "), ("\\timing off", "Timing is off"),
                                ("\\format csv", "Output format is csv"), ("SELECT 5 AS five;", "five"),
                                ("\\format json", "Output format is json"), ("SELECT 6 AS six;", '"status":"success"'),
                                ("\\format table", "Output format is table"), ("\\nope", "unknown command")]:
            self.send(command)
            c.expect_exact(answer)
            self.ready()

    def test_run_a_file_with_i(self):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("SELECT 'from the file' AS src;\nSELECT * FROM app.missing;\nSELECT 'never' AS src;\n")
        try:
            c = self.spawn()
            self.ready()
            self.send("\\i " + f.name)
            c.expect_exact("from the file")
            c.expect_exact("ERROR")
            self.ready()
            self.assertNotIn("never", c.before)
        finally:
            os.unlink(f.name)

    def test_watch_reruns_until_ctrl_c(self):
        c = self.spawn()
        self.ready()
        self.send("SELECT 'tick' AS w;")
        self.ready()
        self.send("\\watch 0.2")
        for _ in range(3):
            c.expect_exact("-- every 0.2s: SELECT 'tick' AS w")
        c.sendintr()
        self.ready()
        self.send("SELECT 'alive' AS a;")
        c.expect_exact("alive")

    def test_ctrl_c_cancels_the_request_not_the_session(self):
        c = self.spawn()
        self.ready()
        self.send("SELECT count(*) FROM range(1000000000000) a;")
        c.expect_exact("running")  # the spinner, after a second
        c.sendintr()
        c.expect_exact("Cancelled.")
        self.ready()
        self.send("SELECT 'still here' AS s;")
        c.expect_exact("still here")

    def test_ctrl_c_at_the_prompt_drops_the_line(self):
        c = self.spawn()
        self.ready()
        self.send("SELECT 'half")
        c.expect_exact("..> ")
        c.sendintr()
        self.ready()
        self.send("SELECT 'whole' AS w;")
        c.expect_exact("whole")

    def test_tab_completion_of_tables_and_columns(self):
        c = self.spawn()
        self.ready()
        # The editor redraws only what the completion added; the query below runs only if both
        # words were completed.
        c.send("SELECT label FROM app.it\t")
        c.expect_exact("ems")
        c.send("WHERE lab\t")
        c.expect_exact("el")
        self.send("= 'first';")
        c.expect_exact("first")
        c.expect_exact("(1 rows)")

    def test_history_is_kept_in_the_home_directory(self):
        c = self.spawn()
        self.ready()
        self.send("SELECT 'remember me' AS h;")
        self.ready()
        self.send("\\q")
        c.expect(pexpect.EOF)
        with open(os.path.join(self.home.kalam_dir, "history")) as f:
            # libedit keeps lines in its own escaped form (a space is \040).
            self.assertIn("remember", f.read())
        c = self.spawn()
        self.ready()
        c.send("\x1b[A")  # up arrow: the previous session's last line
        c.expect_exact("\\q")
        c.send("\x1b[A")  # and the one before
        c.expect_exact("remember me")

    def test_long_results_go_through_the_pager(self):
        c = self.spawn(PAGER="sed s/^/PAGED:/")
        self.ready()
        self.send("SELECT * FROM range(100) t;")
        c.expect(re.compile(r"PAGED:\|\s+99 \|"))
        self.ready()
        self.send("SELECT 'short' AS s;")
        c.expect_exact("| short |")
        self.assertNotIn("PAGED:", c.before)

    def test_subscribe_meta_command_until_ctrl_c(self):
        c = self.spawn()
        self.ready()
        self.send("\\subscribe SELECT * FROM app.items")
        c.expect_exact("(2 rows)")
        self.server.sql("INSERT INTO app.items VALUES (3, 'third')")
        c.expect(re.compile(r"\+ \S+Z id=3 label=third"))
        c.sendintr()
        self.ready()

    def test_password_prompt_and_connect(self):
        c = self.spawn(login=False)
        c.expect_exact("User: ")
        self.send("root")
        c.expect_exact("Password for root: ")
        self.send(ROOT_PASSWORD)
        self.ready()
        self.send("SELECT CURRENT_USER() AS u;")
        c.expect_exact("root")
        self.ready()
        self.send("\\connect")
        c.expect_exact("Connected to " + self.server.url)
        self.ready()
        # Another instance: saved credentials of alice.
        alice = subprocess.run([KALAM, "--url", self.server.url, "-u", "alice", "--password", "Secret123!",
                                "--instance", "alice", "--save-credentials", "-c", "SELECT 1"],
                               env=self.home.env(), capture_output=True, text=True, timeout=DEADLINE)
        self.assertEqual(alice.returncode, 0, alice.stderr)
        self.send("\\connect alice")
        c.expect_exact("Connected to")
        self.ready()
        self.send("SELECT CURRENT_USER() AS u;")
        c.expect_exact("alice")


if __name__ == "__main__":
    unittest.main()

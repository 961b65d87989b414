"""kalam without a terminal: flags, formats, credentials, exit codes (docs/cli.md as
documented in docs/cli.md), against a real kalamdb-server."""

import json
import os
import stat
import subprocess
import tempfile
import unittest

from harness import DEADLINE, KALAM, ROOT_PASSWORD, Home, Server, run_kalam

TYPES_DDL = ("CREATE SHARED TABLE app.types (id BIGINT PRIMARY KEY, b BOOLEAN, si SMALLINT, i INT, f FLOAT, "
             "d DOUBLE, dec DECIMAL(10,2), t TEXT, bin BYTES, j JSON, ts TIMESTAMP, dt DATETIME, da DATE, ti TIME, "
             "u UUID)")
TYPES_COLUMNS = "id, b, si, i, f, d, dec, t, bin, j, ts, dt, da, ti, u"
SELECT_TYPES = "SELECT " + TYPES_COLUMNS + " FROM app.types ORDER BY id"
TYPES_ROWS = ("INSERT INTO app.types VALUES (1, true, 7, 42, 1.5, 2.25, 200.75, 'a,\"b\"', X'6869', '{\"k\":1}', "
              "'2025-10-28 10:00:00', '2025-10-28T10:00:00Z', '2025-10-28', '10:00:00.5', "
              "'0199e5b4-3c1a-7b2e-9b4e-7f0a1c2d3e4f'), "
              "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")


class CliBatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.server.start()
        cls.server.sql("CREATE NAMESPACE app; " + TYPES_DDL + "; " + TYPES_ROWS +
                       "; CREATE SHARED TABLE app.items (id BIGINT PRIMARY KEY, name TEXT)")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def kalam(self, args, stdin=None, login=True, **env):
        base = ["--url", self.server.url]
        if login:
            base += ["-u", "root", "--password", ROOT_PASSWORD]
        return run_kalam(base + args, self.home, stdin=stdin, **env)

    # ---- output formats -------------------------------------------------------------------

    def test_table_format_prints_grid_rows_user_and_time(self):
        r = self.kalam(["-c", "SELECT 1 AS one, 'x' AS t"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "+-----+---+")
        self.assertEqual(lines[1], "| one | t |")
        self.assertEqual(lines[3], "|   1 | x |")
        self.assertIn("(1 rows)", lines)
        self.assertIn("As: root", lines)
        self.assertRegex(lines[-1], r"^Took: \d+\.\d{3} ms$")

    def test_table_format_on_every_type(self):
        r = self.kalam(["-c", SELECT_TYPES])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        for text in ["2025-10-28T10:00:00Z", "2025-10-28", "10:00:00.500000", "\\x6869", '{"k":1}', "200.75",
                     "0199e5b4-3c1a-7b2e-9b4e-7f0a1c2d3e4f", 'a,"b"', "true", "1.5", "2.25", "(2 rows)"]:
            self.assertIn(text, out)
        row2 = [line for line in out.splitlines() if line.startswith("|  2 |") or line.startswith("| 2 ")]
        self.assertEqual(len(row2), 1, out)
        self.assertEqual(row2[0].count("NULL"), 14)
        # BIGINT strings print as numbers: no quotes around the id.
        self.assertNotIn('"1"', out)

    def test_show_types_adds_a_type_row(self):
        r = self.kalam(["--show-types", "-c", "SELECT id, dec, ts FROM app.types WHERE id = 1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\| BigInt \| Decimal\(10,2\) +\| Timestamp +\|")

    def test_csv_format_on_every_type(self):
        r = self.kalam(["--csv", "-c", SELECT_TYPES])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split("\n"), [
            "id,b,si,i,f,d,dec,t,bin,j,ts,dt,da,ti,u\r",
            '1,true,7,42,1.5,2.25,200.75,"a,""b""",\\x6869,"{""k"":1}",2025-10-28T10:00:00Z,2025-10-28T10:00:00Z,'
            "2025-10-28,10:00:00.500000,0199e5b4-3c1a-7b2e-9b4e-7f0a1c2d3e4f\r",
            "2,,,,,,,,,,,,,,\r",
            ""])
        same = self.kalam(["--format", "csv", "-c", SELECT_TYPES])
        self.assertEqual(same.stdout, r.stdout)

    def test_json_format_is_the_answer_verbatim(self):
        r = self.kalam(["--json", "-c", SELECT_TYPES])
        self.assertEqual(r.returncode, 0, r.stderr)
        answer = json.loads(r.stdout)
        self.assertEqual(answer["status"], "success")
        row = answer["results"][0]["rows"][0]
        self.assertEqual(row[0], "1")  # BIGINT as a string
        self.assertEqual(row[10], 1761645600000000)  # TIMESTAMP raw µs
        self.assertEqual(row[8], [104, 105])
        self.assertEqual(answer["results"][0]["rows"][1][1:], [None] * 14)
        self.assertEqual(self.kalam(["--format", "json", "-c", "SELECT 1"]).returncode, 0)

    def test_non_row_results_print_their_message(self):
        r = self.kalam(["-c", "INSERT INTO app.items VALUES (100, 'msg')"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Inserted 1 row(s)", r.stdout)

    # ---- exit codes and streams -----------------------------------------------------------

    def test_server_error_exits_1_with_nothing_on_stdout(self):
        r = self.kalam(["-c", "SELECT * FROM app.missing"])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("ERROR SQL_EXECUTION_ERROR", r.stderr)

    def test_connection_failure_exits_2(self):
        r = run_kalam(["--url", "http://127.0.0.1:1", "--token", "x", "-c", "SELECT 1"], self.home)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot reach", r.stderr)

    def test_wrong_password_exits_2(self):
        r = run_kalam(["--url", self.server.url, "-u", "root", "--password", "nope", "-c", "SELECT 1"], self.home)
        self.assertEqual(r.returncode, 2)
        self.assertIn("login failed", r.stderr)

    def test_bad_token_exits_2(self):
        r = run_kalam(["--url", self.server.url, "--token", "not-a-jwt", "-c", "SELECT 1"], self.home)
        self.assertEqual(r.returncode, 2)
        self.assertIn("INVALID_CREDENTIALS", r.stderr)

    def test_no_credentials_without_a_terminal_exits_2(self):
        r = run_kalam(["--url", self.server.url, "-c", "SELECT 1"], self.home)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no credentials", r.stderr)

    def test_usage_errors_exit_64(self):
        for args in (["--bogus"], ["-c", "SELECT 1", "-f", "x.sql"], ["--format", "xml"], ["--json", "--csv"],
                     ["--url", "ftp://x"], ["--timeout", "0"]):
            r = run_kalam(args, self.home)
            self.assertEqual(r.returncode, 64, (args, r.stderr))

    def test_help_and_version_exit_0(self):
        self.assertEqual(run_kalam(["--help"], self.home).returncode, 0)
        r = run_kalam(["--version"], self.home)
        self.assertEqual(r.returncode, 0)
        self.assertIn("kalam", r.stdout)

    def test_request_timeout_exits_2(self):
        r = self.kalam(["--timeout", "1", "-c", "SELECT count(*) FROM range(1000000000000) a"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("timed out", r.stderr)

    # ---- -c, -f, stdin ----------------------------------------------------------------------

    def test_c_sends_one_request(self):
        # USE holds for the rest of the same request.
        r = self.kalam(["--csv", "-c", "USE app; SELECT name FROM items WHERE id = 100"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_f_runs_statement_by_statement_and_stops_at_the_first_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("INSERT INTO app.items VALUES (1, 'one');\n-- a comment; with a semicolon\n"
                    "INSERT INTO app.nothing VALUES (2);\nINSERT INTO app.items VALUES (3, 'three');\n")
        try:
            r = self.kalam(["-f", f.name])
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Inserted 1 row(s)", r.stdout)
        check = self.kalam(["--csv", "-c", "SELECT id FROM app.items WHERE id IN (1, 3) ORDER BY id"])
        self.assertEqual(check.stdout, "id\r\n1\r\n")

    def test_f_dash_reads_stdin_and_use_carries_over(self):
        r = self.kalam(["--csv", "-f", "-"], stdin="USE app;\nSELECT 'semi;colon' AS s, count(*) AS n FROM types;\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "s,n\r\nsemi;colon,2\r\n")

    def test_piped_stdin_without_flags_runs_as_a_script(self):
        r = self.kalam(["--csv"], stdin="SELECT 7 AS seven\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "seven\r\n7\r\n")

    # ---- server address flags ----------------------------------------------------------------

    def test_host_and_port_flags(self):
        r = run_kalam(["-H", "127.0.0.1", "-p", str(self.server.port), "-u", "root", "--password", ROOT_PASSWORD,
                       "--csv", "-c", "SELECT 1 AS x"], self.home)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "x\r\n1\r\n")

    def test_verbose_and_no_color(self):
        r = self.kalam(["-v", "--no-color", "-c", "SELECT 1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.server.url, r.stderr)
        self.assertNotIn("\x1b[", r.stdout)

    # ---- credentials ---------------------------------------------------------------------------

    def credentials(self):
        path = os.path.join(self.home.kalam_dir, "credentials")
        with open(path) as f:
            return path, f.read()

    def test_token_flag(self):
        token = self.server.login()["access_token"]
        r = run_kalam(["--url", self.server.url, "--token", token, "--csv", "-c", "SELECT CURRENT_USER() AS u"],
                      self.home)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "u\r\nroot\r\n")

    def test_saved_credentials_are_tokens_only_with_private_modes(self):
        r = self.kalam(["--save-credentials", "-c", "SELECT 1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        path, text = self.credentials()
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.home.kalam_dir).st_mode), 0o700)
        self.assertIn("[local]", text)
        self.assertIn("access_token", text)
        self.assertIn("refresh_token", text)
        self.assertNotIn(ROOT_PASSWORD, text)
        # The saved entry is enough on its own, URL included.
        again = run_kalam(["--csv", "-c", "SELECT 2 AS n"], self.home)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout, "n\r\n2\r\n")

    def test_instances_are_separate_entries(self):
        r = self.kalam(["--instance", "staging", "--save-credentials", "-c", "SELECT 1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        _, text = self.credentials()
        self.assertIn("[staging]", text)
        self.assertNotIn("[local]", text)
        self.assertEqual(run_kalam(["--instance", "staging", "-c", "SELECT 1"], self.home).returncode, 0)
        self.assertEqual(run_kalam(["-c", "SELECT 1"], self.home).returncode, 2)

    def test_expired_access_token_is_refreshed_and_saved(self):
        self.assertEqual(self.kalam(["--save-credentials", "-c", "SELECT 1"]).returncode, 0)
        path, text = self.credentials()
        # An access token that no longer works and an expiry in the past: only the refresh
        # token can get the client in.
        lines = []
        for line in text.splitlines():
            if line.startswith("access_token"):
                line = "access_token = 'expired'"
            elif line.startswith("expires_at"):
                line = "expires_at = '2020-01-01T00:00:00+00:00'"
            lines.append(line)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o644)
        r = run_kalam(["--csv", "-c", "SELECT CURRENT_USER() AS u"], self.home)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "u\r\nroot\r\n")
        _, after = self.credentials()
        self.assertNotIn("'expired'", after)
        self.assertNotIn("2020-01-01", after)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_unusable_refresh_token_exits_2(self):
        os.makedirs(self.home.kalam_dir, mode=0o700)
        with open(os.path.join(self.home.kalam_dir, "credentials"), "w") as f:
            f.write("[local]\nurl = '%s'\nuser = 'root'\naccess_token = 'x'\nrefresh_token = 'y'\n"
                    "expires_at = '2020-01-01T00:00:00Z'\n" % self.server.url)
        r = run_kalam(["-c", "SELECT 1"], self.home)
        self.assertEqual(r.returncode, 2)
        self.assertIn("refresh failed", r.stderr)


if __name__ == "__main__":
    unittest.main()

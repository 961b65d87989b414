#!/usr/bin/env python3
"""Runs tests/sql/*.test files against the real kalamdb-server over HTTP.

Each file is replayed once per mode, each time on a fresh server with an empty data directory:

  hot      the file as written;
  flush    before each query (when anything ran since the last flush) every USER and SHARED
           table in system.tables is flushed and the runner waits until each flush job is
           `completed` in system.jobs;
  restart  before each query (when anything ran since the last restart) the server is stopped
           with SIGTERM and started again on the same data directory.

Every expected result must hold in every mode, so each query is checked against hot rows,
flushed (Parquet) rows and state recovered after a restart. The file format is described in
tests/sql/README.md. Standard library only, so it runs without a build step.
"""

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

MODES = ("hot", "flush", "restart")
ROOT_PASSWORD = "kalamdb123"
USER_PASSWORD = "slt-Password-1"
ROLES = ("user", "service", "dba", "system")
JOB_DEADLINE_S = 30.0
START_DEADLINE_S = 30.0


class TestFailure(Exception):
    """A record whose outcome differs from the file's expectation."""


class FormatError(Exception):
    """A .test file the runner cannot read."""


# ---------------------------------------------------------------------------------------------
# Parsing


class Record:
    def __init__(self, kind, line, **fields):
        self.kind = kind  # statement_ok, statement_error, query, user, as, flush, restart, namespace
        self.line = line
        self.skipif = []
        self.onlyif = []
        self.bug = None
        self.__dict__.update(fields)

    def runs_in(self, mode):
        if self.bug is not None:
            return False
        if mode in self.skipif:
            return False
        return not self.onlyif or mode in self.onlyif


def _block(lines, i):
    """Lines from i up to the next blank line; returns (block, next index)."""
    out = []
    while i < len(lines) and lines[i].strip() != "":
        out.append(lines[i])
        i += 1
    return out, i


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    records = []
    pending = {"skipif": [], "onlyif": [], "bug": None}
    i = 0
    while i < len(lines):
        raw = lines[i]
        text = raw.strip()
        lineno = i + 1
        if text == "" or text.startswith("#"):
            i += 1
            continue
        words = text.split()
        head = words[0]
        if head in ("skipif", "onlyif"):
            if len(words) != 2 or words[1] not in MODES:
                raise FormatError(f"{path}:{lineno}: '{head}' takes one of {', '.join(MODES)}")
            pending[head].append(words[1])
            i += 1
            continue
        if head == "bug":
            if len(words) < 2:
                raise FormatError(f"{path}:{lineno}: 'bug' needs a description")
            pending["bug"] = text[len("bug"):].strip()
            i += 1
            continue
        block, i = _block(lines, i)
        body = block[1:]
        if head == "statement":
            if len(words) < 2 or words[1] not in ("ok", "error"):
                raise FormatError(f"{path}:{lineno}: expected 'statement ok' or 'statement error'")
            if words[1] == "ok":
                if len(words) != 2 or not body or "----" in body:
                    raise FormatError(f"{path}:{lineno}: 'statement ok' takes SQL lines only")
                rec = Record("statement_ok", lineno, sql="\n".join(body))
            else:
                code = words[2] if len(words) > 2 else None
                if "----" not in body:
                    raise FormatError(f"{path}:{lineno}: 'statement error' needs '----' and the message")
                sep = body.index("----")
                expected = "\n".join(body[sep + 1:]).strip()
                if sep == 0 or not expected:
                    raise FormatError(f"{path}:{lineno}: 'statement error' needs SQL and a message")
                rec = Record("statement_error", lineno, sql="\n".join(body[:sep]), code=code,
                             expected=expected)
        elif head == "query":
            if len(words) < 2 or not re.fullmatch(r"[ITRBX]+", words[1]):
                raise FormatError(f"{path}:{lineno}: 'query' needs column types (I, T, R, B, X)")
            sort = words[2] if len(words) > 2 else "nosort"
            if sort not in ("nosort", "rowsort") or len(words) > 3:
                raise FormatError(f"{path}:{lineno}: sort mode must be nosort or rowsort")
            if "----" not in body:
                raise FormatError(f"{path}:{lineno}: 'query' needs '----' (and the rows, if any)")
            sep = body.index("----")
            if sep == 0:
                raise FormatError(f"{path}:{lineno}: 'query' has no SQL")
            rows = [r.split("\t") for r in body[sep + 1:]]
            for r in rows:
                if len(r) != len(words[1].replace("X", "")):
                    raise FormatError(f"{path}:{lineno}: expected row {r} does not have one "
                                      f"tab-separated value per column (X columns excluded)")
            rec = Record("query", lineno, sql="\n".join(body[:sep]), types=words[1], sort=sort,
                         rows=rows)
        elif head == "user":
            if len(words) == 2:
                role = None  # `user` when the runner creates it; unchecked later
            elif len(words) == 4 and words[2] == "as" and words[3] in ROLES:
                role = words[3]
            else:
                raise FormatError(f"{path}:{lineno}: expected 'user <name> [as <role>]'")
            rec = Record("user", lineno, name=words[1].lower(), role=role)
        elif head == "as":
            if len(words) != 2 or words[1] not in ROLES:
                raise FormatError(f"{path}:{lineno}: expected 'as <role>' ({', '.join(ROLES)})")
            rec = Record("user", lineno, name=f"slt_{words[1]}", role=words[1])
        elif head == "flush":
            if len(words) != 2:
                raise FormatError(f"{path}:{lineno}: expected 'flush <namespace>.<table>'")
            rec = Record("flush", lineno, table=words[1])
        elif head == "restart":
            rec = Record("restart", lineno)
        elif head == "namespace":
            if len(words) != 2:
                raise FormatError(f"{path}:{lineno}: expected 'namespace <name>'")
            rec = Record("namespace", lineno, name=words[1])
        else:
            raise FormatError(f"{path}:{lineno}: unknown record '{head}'")
        if len(block) > 1 and rec.kind in ("user", "flush", "restart", "namespace"):
            raise FormatError(f"{path}:{lineno}: '{head}' is one line; end it with a blank line")
        rec.skipif, rec.onlyif, rec.bug = pending["skipif"], pending["onlyif"], pending["bug"]
        pending = {"skipif": [], "onlyif": [], "bug": None}
        records.append(rec)
    return records


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    """The real kalamdb-server on a free loopback port (--port 0), read from 'listening on'."""

    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir
        self.proc = None
        self.port = None
        self.output = []

    def start(self):
        env = dict(os.environ)
        env.update({"KALAMDB_ROOT_PASSWORD": ROOT_PASSWORD, "KALAMDB_AUTH_BCRYPT_COST": "4",
                    "KALAMDB_LOG_LEVEL": "warn"})
        self.proc = subprocess.Popen(
            [self.binary, "--data-dir", self.data_dir, "--port", "0", "--host", "127.0.0.1"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        found = threading.Event()

        def drain(proc):
            for line in proc.stdout:
                self.output.append(line)
                m = re.search(r"listening on http://.*:(\d+)", line)
                if m and not found.is_set():
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        threading.Thread(target=drain, args=(self.proc,), daemon=True).start()
        if not found.wait(START_DEADLINE_S) or self.port is None:
            self.stop()
            raise TestFailure("the server did not start:\n" + "".join(self.output[-20:]))

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure("the server did not stop within 20 s of SIGTERM")
        self.proc = None
        if code != 0:
            raise TestFailure(f"the server exited with {code} on SIGTERM:\n"
                              + "".join(self.output[-20:]))

    def restart(self):
        self.stop()
        self.port = None
        self.start()

    def sql(self, sql, user, password, namespace=None):
        """POSTs one request; returns (HTTP status, parsed JSON body)."""
        body = {"sql": sql}
        if namespace:
            body["namespace_id"] = namespace
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", "/v1/api/sql", json.dumps(body),
                         {"Authorization": "Basic " + token, "Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            exited = self.proc.poll() if self.proc else None
            raise TestFailure(f"no answer from the server ({e}); server exit status {exited}:\n"
                              + "".join(self.output[-20:])) from None
        finally:
            conn.close()
        try:
            return resp.status, json.loads(data)
        except ValueError:
            raise TestFailure(f"answer is not JSON (HTTP {resp.status}): {data[:200]!r}")


# ---------------------------------------------------------------------------------------------
# Running one file in one mode


def render_value(v):
    if v is None:
        return "NULL"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return "(empty)" if v == "" else v
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def render_result(result):
    """Rows of a result as lists of strings; a result without rows (DML, DDL) is its message."""
    if "schema" in result:
        return len(result["schema"]), [[render_value(v) for v in row] for row in result["rows"]]
    return 1, [[render_value(result.get("message"))]]


def fmt_rows(rows):
    return "\n".join("\t".join(r) for r in rows) if rows else "(no rows)"


class FileRun:
    def __init__(self, path, records, mode, binary, verbose, keep_going=False):
        self.keep_going = keep_going  # report every differing record, not only the first
        self.path = path
        self.records = records
        self.mode = mode
        self.binary = binary
        self.verbose = verbose
        self.user = "root"
        self.password = ROOT_PASSWORD
        self.users = {"root": "system"}
        self.namespace = None
        self.dirty_flush = False
        self.dirty_restart = False
        self.last_flush_job = None  # the job of the last `flush` directive: ${last_flush_job}

    def root_sql(self, sql):
        status, body = self.server.sql(sql, "root", ROOT_PASSWORD)
        if status != 200 or body.get("status") != "success":
            raise TestFailure(f"runner statement failed: {sql}: {json.dumps(body)}")
        return body["results"]

    def run(self):
        tmp = tempfile.mkdtemp(prefix="kalam-slt-")
        # ${tmpdir}: an empty directory outside the data directory, e.g. for storages.
        self.tmpdir = os.path.join(tmp, "files")
        os.mkdir(self.tmpdir)
        self.server = Server(self.binary, os.path.join(tmp, "data"))
        try:
            self.server.start()
            failures = []
            for rec in self.records:
                if not rec.runs_in(self.mode):
                    continue
                try:
                    self.run_record(rec)
                except TestFailure as e:
                    failures.append(f"{self.path}:{rec.line} [{self.mode}] {e}")
                    if not self.keep_going:
                        break
            self.server.stop()
            if failures:
                raise TestFailure("\n".join(failures))
        finally:
            if self.server.proc is not None:
                self.server.proc.kill()
                self.server.proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)

    def run_record(self, rec):
        if rec.kind == "user":
            self.switch_user(rec)
        elif rec.kind == "namespace":
            self.namespace = rec.name
        elif rec.kind == "flush":
            # None when the table had no hot rows (e.g. flushed by the flush mode already).
            self.last_flush_job = self.flush_table(rec.table)
        elif rec.kind == "restart":
            self.server.restart()
            self.dirty_restart = False
        elif rec.kind == "statement_ok":
            status, body = self.send(rec.sql)
            if body.get("status") != "success":
                raise TestFailure(f"statement failed (HTTP {status}): {rec.sql}\n  "
                                  f"{body.get('error')}")
        elif rec.kind == "statement_error":
            dirty = (self.dirty_flush, self.dirty_restart)
            status, body = self.send(rec.sql)
            if body.get("status") == "success":
                raise TestFailure(f"statement succeeded, expected an error: {rec.sql}")
            # A failed statement applies nothing; only a batch keeps the statements before
            # the failing one, so SQL with a ';' counts as a write.
            if ";" not in rec.sql:
                self.dirty_flush, self.dirty_restart = dirty
            err = body.get("error") or {}
            if self.verbose:
                print(f"    -> {err.get('code')}: {err.get('message')}")
            if rec.code is not None and err.get("code") != rec.code:
                raise TestFailure(f"error code {err.get('code')}, expected {rec.code}: {rec.sql}\n"
                                  f"  message: {err.get('message')}")
            if rec.expected not in (err.get("message") or ""):
                raise TestFailure(f"error message differs: {rec.sql}\n  expected to contain: "
                                  f"{rec.expected}\n  actual: {err.get('message')}")
        elif rec.kind == "query":
            self.prepare_query()
            self.check_query(rec)

    def send(self, sql):
        self.dirty_flush = self.dirty_restart = True
        if "${last_flush_job}" in sql:
            if self.last_flush_job is None:
                raise TestFailure("${last_flush_job}: the last `flush` directive started no job")
            sql = sql.replace("${last_flush_job}", self.last_flush_job)
        sql = sql.replace("${tmpdir}", self.tmpdir)
        if self.verbose:
            print(f"  [{self.mode}] {self.user}: {sql}")
        return self.server.sql(sql, self.user, self.password, self.namespace)

    def switch_user(self, rec):
        if rec.name == "root":
            self.user, self.password = "root", ROOT_PASSWORD
            return
        known = self.users.get(rec.name)
        if known is None:
            role = rec.role or "user"
            self.root_sql(f"CREATE USER {rec.name} WITH PASSWORD '{USER_PASSWORD}' ROLE {role}")
            self.users[rec.name] = role
        elif rec.role is not None and known != rec.role:
            raise TestFailure(f"user {rec.name} was created with role {known}, not {rec.role}")
        self.user, self.password = rec.name, USER_PASSWORD

    def flush_table(self, table):
        results = self.root_sql(f"FLUSH TABLE {table}")
        if results[0].get("message", "").startswith("Storage flush skipped: no pending writes"):
            return None
        m = re.search(r"Job ID: (\S+)", results[0].get("message", ""))
        if not m:
            raise TestFailure(f"FLUSH TABLE {table} named no job: {results[0]}")
        self.wait_job(m.group(1), table)
        return m.group(1)

    def wait_job(self, job_id, what):
        deadline = time.monotonic() + JOB_DEADLINE_S
        while True:
            rows = self.root_sql(
                f"SELECT status, message FROM system.jobs WHERE job_id = '{job_id}'")[0]["rows"]
            state = rows[0] if rows else None
            if state and state[0] == "completed":
                return
            if state and state[0] in ("failed", "cancelled"):
                raise TestFailure(f"flush job {job_id} of {what} ended {state[0]}: {state[1]}")
            if time.monotonic() > deadline:
                raise TestFailure(f"flush job {job_id} of {what} not completed within "
                                  f"{JOB_DEADLINE_S:.0f} s (last state {state})")
            time.sleep(0.01)

    def prepare_query(self):
        """Moves the data into the state the mode checks before a query reads it."""
        if self.mode == "flush" and self.dirty_flush:
            rows = self.root_sql("SELECT namespace_id, table_name FROM system.tables "
                                 "WHERE table_type IN ('user', 'shared') "
                                 "ORDER BY namespace_id, table_name")[0]["rows"]
            for ns, table in rows:
                self.flush_table(f"{ns}.{table}")
            self.dirty_flush = False
        elif self.mode == "restart" and self.dirty_restart:
            self.server.restart()
            self.dirty_restart = False

    def check_query(self, rec):
        dirty = (self.dirty_flush, self.dirty_restart)
        status, body = self.send(rec.sql)
        if body.get("status") != "success":
            raise TestFailure(f"query failed (HTTP {status}): {rec.sql}\n  {body.get('error')}")
        # A request that only returned rows wrote nothing: the next query needs no new flush
        # or restart for it.
        if all("schema" in r for r in body["results"]):
            self.dirty_flush, self.dirty_restart = dirty
        ncols, rows = render_result(body["results"][-1])
        if ncols != len(rec.types):
            names = [c["name"] for c in body["results"][-1].get("schema", [])]
            raise TestFailure(f"query returned {ncols} columns, the record declares "
                              f"{len(rec.types)}: {rec.sql}\n--- actual {names}\n{fmt_rows(rows)}")
        # X columns (times, generated ids) are not compared.
        keep = [i for i, t in enumerate(rec.types) if t != "X"]
        rows = [[row[i] for i in keep] for row in rows]
        expected = rec.rows
        if rec.sort == "rowsort":
            rows, expected = sorted(rows), sorted(expected)
        if rows != expected:
            raise TestFailure(f"wrong result: {rec.sql}\n--- expected\n{fmt_rows(expected)}\n"
                              f"--- actual\n{fmt_rows(rows)}")


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", required=True, help="path to kalamdb-server")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of "
                    + ", ".join(MODES))
    ap.add_argument("--expect-failure", action="store_true",
                    help="self-test: every file must fail in every mode")
    ap.add_argument("-k", "--keep-going", action="store_true",
                    help="after a failing record, go on with the next (later records may fail "
                    "because of it)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each statement")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    for m in modes:
        if m not in MODES:
            ap.error(f"unknown mode {m}")
    failed = False
    for path in args.files:
        try:
            records = parse(path)
        except FormatError as e:
            if args.expect_failure:
                print(f"ok (fails as expected): {e}")
                continue
            print(f"FORMAT ERROR {e}")
            failed = True
            continue
        for rec in records:
            if rec.bug is not None:
                print(f"{path}:{rec.line}: skipped, known server bug: {rec.bug}")
        for mode in modes:
            started = time.monotonic()
            try:
                FileRun(path, records, mode, args.server, args.verbose, args.keep_going).run()
                outcome = None
            except TestFailure as e:
                outcome = str(e)
            took = time.monotonic() - started
            if args.expect_failure:
                if outcome is None:
                    print(f"FAIL {path} [{mode}] passed, but it must fail")
                    failed = True
                else:
                    print(f"ok {path} [{mode}] fails as expected: {outcome.splitlines()[0]}")
            elif outcome is None:
                print(f"ok {path} [{mode}] {took:.1f} s")
            else:
                print(f"FAIL {outcome}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

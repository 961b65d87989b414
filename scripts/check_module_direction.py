#!/usr/bin/env python3
"""Checks the module direction rule of ARCHITECTURE.md on a source tree.

Usage:
    python3 scripts/check_module_direction.py <repo>/src   # check a tree (CTest runs this)
    python3 scripts/check_module_direction.py --self-test  # check that the checker detects violations

Rules, for every module directory src/<module>/:
  1. direction    each `#include "kalam/<other>/..."` (or `<kalam/<other>/...>`) names a module that
                  <module> may use per the table below; a relative include that lands in another
                  module's folder counts the same and is also a private header of that module;
  2. rocksdb      only src/store includes `<rocksdb/...>` or names `rocksdb::`;
  3. duckdb       a public header (src/<m>/include/...) of a module that is not engine-facing
                  (tables, core, jobs, live, api) neither includes a DuckDB header nor names
                  `duckdb::` / `namespace duckdb` (STYLE.md);
  4. layout       a module's public headers live under include/kalam/<module>/ only;
  5. cmake        `kalam_<x>` targets named in a module's CMakeLists.txt (kalam_module DEPS and
                  PRIVATE_DEPS, kalam_test DEPS, target_link_libraries of the module's targets)
                  follow the same table; RocksDB is linked only by store, and only PRIVATE;
  6. table        every directory under src/ is a module of the table.

Exit status: 0 when the tree follows every rule, 1 when it does not (each violation printed
as `path:line: message [rule]`), 2 on usage errors. Python 3 standard library only.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

# ---- the table of ARCHITECTURE.md ---------------------------------------------------------

LAYERS: dict[str, int] = {
    "commons": 1,
    "store": 2, "filestore": 2, "dialect": 2,
    "registry": 3,
    "auth": 4, "system": 4, "tables": 4,
    "core": 5,
    "jobs": 6, "live": 6,
    "api": 7,
    "server": 8, "cli": 8,
}

_LAYER_1_TO_4 = {m for m, layer in LAYERS.items() if layer <= 4}
ALLOWED: dict[str, frozenset[str]] = {
    "commons": frozenset(),
    "store": frozenset({"commons"}),
    "filestore": frozenset({"commons"}),
    "dialect": frozenset({"commons"}),
    "registry": frozenset({"commons", "store"}),
    "auth": frozenset({"commons", "store", "registry"}),
    "system": frozenset({"commons", "store", "registry"}),
    "tables": frozenset({"commons", "store", "filestore", "registry"}),
    "core": frozenset(_LAYER_1_TO_4),
    "jobs": frozenset(_LAYER_1_TO_4 | {"core"}),
    "live": frozenset(_LAYER_1_TO_4 | {"core"}),
    "api": frozenset(_LAYER_1_TO_4 | {"core", "jobs", "live"}),
    "server": frozenset(_LAYER_1_TO_4 | {"core", "jobs", "live", "api"}),
    "cli": frozenset({"commons"}),  # the CLI speaks only the public HTTP/WS protocol
}
assert set(ALLOWED) == set(LAYERS)

# Modules whose public headers may carry DuckDB types (STYLE.md: engine-facing modules).
DUCKDB_PUBLIC_OK = frozenset({"tables", "core", "jobs", "live", "api"})
ROCKSDB_OWNER = "store"

SOURCE_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".ipp", ".inc", ".cc", ".cpp", ".cxx")

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.MULTILINE)
DUCKDB_HEADER_RE = re.compile(r"^duckdb(\.h|\.hpp|/)")
DUCKDB_NAME_RE = re.compile(r"\bduckdb::|\bnamespace\s+duckdb\b")
ROCKSDB_NAME_RE = re.compile(r"\brocksdb::|\bnamespace\s+rocksdb\b")
KALAM_TARGET_RE = re.compile(r"^kalam_([A-Za-z0-9_]+)$")
ROCKSDB_TARGETS = frozenset({"rocksdb_ext", "rocksdb", "${ROCKSDB_LIB}", "RocksDB::rocksdb"})


def rule_text(module: str) -> str:
    allowed = sorted(ALLOWED[module], key=lambda m: (LAYERS[m], m))
    return f"'{module}' (layer {LAYERS[module]}) may use: " + (", ".join(allowed) if allowed else "no other module")


@dataclass
class Report:
    root: str  # the src/ directory checked
    violations: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    files: int = 0
    includes: int = 0
    cross_module_includes: int = 0
    cmake_files: int = 0
    cmake_links: int = 0

    def add(self, path: str, line: int, message: str, rule: str) -> None:
        shown = os.path.relpath(path, os.path.dirname(self.root))
        where = f"{shown}:{line}" if line > 0 else shown
        self.violations.append(f"{where}: {message} [{rule}]")


# ---- C++ sources --------------------------------------------------------------------------

def strip_comments(text: str) -> str:
    """Blanks out comments (keeping newlines, so line numbers hold) and the contents of string
    and character literals other than those of #include lines."""
    out: list[str] = []
    i, n = 0, len(text)
    line_start = True
    in_directive = False
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if c == "/" and nxt == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
            continue
        if c in "\"'" and not in_directive:
            # Skip a literal, honouring escapes; keep its quotes, blank its content.
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" and j + 1 < n and text[j + 1] != "\n" else 1
            closed = j < n and text[j] == c
            out.append(c + " " * (j - i - 1) + (c if closed else ""))
            i = j + 1 if closed else j  # an unterminated literal ends at the line's end
            line_start = False
            continue
        if c == "\n":
            line_start, in_directive = True, False
        elif line_start and c == "#":
            in_directive, line_start = True, False
        elif not c.isspace():
            line_start = False
        out.append(c)
        i += 1
    return "".join(out)


def module_of_path(path: str, src: str) -> str | None:
    """The module folder under `src` that holds `path`, if any."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(src))
    parts = rel.split(os.sep)
    if parts[0] == ".." or len(parts) < 2:
        return None
    return parts[0]


def check_source(report: Report, src: str, module: str, path: str) -> None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read()
    except OSError as e:
        report.add(path, 0, f"cannot read: {e}", "io")
        return
    report.files += 1
    text = strip_comments(raw)
    module_dir = os.path.join(src, module)
    public = os.path.relpath(path, module_dir).split(os.sep)[0] == "include"
    line_of = _line_index(text)

    for m in INCLUDE_RE.finditer(text):
        line = line_of(m.start())
        delim, target = m.group(1), m.group(2).strip()
        report.includes += 1
        parts = target.split("/")

        if parts[0] == "rocksdb" and module != ROCKSDB_OWNER:
            report.add(path, line, f"includes <{target}>: only src/{ROCKSDB_OWNER} may include RocksDB headers",
                       "rocksdb")
        if public and module not in DUCKDB_PUBLIC_OK and DUCKDB_HEADER_RE.match(target):
            report.add(path, line, f"public header of '{module}' includes DuckDB header '{target}': DuckDB types "
                       f"belong only in the public headers of {', '.join(sorted(DUCKDB_PUBLIC_OK))}", "duckdb")

        other: str | None = None
        if len(parts) >= 3 and parts[0] == "kalam":
            other = parts[1]
            if other not in LAYERS:
                report.add(path, line, f"includes '{target}' of unknown module '{other}' (not in the module table "
                           "of ARCHITECTURE.md)", "table")
                continue
        elif delim == '"' and ("/" in target or target.startswith("..")):
            # A quoted relative include that reaches into another module's folder.
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if os.path.exists(resolved):
                owner = module_of_path(resolved, src)
                if owner is not None and owner != module:
                    other = owner
                    rel_in_owner = os.path.relpath(resolved, os.path.join(src, owner)).split(os.sep)
                    if rel_in_owner[0] != "include":
                        report.add(path, line, f"includes '{target}', a private header of module '{owner}'",
                                   "direction")
        if other is None or other == module:
            continue
        report.cross_module_includes += 1
        if other not in ALLOWED[module]:
            report.add(path, line, f"module '{module}' includes '{target}' of module '{other}'; "
                       f"{rule_text(module)}", "direction")

    if public and module not in DUCKDB_PUBLIC_OK:
        for m in DUCKDB_NAME_RE.finditer(text):
            report.add(path, line_of(m.start()), f"public header of '{module}' names DuckDB "
                       f"('{m.group(0).strip()}'); DuckDB types belong only in engine-facing modules", "duckdb")
    if module != ROCKSDB_OWNER:
        for m in ROCKSDB_NAME_RE.finditer(text):
            report.add(path, line_of(m.start()), f"names RocksDB ('{m.group(0).strip()}') outside "
                       f"src/{ROCKSDB_OWNER}", "rocksdb")


def _line_index(text: str):
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)

    def line_of(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    return line_of


def check_public_layout(report: Report, src: str, module: str) -> None:
    include_dir = os.path.join(src, module, "include")
    if not os.path.isdir(include_dir):
        return
    for entry in sorted(os.listdir(include_dir)):
        path = os.path.join(include_dir, entry)
        if entry.startswith("."):
            continue
        if entry != "kalam":
            report.add(path, 0, f"public headers of '{module}' must live under include/kalam/{module}/", "layout")
            continue
        for sub in sorted(os.listdir(path)):
            if sub.startswith("."):
                continue
            if sub != module:
                report.add(os.path.join(path, sub), 0, f"module '{module}' publishes headers as 'kalam/{sub}/...'; "
                           f"a module's public headers live under include/kalam/{module}/ only", "layout")


# ---- CMake --------------------------------------------------------------------------------

CMAKE_COMMAND_RE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
CMAKE_KEYWORDS = {
    "kalam_module": ("SOURCES", "DEPS", "PRIVATE_DEPS"),
    "kalam_test": ("SOURCES", "DEPS"),
}
LINK_SCOPES = {"PUBLIC", "PRIVATE", "INTERFACE", "LINK_PUBLIC", "LINK_PRIVATE", "LINK_INTERFACE_LIBRARIES"}


def strip_cmake_comments(text: str) -> str:
    out = []
    for line in text.split("\n"):
        in_quote = False
        cut = len(line)
        for i, c in enumerate(line):
            if c == '"':
                in_quote = not in_quote
            elif c == "#" and not in_quote:
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def cmake_commands(text: str):
    """Yields (name, args, line) for each top-level command call."""
    line_of = _line_index(text)
    pos = 0
    while True:
        m = CMAKE_COMMAND_RE.search(text, pos)
        if not m:
            return
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        yield m.group(1).lower(), _cmake_args(body, m.end(), line_of), line_of(m.start())
        pos = i


def _cmake_args(body: str, base: int, line_of):
    args = []
    for a in re.finditer(r'"[^"]*"|[^\s()"]+', body):
        args.append((a.group(0).strip('"'), line_of(base + a.start())))
    return args


def check_cmake(report: Report, src: str, module: str) -> None:
    path = os.path.join(src, module, "CMakeLists.txt")
    if not os.path.isfile(path):
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = strip_cmake_comments(f.read())
    except OSError as e:
        report.add(path, 0, f"cannot read: {e}", "io")
        return
    report.cmake_files += 1
    own_targets = set()  # targets defined here: the module library and its tests

    def check_link(target_name: str, line: int, what: str, scope: str) -> None:
        report.cmake_links += 1
        if target_name in ROCKSDB_TARGETS:
            if module != ROCKSDB_OWNER:
                report.add(path, line, f"{what} links RocksDB ('{target_name}'): only {ROCKSDB_OWNER} may",
                           "rocksdb")
            elif scope == "public" and what == f"kalam_{module}":
                report.add(path, line, f"{what} links RocksDB ('{target_name}') publicly; link it PRIVATE so that "
                           "no other module sees RocksDB headers", "rocksdb")
            return
        m = KALAM_TARGET_RE.match(target_name)
        if not m or target_name in own_targets:
            return
        other = m.group(1)
        if other == module:
            return
        if other not in LAYERS:
            # kalam_<x> targets that are not modules (helpers, tests of this module) are not ours to judge
            # unless they look like a module's library.
            return
        if other not in ALLOWED[module]:
            report.add(path, line, f"{what} links 'kalam_{other}'; {rule_text(module)}", "cmake")

    commands = list(cmake_commands(text))
    for name, args, line in commands:
        if name == "kalam_module" and args:
            own_targets.add(f"kalam_{args[0][0]}")
        elif name in ("kalam_test", "add_executable", "add_library") and args:
            own_targets.add(args[0][0])

    for name, args, line in commands:
        if name in CMAKE_KEYWORDS and args:
            keywords = CMAKE_KEYWORDS[name]
            target = f"kalam_{args[0][0]}" if name == "kalam_module" else args[0][0]
            if name == "kalam_module" and args[0][0] != module:
                report.add(path, args[0][1], f"kalam_module({args[0][0]} ...) in src/{module}/: the module "
                           f"target must be named after its folder (kalam_{module})", "cmake")
            section = None
            for value, arg_line in args[1:]:
                if value in keywords:
                    section = value
                    continue
                if section in ("DEPS", "PRIVATE_DEPS"):
                    scope = "public" if (name == "kalam_module" and section == "DEPS") else "private"
                    check_link(value, arg_line, target, scope)
        elif name == "target_link_libraries" and args:
            target = args[0][0]
            if target not in own_targets:
                continue
            scope = "public"
            for value, arg_line in args[1:]:
                if value in LINK_SCOPES:
                    scope = "private" if value in ("PRIVATE", "LINK_PRIVATE") else "public"
                    continue
                check_link(value, arg_line, target, scope)


# ---- the tree -----------------------------------------------------------------------------

def check_tree(src: str) -> Report:
    src = os.path.abspath(src)
    report = Report(root=src)
    entries = sorted(os.listdir(src))
    for entry in entries:
        path = os.path.join(src, entry)
        if entry.startswith("."):
            continue
        if os.path.isdir(path):
            if entry not in LAYERS:
                report.add(path, 0, f"directory src/{entry} is not a module of the ARCHITECTURE.md table "
                           f"(known: {', '.join(sorted(LAYERS, key=lambda m: (LAYERS[m], m)))})", "table")
                continue
            report.modules.append(entry)
        elif entry.endswith(SOURCE_SUFFIXES):
            report.add(path, 0, "source file directly under src/ belongs to no module", "table")

    for module in report.modules:
        check_public_layout(report, src, module)
        check_cmake(report, src, module)
        for root, dirs, files in os.walk(os.path.join(src, module)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    check_source(report, src, module, os.path.join(root, name))
    return report


def print_report(report: Report) -> int:
    if report.violations:
        for v in report.violations:
            print(v)
        print(f"module direction: FAILED: {len(report.violations)} violation(s) in {report.root} "
              "(rules: ARCHITECTURE.md 'Modules and the one rule of direction', STYLE.md 'Naming and headers')")
        return 1
    print(f"module direction: OK: {len(report.modules)} modules ({', '.join(report.modules)}), "
          f"{report.files} files, {report.includes} includes ({report.cross_module_includes} across modules), "
          f"{report.cmake_files} CMakeLists.txt with {report.cmake_links} link entries checked")
    return 0


# ---- self-test ----------------------------------------------------------------------------

def _write(root: str, rel: str, text: str) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def self_test() -> int:
    failures: list[str] = []

    def expect(name: str, files: dict[str, str], expected: list[tuple[str, str]]) -> None:
        """`expected`: (substring of 'path:line', rule) per violation, exactly."""
        with tempfile.TemporaryDirectory(prefix="kalam_direction_") as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(src)
            for rel, text in files.items():
                _write(src, rel, text)
            report = check_tree(src)
        got = report.violations
        ok = len(got) == len(expected) and all(
            any(where in v and v.endswith(f"[{rule}]") for v in got) for where, rule in expected)
        if not ok:
            failures.append(f"{name}: expected {expected}, got {got}")

    base = {
        "commons/include/kalam/commons/status.h": "#pragma once\nstruct Status {};\n",
        "store/include/kalam/store/store.h":
            '#pragma once\n#include "kalam/commons/status.h"  // allowed: store -> commons\n',
        "store/store.cc": '#include "kalam/store/store.h"\n#include <rocksdb/db.h>\n',
        "store/CMakeLists.txt": "kalam_module(store SOURCES store.cc DEPS kalam_commons PRIVATE_DEPS rocksdb_ext)\n",
    }
    # The allowed include and RocksDB inside store: no violation.
    expect("clean tree", base, [])
    # One violation: commons may use nothing.
    expect("upward include", {**base, "commons/status.cc":
                              '#include "kalam/commons/status.h"\n\n#include "kalam/store/store.h"\n'},
           [("src/commons/status.cc:3", "direction")])
    # Comments do not count.
    expect("commented include", {**base, "commons/status.cc":
                                 '// #include "kalam/store/store.h"\n/* #include <rocksdb/db.h> */\n'}, [])
    # Same layer is not "below": auth may not use system.
    expect("same layer", {**base, "auth/a.cc": '#include "kalam/store/store.h"\n#include "kalam/system/x.h"\n'},
           [("src/auth/a.cc:2", "direction")])
    expect("rocksdb outside store", {**base, "registry/r.cc": "#include <rocksdb/db.h>\n"},
           [("src/registry/r.cc:1", "rocksdb")])
    expect("duckdb in a public header",
           {**base, "registry/include/kalam/registry/r.h": '#pragma once\n#include "duckdb.hpp"\n',
            "tables/include/kalam/tables/t.h": '#pragma once\n#include "duckdb/common/types/value.hpp"\n',
            "registry/r.cc": '#include "duckdb/parser/parser.hpp"\n'},
           [("src/registry/include/kalam/registry/r.h:2", "duckdb")])
    expect("duckdb forward declaration", {**base, "commons/include/kalam/commons/v.h":
                                          "#pragma once\nnamespace duckdb {\nclass Value;\n}\n"},
           [("src/commons/include/kalam/commons/v.h:2", "duckdb")])
    expect("cmake deps", {**base, "registry/CMakeLists.txt":
                          "kalam_module(registry SOURCES r.cc\n  DEPS kalam_commons kalam_store\n"
                          "  PRIVATE_DEPS kalam_tables)\n"},
           [("src/registry/CMakeLists.txt:3", "cmake")])
    expect("cmake rocksdb public", {**base, "store/CMakeLists.txt":
                                    "kalam_module(store SOURCES store.cc DEPS kalam_commons rocksdb_ext)\n"},
           [("src/store/CMakeLists.txt:1", "rocksdb")])
    expect("unknown module dir", {**base, "widgets/w.cc": "int x;\n"}, [("src/widgets", "table")])
    expect("unknown module include", {**base, "core/c.cc": '#include "kalam/widgets/w.h"\n'},
           [("src/core/c.cc:1", "table")])
    expect("private header across modules", {**base, "core/include/kalam/core/e.h": "#pragma once\n",
                                             "core/q.h": "#pragma once\n",
                                             "tables/t.cc": '#include "../core/q.h"\n'},
           [("src/tables/t.cc:1", "direction"), ("src/tables/t.cc:1", "direction")])
    expect("relative include of an allowed public header",
           {**base, "registry/r.cc": '#include "../store/include/kalam/store/store.h"\n'}, [])
    expect("layout", {**base, "registry/include/kalam/store/fake.h": "#pragma once\n"},
           [("src/registry/include/kalam/store", "layout")])
    expect("cli uses only commons", {**base, "cli/main.cc": '#include "kalam/commons/status.h"\n'
                                                           '#include "kalam/core/engine.h"\n'},
           [("src/cli/main.cc:2", "direction")])

    if failures:
        for f in failures:
            print(f"self-test FAILED: {f}")
        return 1
    print("module direction: self-test OK (allowed includes pass; upward, same-layer, private, RocksDB, DuckDB, "
          "CMake, layout and unknown-module violations are detected)")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    src = argv[1]
    if not os.path.isdir(src):
        print(f"module direction: {src} is not a directory", file=sys.stderr)
        return 2
    return print_report(check_tree(src))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

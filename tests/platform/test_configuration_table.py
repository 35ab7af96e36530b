"""docs/configuration.md lists every environment variable the code reads, and nothing else.

The finder reads the code rather than importing it: in Python, `os.environ.get("X")`,
`os.environ["X"]`, `os.getenv("X")`, and calls such as `_int("X", 5)` to a function of the
same module that passes its first parameter to one of those; in the Makefile, `$(X)` or
`${X}` for a variable the Makefile does not set outright (`X ?= default` may be set from
the environment); in a shell script, `$X` or `${X}` for a variable the script does not set
itself (`${X:-default}` always reads it).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "configuration.md"
PYTHON_SOURCES = ["config.py", "wsgi.py", "community", "bench"]
MAKEFILES = ["Makefile"]
SHELL_SCRIPTS = [".ci/run"]


# ---------------------------------------------------------------- the finder


def _is_environ(node: ast.AST) -> bool:
    """`os.environ`, or `environ` imported from os."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _reads_environment(call: ast.Call) -> bool:
    """`os.environ.get(...)` or `os.getenv(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value):
        return True
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "getenv"
        and isinstance(func.value, ast.Name)
        and func.value.id == "os"
    ) or (isinstance(func, ast.Name) and func.id == "getenv")


def _name_read(node: ast.AST) -> ast.expr | None:
    """What a node reads from the environment (a constant or an expression), if anything."""
    if isinstance(node, ast.Call) and _reads_environment(node) and node.args:
        return node.args[0]
    if (
        isinstance(node, ast.Subscript)
        and _is_environ(node.value)
        and isinstance(node.ctx, ast.Load)
    ):
        return node.slice
    return None


def _readers(tree: ast.Module) -> set[str]:
    """Functions of the module that read the variable named by their first parameter."""
    readers = set()
    for function in ast.walk(tree):
        if (
            not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            or not function.args.args
        ):
            continue
        first = function.args.args[0].arg
        for node in ast.walk(function):
            read = _name_read(node)
            if isinstance(read, ast.Name) and read.id == first:
                readers.add(function.name)
    return readers


def variables_in_python(source: str) -> set[str]:
    tree = ast.parse(source)
    readers = _readers(tree)
    found = set()
    for node in ast.walk(tree):
        read = _name_read(node)
        calls_a_reader = isinstance(node, ast.Call) and getattr(node.func, "id", None) in readers
        if read is None and calls_a_reader and node.args:
            read = node.args[0]
        if isinstance(read, ast.Constant) and isinstance(read.value, str):
            found.add(read.value)
    return found


_MAKE_REFERENCE = re.compile(r"(?<!\$)\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
_MAKE_SET_OUTRIGHT = re.compile(
    r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|::=|=|\+=)", re.M
)


# make's own variables: no environment sets them for the project.
_MAKE_BUILT_IN = frozenset({"MAKE", "MAKEFLAGS", "CURDIR", "MAKECMDGOALS", "SHELL"})


def variables_in_makefile(source: str) -> set[str]:
    set_outright = set(_MAKE_SET_OUTRIGHT.findall(source)) | _MAKE_BUILT_IN
    return {name for name in _MAKE_REFERENCE.findall(source) if name not in set_outright}


_SHELL_DEFAULTED = re.compile(r"\$\{([A-Z_][A-Z0-9_]*):?[-=]")
_SHELL_REFERENCE = re.compile(r"\$(?:\{([A-Z_][A-Z0-9_]*)[}:#%/\[]|([A-Z_][A-Z0-9_]*))")
_SHELL_ASSIGNED = re.compile(
    r"(?:^|[\s;(])(?:export\s+|local\s+|readonly\s+)?([A-Z_][A-Z0-9_]*)=", re.M
)
_SHELL_LOOP = re.compile(r"\bfor\s+([A-Z_][A-Z0-9_]*)\s+in\b")


def variables_in_shell(source: str) -> set[str]:
    """Upper-case variables a script reads that it does not set itself, and any it defaults."""
    assigned = set(_SHELL_ASSIGNED.findall(source)) | set(_SHELL_LOOP.findall(source))
    referenced = {a or b for a, b in _SHELL_REFERENCE.findall(source)}
    return (referenced - assigned) | set(_SHELL_DEFAULTED.findall(source))


def variables_read() -> dict[str, set[str]]:
    """Every variable the code reads → the files that read it."""
    found: dict[str, set[str]] = {}

    def note(names: set[str], path: Path) -> None:
        for name in names:
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))

    for entry in PYTHON_SOURCES:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            note(variables_in_python(file.read_text()), file)
    for entry in MAKEFILES:
        note(variables_in_makefile((ROOT / entry).read_text()), ROOT / entry)
    for entry in SHELL_SCRIPTS:
        note(variables_in_shell((ROOT / entry).read_text()), ROOT / entry)
    return found


def variables_in_table(markdown: str) -> set[str]:
    """The names in the first column of the table: every `NAME` in backticks there."""
    names = set()
    for line in markdown.splitlines():
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        first = line.split("|")[1]
        names.update(re.findall(r"`([A-Z_][A-Z0-9_]*)`", first))
    return names


def table_problems(read: dict[str, set[str]], listed: set[str]) -> list[str]:
    """Each variable read but not listed (with where it is read), each listed but not read."""
    return [
        f"{name} is read ({', '.join(sorted(read[name]))}) but not in docs/configuration.md"
        for name in sorted(read.keys() - listed)
    ] + [
        f"{name} is in docs/configuration.md but nothing reads it"
        for name in sorted(listed - read.keys())
    ]


# ---------------------------------------------------------------- the rule


@pytest.fixture(scope="module")
def read_by_code() -> dict[str, set[str]]:
    return variables_read()


def test_the_table_names_every_variable_the_code_reads_and_no_other(read_by_code):
    problems = table_problems(read_by_code, variables_in_table(TABLE.read_text()))
    assert not problems, "\n".join(problems)


def test_the_finder_sees_the_variables_that_matter_in_this_code(read_by_code):
    assert {"SECRET_KEY", "DATABASE_URL", "MAIL_PORT", "FLASK_DEBUG"} <= read_by_code.keys()
    assert "config.py" in read_by_code["MAIL_PORT"]  # through config.py's own _int()
    assert "community/__init__.py" in read_by_code["SECRET_KEY"]  # os.environ["SECRET_KEY"]
    assert "community/web/gunicorn_conf.py" in read_by_code["GUNICORN_WORKERS"]
    assert "bench/wsgi.py" in read_by_code["BENCH_FLOOR"]
    assert "Makefile" in read_by_code["TEST_WORKERS"]
    assert ".ci/run" in read_by_code["CI"]


# ---------------------------------------------------------------- the finder, on samples


def test_python_reads_in_every_form_are_found():
    source = """
import os
from os import environ, getenv

def _number(name, default):
    value = os.environ.get(name)
    return int(value) if value else default

def unrelated(name):
    return name

A = os.environ.get("ALPHA", "1")
B = os.environ["BRAVO"]
C = os.getenv("CHARLIE")
D = environ.get("DELTA")
E = _number("ECHO", 5)
F = unrelated("FOXTROT")
G = getenv("GOLF")
os.environ["HOTEL"] = "written, not read"
"""
    assert variables_in_python(source) == {"ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "GOLF"}


def test_makefile_variables_the_environment_may_set_are_found():
    source = """
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
run:
\t$(BIN)/gunicorn --bind $(HOST):$(PORT) $(PYTEST_ARGS) ${OTHER}; $(MAKE) run
\tsender=$$!; echo $@
"""
    assert variables_in_makefile(source) == {"HOST", "PORT", "PYTEST_ARGS", "OTHER"}


def test_shell_variables_the_script_does_not_set_are_found():
    source = """
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
missing=()
LOCAL=1
echo "$LOCAL ${missing[*]} $HOME_DIR"
DATABASE_URL="postgresql://x" make test
DEBIAN_FRONTEND=noninteractive apt-get install
"""
    assert variables_in_shell(source) == {"CI", "HOME_DIR"}


def test_the_table_reader_takes_every_name_in_the_first_column_only():
    markdown = """
| variable | default | meaning |
| --- | --- | --- |
| `ONE` | `5` | mentions `NOT_A_ROW` |
| `TWO`, `THREE` | `1`, `2` | two at once |
"""
    assert variables_in_table(markdown) == {"ONE", "TWO", "THREE"}


def test_a_variable_missing_from_the_table_or_left_in_it_is_named(tmp_path, monkeypatch):
    module = sys.modules[__name__]
    (tmp_path / "config.py").write_text(
        'import os\nA = os.environ.get("KEPT")\nB = os.getenv("NEW")\n'
    )
    (tmp_path / "Makefile").write_text("run:\n\techo $(PORT)\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "PYTHON_SOURCES", ["config.py"])
    monkeypatch.setattr(module, "SHELL_SCRIPTS", [])
    read = variables_read()
    assert read == {"KEPT": {"config.py"}, "NEW": {"config.py"}, "PORT": {"Makefile"}}

    assert table_problems(read, {"KEPT", "PORT", "GONE"}) == [
        "NEW is read (config.py) but not in docs/configuration.md",
        "GONE is in docs/configuration.md but nothing reads it",
    ]
    assert table_problems(read, {"KEPT", "NEW", "PORT"}) == []

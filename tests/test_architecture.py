"""The shape of the code, checked on the source (ast, nothing imported): no import cycles, the
dependency direction of docs and DESIGN.md, and SQL only in the store and its migrations.

    quizapp.tui  ->  quizapp.session  ->  quizapp.grading  ->  quizapp.engine
    quizapp.cli  ->  quizapp.session  ->  quizapp.{content, store, scheduler}
    quizapp.drills implements a grading checker; it never imports the session

Imports inside functions and under ``if TYPE_CHECKING`` count: a dependency is a dependency.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "quizapp"  # quizapp/engine is a link to the engine/ folder: walked as quizapp.engine


def _modules() -> dict[str, Path]:
    """Every module under quizapp/ (the engine included, through its link), by dotted name."""
    found: dict[str, Path] = {}
    for folder, dirs, files in os.walk(PACKAGE, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if not name.endswith(".py"):
                continue
            parts = list(Path(folder, name).relative_to(PACKAGE.parent).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = Path(folder, name)
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported name as written, resolved to absolute, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                full = f"{source}.{alias.name}"
                out.append((full if full in MODULES else source, node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    """module -> the quizapp modules it imports (each name resolved to its deepest module)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        edges = set()
        for name, _ in _imports(module, path):
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                edges.add(name)
        graph[module] = edges
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _violations(importers: tuple[str, ...], forbidden: tuple[str, ...], allowed_importers: tuple[str, ...] = ()) -> list[str]:
    out = []
    for module, path in MODULES.items():
        if not _in(module, *importers) or _in(module, *allowed_importers):
            continue
        for name, line in _imports(module, path):
            if _in(name, *forbidden):
                out.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {name}")
    return out


def test_the_walk_sees_the_whole_package_and_the_engine():
    assert {"quizapp.session", "quizapp.store", "quizapp.grading", "quizapp.tui.app"} <= set(MODULES)
    assert "quizapp.engine.norms" in MODULES and "quizapp.engine.exercises.base" in MODULES


def test_there_are_no_import_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_engine_imports_nothing_from_the_app():
    assert _violations(("quizapp.engine",), ("quizapp",), ("quizapp.engine",)) == []
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for module, path in MODULES.items()
        if _in(module, "quizapp.engine")
        for name, line in _imports(module, path)
        if _in(name, "quizapp") and not _in(name, "quizapp.engine")
    ]
    assert bad == []


def test_nothing_imports_a_top_level_engine_package():
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for module, path in MODULES.items()
        for name, line in _imports(module, path)
        if _in(name, "engine")
    ]
    assert bad == [], "import quizapp.engine (or, inside engine/, relatively), never top-level engine"


def test_drills_never_import_the_session():
    assert _violations(("quizapp.drills",), ("quizapp.session", "quizapp.study", "quizapp.tui", "quizapp.cli")) == []


def test_grading_never_imports_the_layers_above_it():
    above = ("quizapp.session", "quizapp.study", "quizapp.tui", "quizapp.cli", "quizapp.store", "quizapp.drills")
    assert _violations(("quizapp.grading",), above) == []


def test_only_the_tui_and_the_command_that_starts_it_import_the_tui():
    assert _violations(("quizapp",), ("quizapp.tui",), ("quizapp.tui", "quizapp.cli")) == []


def test_nothing_outside_the_tui_imports_textual_or_rich():
    assert _violations(("quizapp",), ("textual", "rich"), ("quizapp.tui",)) == []


# -- SQL lives in the store -----------------------------------------------------------------------

#: SQL as this code base writes it (keywords in capitals), so prose ("select a card from...") is not SQL.
SQL = re.compile(r"\b(SELECT\b[\s\S]{1,800}?\bFROM|INSERT\s+(OR\s+[A-Z]+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")
#: The review database's SQL, and the deck cache's: a separate SQLite file of read decks, which
#: holds nothing of the user's and knows nothing of the review schema; and the reader of an Anki
#: package's collection, somebody else's schema, read only.
SQL_HOMES = {
    PACKAGE / "store.py",
    PACKAGE / "migrations.py",
    PACKAGE / "content" / "cache.py",
    PACKAGE / "exchange" / "anki_collection.py",
}


def _strings(path: Path) -> list[tuple[str, int]]:
    """Every string constant in the file (docstrings and f-string parts too), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        (node.value, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_there_is_no_sql_outside_the_store_and_its_migrations():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:40]!r}"
        for path in MODULES.values()
        if path not in SQL_HOMES
        for text, line in _strings(path)
        if (match := SQL.search(text))
    ]
    assert found == []


@pytest.mark.parametrize("text", [
    "SELECT card_id FROM card_state",
    "SELECT count(*)\n  FROM review_log WHERE x",
    "INSERT INTO settings VALUES (?, ?)",
    "INSERT OR REPLACE INTO x VALUES (1)",
    "UPDATE card_state SET due = 1",
    "DELETE FROM review_log",
])
def test_the_sql_pattern_recognises_statements(text):
    assert SQL.search(text)


@pytest.mark.parametrize("text", ["Select an option from the list", "delete from the end", "update the settings"])
def test_the_sql_pattern_leaves_prose_alone(text):
    assert not SQL.search(text)


def test_sessions_are_built_only_by_the_one_factory():
    """Every command and the TUI open their session with quizapp.study.open_session, so they
    cannot drift apart (the checkers, the limits, the clock)."""
    calls = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for module, path in MODULES.items()
        if module not in ("quizapp.study", "quizapp.session")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Session"
    ]
    assert calls == []

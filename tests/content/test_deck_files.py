"""Things named like a deck that are not deck files: each one line, the rest served, nothing hangs.

A FIFO would block an ordinary open until a writer came; the tests that would hang without the
fix carry a per-test timeout (pytest-timeout) so a regression fails instead of stalling the suite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.content import files, load_library, load_paths

DECK = "topic: fine\ntitle: Fine\nsummary: A deck that loads.\ncards:\n  - {id: fine-a, kind: flashcard, front: q, back: a, explain: e}\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "a_fine.yaml").write_text(DECK)
    return Path("decks")


def messages(library) -> list[str]:
    return [str(p) for p in library.problems]


@pytest.mark.timeout(60)
def test_a_fifo_in_a_deck_folder_is_refused_without_blocking(folder):
    os.mkfifo(folder / "pipe.yaml")
    library = load_paths([folder])
    assert messages(library) == ["decks/pipe.yaml: a named pipe (FIFO), not a deck file"]
    assert list(library.cards) == ["fine-a"]


@pytest.mark.timeout(60)
def test_a_fifo_given_as_the_deck_is_refused_without_blocking(folder):
    os.mkfifo(folder / "pipe.yaml")
    assert messages(load_paths([folder / "pipe.yaml"])) == ["decks/pipe.yaml: a named pipe (FIFO), not a deck file"]


@pytest.mark.timeout(60)
def test_a_fifo_swapped_in_after_the_look_is_caught_on_the_open_file(folder, monkeypatch):
    """The path is checked, then opened without blocking and checked again on what was opened."""
    os.mkfifo(folder / "pipe.yaml")
    real = files.not_a_file
    looks = iter([None])  # the first look is fooled into seeing a regular file
    monkeypatch.setattr(files, "not_a_file", lambda mode: next(looks, real(mode)))
    assert messages(load_paths([folder / "pipe.yaml"])) == ["decks/pipe.yaml: a named pipe (FIFO), not a deck file"]


@pytest.mark.timeout(60)
def test_a_device_is_refused_without_reading_it(folder):
    (folder / "zero.yaml").symlink_to("/dev/zero")  # endless: reading it would never finish
    library = load_paths([folder])
    assert messages(library) == ["decks/zero.yaml: a character device, not a deck file"]
    assert list(library.cards) == ["fine-a"]


def test_a_socket_is_refused(folder):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "sock.yaml"))
        assert messages(load_paths([folder])) == ["decks/sock.yaml: a socket, not a deck file"]
    finally:
        server.close()


def test_a_symlink_loop_is_one_line(folder):
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "ping.yaml").symlink_to("pong.yaml")
    (folder / "pong.yaml").symlink_to("ping.yaml")
    library = load_paths([folder])
    assert messages(library) == [
        f"decks/{name}.yaml: a symlink loop (the link leads back to itself), not a deck file"
        for name in ("loop", "ping", "pong")
    ]
    assert list(library.cards) == ["fine-a"]


def test_a_symlink_loop_given_as_the_path_is_one_line(folder):
    (folder / "loop.yaml").symlink_to("loop.yaml")
    assert messages(load_paths([folder / "loop.yaml"])) == [
        "decks/loop.yaml: a symlink loop (the link leads back to itself), not a deck file"
    ]


def test_a_broken_symlink_names_its_target(folder):
    (folder / "gone.yaml").symlink_to("elsewhere/missing.yaml")
    assert messages(load_paths([folder])) == [
        "decks/gone.yaml: a broken symlink (it points to elsewhere/missing.yaml, which does not exist)"
    ]


def test_a_symlinked_folder_loop_is_not_walked(folder):
    (folder / "again").symlink_to(".", target_is_directory=True)
    assert list(load_paths([folder]).cards) == ["fine-a"]


@pytest.mark.timeout(60)
def test_a_file_larger_than_any_deck_is_refused_after_reading_only_the_limit(folder, monkeypatch):
    monkeypatch.setattr(files, "MAX_DECK_BYTES", 2**20)
    with open(folder / "huge.yaml", "wb") as handle:
        handle.truncate(8 * 2**30)  # 8 GiB of holes: reading it all would not fit in memory
    library = load_paths([folder])
    assert messages(library) == ["decks/huge.yaml: larger than 1 MB: not a deck (split a big deck into one file per topic)"]
    assert list(library.cards) == ["fine-a"]


def test_an_unreadable_file_says_why(folder):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    (folder / "secret.yaml").write_text(DECK)
    os.chmod(folder / "secret.yaml", 0)
    assert messages(load_paths([folder])) == ["decks/secret.yaml: cannot read the file: Permission denied"]


# --- every command that loads decks gives the line, not a traceback -------------------------------


@pytest.fixture
def odd_folder(tmp_path):
    decks = tmp_path / "odd"
    decks.mkdir()
    (decks / "a_fine.yaml").write_text(DECK)
    (decks / "loop.yaml").symlink_to("loop.yaml")
    os.mkfifo(decks / "pipe.yaml")
    return decks


def run_quizapp(tmp_path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, QUIZAPP_CACHE_DIR=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(tmp_path / "r.db"), *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )


LOOP_LINE = "odd/loop.yaml: a symlink loop (the link leads back to itself), not a deck file"
FIFO_LINE = "odd/pipe.yaml: a named pipe (FIFO), not a deck file"


@pytest.mark.timeout(120)
def test_validate_reports_odd_files_in_one_line_each(tmp_path, odd_folder):
    run = run_quizapp(tmp_path, "validate", "odd")
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [LOOP_LINE, FIFO_LINE]
    assert "Traceback" not in run.stderr


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", [["stats"], ["study", "fine", "--plain"]], ids=["stats", "study"])
def test_study_and_stats_report_odd_files_and_go_on(tmp_path, odd_folder, command):
    run = run_quizapp(tmp_path, "--content", "odd", *command, stdin="q\n")
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[:2] == [LOOP_LINE, FIFO_LINE]
    assert "Traceback" not in run.stderr


@pytest.mark.timeout(120)
async def test_the_app_opens_with_odd_files_in_a_deck_folder(tmp_path, odd_folder, monkeypatch):
    from quizapp.tui.app import QuizApp

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(tmp_path / "cache"))
    app = QuizApp(db=str(tmp_path / "r.db"), content_dirs=["odd"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "skipped broken content" in str(app.screen.query_one("#notes").render())
        problems = [str(p) for p in app.ctx.library.problems]
        assert LOOP_LINE in problems and FIFO_LINE in problems
        assert "fine" in [o.id for o in app.ctx.library.outlines]


def test_load_library_with_a_loop_as_a_content_folder(tmp_path):
    (tmp_path / "loop").symlink_to("loop")
    library = load_library([tmp_path / "loop"], include_shipped=False)
    assert messages(library) == [f"{tmp_path / 'loop'}: a symlink loop (the link leads back to itself), not a deck file"]


def test_a_file_name_with_control_characters_is_shown_escaped(folder):
    (folder / "a\x1b[2Jb.yaml").write_text("topic: [\n")
    (problem,) = load_paths([folder]).problems
    assert problem.path == "decks/a\\x1b[2Jb.yaml"

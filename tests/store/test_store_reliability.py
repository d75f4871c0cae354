"""Reliability: SIGKILL at random moments loses no acknowledged review and never damages the
file; two processes studying the same database at once both succeed and lose nothing.

Nothing here depends on how fast the machine is: the tests wait for what a process says (its
acknowledgements, its exit), and the per-test timeout is the only bound on a wait."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from quizapp.store import Store

from .review_driver import drive

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"), pytest.mark.slow]


def start_driver(db: Path, seed: int, cards: int = 3000, max_grades: int | None = None) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.store.review_driver", str(db), str(cards), str(seed)]
    if max_grades is not None:
        args.append(str(max_grades))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def acknowledged(output: str) -> list[int]:
    """Review ids the process printed (each printed only after its commit)."""
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("saved: ")]


def check_database(db: Path, must_have: list[int]) -> int:
    """Integrity, every acknowledged review present, and each card's state written with its rows."""
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        reviews = store.reviews()
        ids = {review.id for review in reviews}
        missing = [rid for rid in must_have if rid not in ids]
        assert not missing, f"{len(missing)} acknowledged reviews lost, e.g. {missing[:5]}"
        per_card = Counter(review.card_id for review in reviews)
        reps = {cid: store.state(cid).reps for cid, row in store.state_rows().items() if row.started}
        assert reps == dict(per_card)  # state and log row were written in one transaction
        return len(ids)


def fork_driver(db: Path, seed: int) -> tuple[int, int]:
    """Fork a child running the driver loop, its acknowledgements written unbuffered to a pipe
    (a fork skips the interpreter start-up, so 20 kills take a couple of seconds)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: study until killed
        os.close(read_fd)
        try:
            drive(str(db), 3000, seed, None, lambda line: os.write(write_fd, (line + "\n").encode()))
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, read_fd


def read_until(fd: int, marker: bytes) -> bytes:
    """What the child wrote up to ``marker``, or to its end (EOF)."""
    data = b""
    while marker not in data:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_random_moments_loses_no_acknowledged_review(tmp_path):
    """20 children study one file in turn and are killed: one in five at a random moment after it
    starts (perhaps while opening or migrating the file), the others at a random moment after their
    first acknowledged review, so at any speed those kills land while reviews are being written."""
    db = tmp_path / "q.db"
    rng = random.Random(20240611)
    acked: list[int] = []
    for run in range(20):
        pid, fd = fork_driver(db, seed=run)
        if run % 5 == 4:
            time.sleep(rng.uniform(0.0, 0.02))  # may land while opening or migrating
            seen = b""
        else:
            seen = read_until(fd, b"saved: ")  # one line is one write: a whole acknowledgement
            assert b"saved: " in seen, seen  # at least one review written, at any speed
            time.sleep(rng.uniform(0.0, 0.1))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        seen += read_until(fd, b"\0")  # to EOF: lines already in the pipe were acknowledged
        os.close(fd)
        acked.extend(acknowledged(seen.decode()))
        check_database(db, acked)  # after every kill: nothing acknowledged is lost


def test_sigkill_of_the_plain_drill_command(tmp_path):
    """The real command fed by a pipe: every 'saved:' line it printed is in the database."""
    db = tmp_path / "q.db"
    deck = tmp_path / "deck"
    deck.mkdir()
    cards = "\n".join(
        f"  - id: kill-{i}\n    kind: flashcard\n    front: q{i}\n    back: a{i}\n    explain: e{i}"
        for i in range(200)
    )
    (deck / "kill.yaml").write_text(f"topic: kill-test\ntitle: Kill\nsummary: s\ncards:\n{cards}\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--content", str(deck), "study", "kill-test", "--plain"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )
    proc.stdin.write("\n3\n" * 200)
    proc.stdin.flush()
    lines = []
    while len(lines) < 25:  # wait for some acknowledgements, then kill mid-stream
        line = proc.stdout.readline()
        assert line, "drill ended early"
        if line.startswith("saved: "):
            lines.append(line)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    saved = [line.split()[1] for line in lines + out.splitlines() if line.startswith("saved: ")]
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        logged = [r.card_id for r in reversed(store.reviews())]
    assert logged[: len(saved)] == saved


def test_two_processes_reviewing_the_same_database(tmp_path):
    db = tmp_path / "q.db"
    Store.open(db).close()
    grades = 150
    procs = [start_driver(db, seed=seed, cards=300, max_grades=grades) for seed in (1, 2)]
    outputs = [proc.communicate() for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert err == ""
        assert out.rstrip().endswith("done")
    acked = [rid for out, _ in outputs for rid in acknowledged(out)]
    assert len(acked) == 2 * grades and len(set(acked)) == len(acked)
    total = check_database(db, acked)
    assert total == 2 * grades  # no lost and no extra review


def test_a_reader_does_not_block_a_writer(tmp_path):
    """WAL: a long read transaction in another connection does not stop grading."""
    db = tmp_path / "q.db"
    Store.open(db).close()
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM review_log").fetchone()
    try:
        proc = start_driver(db, seed=5, cards=10, max_grades=10)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert len(acknowledged(out)) == 10
    finally:
        reader.close()
    assert os.path.getsize(db) > 0

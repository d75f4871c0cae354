"""A check leaves nothing behind: no process, no file, no folder, and none of the app's environment.

Process checks look only at the processes the test's own solution started (they print their pids,
see support.py), never at the rest of the machine, so two suites can run side by side.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.drills import process, sandbox
from quizapp.drills.process import Checker, remove_stale_folders

from support import FORK_TOOLS, GENEROUS, HEAD, RIGHT_BODY, left_behind, run, started_processes, still_running

#: On the first call: fork; the child starts a new session, forks a grandchild that ignores
#: SIGTERM and sleeps, and leaves (so the grandchild is an orphan).  Each parent prints its child's
#: pid at once (support.FORK_TOOLS); markers say when the child and grandchild are there.
FORK_SETSID_FORK = (
    "    if not os.path.exists('forked'):\n"
    "        open('forked', 'w').close()\n"
    "        if fork_and_say() == 0:\n"
    "            os.setsid()\n"
    "            if fork_and_say() == 0:\n"
    "                signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "                open('grandchild', 'w').close()\n"
    "                time.sleep(600)\n"
    "            open('child', 'w').close()\n"
    "            os._exit(0)\n"
)
BOTH_THERE = "        while not (os.path.exists('child') and os.path.exists('grandchild')):\n            time.sleep(0.01)\n"


def wait_for(condition, what: str, limit: float = GENEROUS) -> None:
    """Poll until ``condition()`` holds; the limit only guards against a hang."""
    give_up = time.monotonic() + limit
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.05)


def test_fork_setsid_fork_leaves_no_process_after_a_passing_check():
    # The solution returns only once both are there: it is the clean-up that must end them.
    report = run(FORK_SETSID_FORK + BOTH_THERE + RIGHT_BODY, head=FORK_TOOLS + HEAD, timeout=GENEROUS)
    assert report.passed, report.lines()
    forked = started_processes(report.printed)
    assert len(forked) == 2
    assert left_behind(forked) == []


def test_fork_setsid_fork_leaves_no_process_after_a_time_out():
    report = run(FORK_SETSID_FORK + "    while True:\n        pass\n", head=FORK_TOOLS + HEAD)
    assert report.timed_out
    forked = started_processes(report.printed)
    # The child is printed by the solution at once; the grandchild only if the child got to run.
    assert 1 <= len(forked) <= 2
    assert left_behind(forked) == []


def test_the_solution_gets_a_minimal_environment_and_its_own_folder(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET", "the app's secret")
    body = ("    import os\n    print(sorted(os.environ.items()), os.getcwd(), sorted(os.listdir('.')))\n" + RIGHT_BODY)
    checker = Checker()  # started after the secret was set, as the app's would be
    try:
        report = run(body, timeout=GENEROUS, checker=checker)
        line = report.printed.splitlines()[0]
        assert "QUIZAPP_SECRET" not in line and "the app's secret" not in line
        folder = str(checker.work)
        assert line == (
            f"[('HOME', '{folder}'), ('LC_ALL', 'C.UTF-8'), ('MKL_NUM_THREADS', '1'), ('NUMEXPR_NUM_THREADS', '1'), "
            f"('OMP_NUM_THREADS', '1'), ('OPENBLAS_NUM_THREADS', '1'), ('TMPDIR', '{folder}')] {folder} ['solution.py']"
        )
    finally:
        checker.close()


def test_what_a_solution_leaves_in_its_folder_is_removed_after_the_check():
    litter = ("    import os, pathlib\n"
              "    if not os.path.exists('note.txt'):\n"
              "        pathlib.Path('deep/er').mkdir(parents=True)\n"
              "        pathlib.Path('deep/er/file.txt').write_text('x')\n"
              "        os.chmod('deep/er', 0)\n        os.chmod('deep', 0)\n"
              "        open('note.txt', 'w').write('for the next check')\n        print(os.getcwd())\n" + RIGHT_BODY)
    checker = Checker()
    try:
        report = run(litter, timeout=GENEROUS, checker=checker)
        assert report.passed
        folder = Path(report.printed.splitlines()[0])
        assert folder == checker.work and sorted(os.listdir(folder)) == []
        report = run("    import os\n    print(sorted(os.listdir('.')))\n" + RIGHT_BODY, timeout=GENEROUS, checker=checker)
        assert report.printed.splitlines()[0] == "['solution.py']"
    finally:
        checker.close()
    assert not folder.exists() and not folder.parent.exists()


def test_the_checker_is_started_once_and_reused():
    checker = Checker()
    try:
        first = run("    import os\n    print(os.getppid())\n" + RIGHT_BODY, timeout=GENEROUS, checker=checker)
        again = run("    import os\n    print(os.getppid())\n" + RIGHT_BODY, timeout=GENEROUS, checker=checker)
        assert first.printed.splitlines()[0] == again.printed.splitlines()[0]
        assert run("    import os\n    print(os.getpid())\n" + RIGHT_BODY, timeout=GENEROUS, checker=checker).passed
    finally:
        checker.close()


# -- folders left by a crashed app ---------------------------------------------------------------------


def _folder(root: Path, pid: int, started: str) -> Path:
    folder = root / f"{process.FOLDER_PREFIX}{pid}.{started}-abc123"
    (folder / "work").mkdir(parents=True)
    (folder / "work" / "solution.py").write_text("def f(): pass\n")
    return folder


def _gone_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_folders_of_apps_that_are_gone_are_removed_and_others_kept(tmp_path):
    mine = _folder(tmp_path, os.getpid(), process._start_time(os.getpid()))
    dead = _folder(tmp_path, _gone_pid(), "12345")
    reused = _folder(tmp_path, os.getpid(), "1")  # this pid, but a process that started at another time
    locked = _folder(tmp_path, _gone_pid(), "99")
    os.chmod(locked / "work", 0)
    unrelated = tmp_path / "quizapp-drill-notapid"
    unrelated.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    remove_stale_folders(tmp_path)
    assert mine.exists() and unrelated.exists() and other.exists()
    assert not dead.exists() and not reused.exists() and not locked.exists()


def test_an_app_killed_mid_check_leaves_a_folder_that_the_next_start_removes(tmp_path):
    script = (
        "import sys\n"
        "from quizapp.drills import process, runner\n"
        "checker = process.Checker()\n"
        "checker.start()\n"
        "print(checker.work, checker.pid, flush=True)\n"
        "code = 'import os, time\\nopen(\"started\", \"w\").write(f\"{os.getpid()} {time.clock_gettime(time.CLOCK_BOOTTIME)}\")\\n'\n"
        "runner.run(code + 'def f(x):\\n    time.sleep(600)\\n', 'f', [(1.0,)], 1, timeout=600, checker=checker)\n"
    )
    spawned = time.clock_gettime(time.CLOCK_BOOTTIME)
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        work, checker_pid = app.stdout.readline().split()
        checker_started = process._start_time(int(checker_pid))
        started = Path(work) / "started"
        wait_for(lambda: started.exists() and started.read_text(), "the solution to start")
        solution_pid, solution_boot = started.read_text().split()
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
        app.stdout.close()
    # The checker sees the app's end of its socket close: it kills the solution and leaves.
    wait_for(lambda: process._start_time(int(checker_pid)) != checker_started, "the checker to leave")
    wait_for(lambda: not still_running(int(solution_pid), spawned, float(solution_boot)), "the solution to be killed")
    folder = Path(work).parent
    assert folder.exists()
    remove_stale_folders(tmp_path)
    assert not folder.exists()


def test_a_folder_named_for_a_live_process_of_another_user_is_left_alone(tmp_path):
    # pid 1 runs as root: to another user it is someone else's live process; to root, a live one.
    folder = _folder(tmp_path, 1, process._start_time(1))
    remove_stale_folders(tmp_path)
    assert folder.exists()


@pytest.mark.parametrize("abi, says, not_enforced", [
    (0, "no Landlock here: nothing stops a solution from reading or writing your files", None),
    (3, "Landlock ABI 3: it reads only Python, NumPy and its own folder", "network access"),
    (5, "it opens no TCP connection", "signals; a solution could stop the checker"),
    (7, "it signals no process outside it and reaches no abstract socket", None),
])
def test_where_says_what_confines_a_solution(abi, says, not_enforced, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: abi)
    assert main(["--db", str(tmp_path / "r.db"), "where"]) == 0
    out = capsys.readouterr().out
    assert "drills:   each solution runs in its own process with NumPy and the standard library alone" in out
    assert says in out
    assert ("not enforced" in out) == (not_enforced is not None)
    if not_enforced:
        assert not_enforced in out

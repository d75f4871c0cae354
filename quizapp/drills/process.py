"""The checker process: its private folder, its start and stop, and the folders crashed apps left.

A :class:`Checker` starts ``python -I -S -B`` (isolated: no PYTHON* variables, no user site, no
site-packages, no bytecode written) on :mod:`quizapp.drills.harness`, whose import path is the
standard library plus a private folder ``quizapp-drill-PID.START-*/lib`` holding copies of the
harness modules and a link to NumPy: nothing of the app.  Its environment is a few variables of
its own, none of the app's.  It imports NumPy once and serves every check of the app until
:meth:`Checker.close` (or the app's exit); :mod:`quizapp.drills.runner` speaks to it.

This module needs only the standard library, so ``quizapp code TASK --file`` can start the checker
(:func:`warm_up`) before NumPy and the tasks load in the app: the two imports then overlap.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

FOLDER_PREFIX = "quizapp-drill-"
#: How long closing waits for the checker process to leave before killing it.
STOP_TIMEOUT = 10.0
_MODULES = ("harness.py", "wire.py", "sandbox.py")
_PACKAGE = "drillcheck"
_BOOT = f"import sys; sys.path[:0] = [sys.argv[1]]; from {_PACKAGE}.harness import main; main()"


def _child_env(work: Path) -> dict[str, str]:
    """The checker's whole environment: none of the app's variables, one BLAS thread (a drill never
    takes both cores), and the solutions' folder as HOME and TMPDIR."""
    env = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
    env.update(LC_ALL="C.UTF-8", HOME=str(work), TMPDIR=str(work))
    return env


class Checker:
    """One checker process, started on first use and kept until :meth:`close`.

    ``lock`` serialises its users (one solution process at a time); ``hello`` is the checker's
    first message once it has arrived (:mod:`quizapp.drills.runner` reads the control socket).
    """

    _stale_removed = False

    def __init__(self, python: str | None = None):
        self.python = python or sys.executable
        self.hello: dict[str, Any] | None = None
        self.lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._errors = None
        self._folder: Path | None = None

    @property
    def pid(self) -> int | None:
        """The checker process's pid while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def work(self) -> Path:
        """The solutions' folder (their working directory, HOME and TMPDIR)."""
        assert self._folder is not None
        return self._folder / "work"

    @property
    def control(self) -> socket.socket:
        assert self._control is not None
        return self._control

    def start(self) -> None:
        """Start the checker process unless it is running (it imports NumPy in the background)."""
        with self.lock:
            if self._process is None or self._process.poll() is not None:
                self._start()

    def _start(self) -> None:
        self.close()
        if not Checker._stale_removed:
            Checker._stale_removed = True
            remove_stale_folders()
        pid = os.getpid()
        self._folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{pid}.{_start_time(pid)}-"))
        lib = self._folder / "lib"
        package = lib / _PACKAGE
        package.mkdir(parents=True)
        self.work.mkdir(mode=0o700)
        (package / "__init__.py").write_text("", encoding="utf-8")
        for name in _MODULES:
            shutil.copyfile(Path(__file__).with_name(name), package / name)
        numpy_dir = Path(importlib.util.find_spec("numpy").origin).resolve().parent  # found, not imported
        for target in (numpy_dir, numpy_dir.with_name("numpy.libs")):
            if target.exists():
                (lib / target.name).symlink_to(target, target_is_directory=True)
        ours, theirs = socket.socketpair()
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [self.python, "-I", "-S", "-B", "-c", _BOOT, str(lib), str(self.work), str(theirs.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._errors, cwd=self.work,
                env=_child_env(self.work), start_new_session=True, pass_fds=(theirs.fileno(),),
            )
        except OSError:
            ours.close()
            self.close()
            raise
        finally:
            theirs.close()
        self._control = ours

    def send(self, data: bytes, fds: list[int] | tuple[()] = ()) -> None:
        """Send ``data`` (and the descriptors ``fds`` with its first bytes) to the checker; a
        checker that is gone is not an error here: its socket then reads as closed."""
        try:
            sent = socket.send_fds(self.control, [data], list(fds)) if fds else 0
            self.control.sendall(data[sent:])
        except OSError:
            pass

    def receive(self) -> bytes:
        """What the checker sent (empty once it is gone)."""
        try:
            return self.control.recv(1 << 16)
        except OSError:  # reset: the checker died with our request unread
            return b""

    def stderr_tail(self, limit: int) -> str:
        """The end of what the checker process wrote to stderr (why it could not start)."""
        if self._errors is None:
            return ""
        size = os.fstat(self._errors.fileno()).st_size
        return os.pread(self._errors.fileno(), limit, max(0, size - limit)).decode("utf-8", "replace")

    def close(self) -> None:
        """Stop the checker process (it kills any solution process first) and remove its folder."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._errors is not None:
            self._errors.close()
            self._errors = None
        if self._folder is not None:
            remove_tree(self._folder)
            self._folder = None
        self.hello = None


_shared: Checker | None = None
_shared_lock = threading.Lock()


def shared() -> Checker:
    """The app's checker, kept warm between checks and stopped when the app exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Checker()
            atexit.register(_shared.close)
        return _shared


def warm_up() -> None:
    """Start the app's checker now, so that it imports NumPy while the caller does other work (the
    CLI while the tasks load; the app when a code card is shown).  A checker that cannot start is
    reported by the check that needs it."""
    try:
        shared().start()
    except OSError:
        pass


# -- folders -------------------------------------------------------------------------------------------


def _start_time(pid: int) -> str:
    """When ``pid`` started (clock ticks since boot), so a reused pid is not taken for its owner."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return started == "0" or _start_time(pid) in (started, "0")


def remove_tree(path: Path) -> None:
    """Remove ``path`` and all it holds, whatever a solution did to the modes; never follows links."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    for folder, subfolders, _files in os.walk(path):
        os.chmod(folder, 0o700)
        for name in subfolders:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), 0o700)
    shutil.rmtree(path, ignore_errors=True)


def clear(folder: Path) -> None:
    """Empty ``folder`` (the solutions' folder between checks: its inode is in the Landlock rules)."""
    os.chmod(folder, 0o700)
    for entry in os.scandir(folder):
        remove_tree(Path(entry.path))


def remove_stale_folders(root: Path | None = None) -> None:
    """Remove the folders of checkers whose app died (named ``quizapp-drill-PID.START-...``), only
    those of this user whose process is gone: another app's running checks are left alone."""
    root = Path(root or tempfile.gettempdir())
    pattern = re.compile(re.escape(FOLDER_PREFIX) + r"(\d+)\.(\d+)-")
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        try:
            mine = entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid()
        except OSError:
            continue
        if match and mine and not _alive(int(match.group(1)), match.group(2)):
            remove_tree(Path(entry.path))

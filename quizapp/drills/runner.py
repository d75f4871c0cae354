"""Run a user's function in a separate, limited Python process and collect what it returned.

The user's code is never executed in the app's process.  :func:`run` writes the code, the cases and
the limits to a fresh temporary folder, starts ``python -I harness.py FOLDER`` (isolated mode: no
user site-packages, no PYTHON* variables, the script's folder not on sys.path) in its own process
group with stdin closed and a small environment (one BLAS thread, so a drill never takes both
cores), waits at most ``timeout`` seconds of wall clock, then kills the whole group whatever
happened (a forked child is killed too).  See :mod:`quizapp.drills.harness` for the protocol.

The limits (:class:`Limits`) and why:

- ``memory_bytes`` 1 GiB of address space (RLIMIT_AS): Python with NumPy and OpenBLAS maps about
  150-300 MB, so 1 GiB leaves ample room for any honest solution while ``np.ones(10**10)`` fails
  at once with MemoryError instead of swapping the machine.
- ``cpu_seconds``: the wall-clock timeout rounded up, plus one (RLIMIT_CPU); a backstop if the
  parent is gone.
- ``file_bytes`` 16 MB per file written (RLIMIT_FSIZE): output written straight to a file
  descriptor cannot fill the disk.
- ``print_bytes`` 64 KB of prints kept (the rest counted and dropped).
- no core dumps (a crash of a 1 GiB process would otherwise write one).

This is a guard against mistakes (loops, huge arrays, crashes), not a security sandbox: the code
runs with the user's own permissions, as it would if they ran it themselves.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

HARNESS = Path(__file__).with_name("harness.py")

#: How much of the user's printed output a report keeps.
SHOWN_OUTPUT = 2000


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 1 << 30
    file_bytes: int = 16 << 20
    print_bytes: int = 64 << 10
    max_output_elements: int = 1_000_000

    def as_spec(self, timeout: float) -> dict[str, int]:
        return {
            "memory_bytes": self.memory_bytes,
            "cpu_seconds": math.ceil(timeout) + 1,
            "file_bytes": self.file_bytes,
            "print_bytes": self.print_bytes,
            "max_output_elements": self.max_output_elements,
        }


DEFAULT_LIMITS = Limits()


@dataclass
class RunResult:
    """What came back from one run; :mod:`quizapp.drills.checking` turns it into a report.

    ``ready`` says the child started (NumPy imported), ``loaded`` that the user's file ran.
    ``outputs[i]`` is the list of arrays returned for case i (missing if the case never finished).
    ``error`` is the harness's error event (an exception in the user's code), ``bad_output`` a
    one-line complaint about the returned value, ``missing`` the names found when the function was
    not.  ``timed_out``, ``returncode`` and ``signal_name`` say how the process ended; ``running``
    is the case that had started but not finished when it ended (None before the first case).
    """

    outputs: dict[int, list[np.ndarray]] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    bad_output: dict[str, Any] | None = None
    missing: dict[str, Any] | None = None
    ready: bool = False
    loaded: bool = False
    finished: bool = False
    timed_out: bool = False
    returncode: int | None = None
    signal_name: str | None = None
    running: int | None = None
    printed: str = ""
    printed_bytes: int = 0
    stderr: str = ""
    seconds: float = 0.0


def _encode_args(index: int, args: Sequence[Any], arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    encoded = []

    def one(position: str, value: Any) -> dict[str, Any]:
        if isinstance(value, np.ndarray):
            key = f"c{index}_{position}"
            arrays[key] = value
            return {"array": key}
        if isinstance(value, tuple):
            return {"tuple": [one(f"{position}_{i}", v) for i, v in enumerate(value)]}
        if isinstance(value, (np.integer, np.floating, np.bool_)):
            value = value.item()
        if value is None or isinstance(value, (bool, int, float)):
            return {"value": value}
        raise TypeError(f"cannot pass {type(value).__name__} to a drill")

    for position, value in enumerate(args):
        encoded.append(one(f"a{position}", value))
    return encoded


def _child_env() -> dict[str, str]:
    env = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
    env["LC_ALL"] = "C.UTF-8"
    if "PATH" in os.environ:
        env["PATH"] = os.environ["PATH"]
    if "SYSTEMROOT" in os.environ:  # Windows needs it to start Python at all
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def run(
    code: str,
    function: str,
    cases: Sequence[Sequence[Any]],
    outputs: int,
    *,
    timeout: float = 5.0,
    limits: Limits = DEFAULT_LIMITS,
    while_running=None,
) -> RunResult:
    """Run ``function`` from ``code`` on each argument list in ``cases`` in a child process.

    ``outputs`` is how many values the function returns (1: one array; k > 1: a tuple of k).
    ``while_running`` (optional, no arguments) is called once the child has started, so the
    caller can compute the expected answers in parallel with the child's NumPy import.
    """
    started = time.perf_counter()
    result = RunResult()
    with tempfile.TemporaryDirectory(prefix="quizapp-drill-") as tmp:
        work = Path(tmp)
        arrays: dict[str, np.ndarray] = {}
        spec = {
            "function": function,
            "outputs": outputs,
            "limits": limits.as_spec(timeout),
            "cases": [{"args": _encode_args(i, args, arrays)} for i, args in enumerate(cases)],
        }
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        np.savez(work / "inputs.npz", **arrays)
        (work / "solution.py").write_text(code, encoding="utf-8")
        with open(work / "stdout.txt", "wb") as out, open(work / "stderr.txt", "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-I", str(HARNESS), str(work)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=work,
                env=_child_env(),
                start_new_session=True,
                close_fds=True,
            )
            try:
                if while_running is not None:
                    while_running()
                remaining = timeout - (time.perf_counter() - started)
                proc.wait(timeout=max(remaining, 0.0))
            except subprocess.TimeoutExpired:
                result.timed_out = True
            finally:
                _kill_group(proc)
                proc.wait()
        result.returncode = proc.returncode
        if proc.returncode is not None and proc.returncode < 0:
            try:
                result.signal_name = signal.Signals(-proc.returncode).name
            except ValueError:
                result.signal_name = f"signal {-proc.returncode}"
        _read_events(work, result)
        result.printed = _read_text(work / "stdout.txt", SHOWN_OUTPUT)
        if not result.finished:  # the harness never counted: the file's size is a lower bound
            try:
                result.printed_bytes = (work / "stdout.txt").stat().st_size
            except OSError:
                pass
        result.stderr = _read_text(work / "stderr.txt", SHOWN_OUTPUT)
    result.seconds = time.perf_counter() - started
    return result


def _read_text(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _read_events(work: Path, result: RunResult) -> None:
    """Fold the events file into ``result``; lines that do not parse are skipped."""
    try:
        with open(work / "events.jsonl", "rb") as f:
            raw = f.read(1 << 20)
    except OSError:
        return
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        case = event.get("case")
        if kind == "ready":
            result.ready = True
        elif kind == "loaded":
            result.loaded = True
        elif kind == "start" and isinstance(case, int):
            result.running = case
        elif kind == "done" and isinstance(case, int):
            result.running = None
            arrays = _load_outputs(work / f"out_{case}.npz")
            if arrays is not None:
                result.outputs[case] = arrays
        elif kind == "error":
            result.error = event
            result.running = None
        elif kind == "bad_output":
            result.bad_output = event
            result.running = None
        elif kind == "missing":
            result.missing = event
        elif kind == "finished":
            result.finished = True
            printed = event.get("printed")
            result.printed_bytes = printed if isinstance(printed, int) else 0


def _load_outputs(path: Path) -> list[np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = sorted(data.files, key=lambda k: int(k[1:]) if k[1:].isdigit() else 0)
            return [data[key] for key in keys]
    except Exception:  # a file the user's code tampered with
        return None

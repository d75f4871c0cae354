"""One check: send the request, read the solution's frames distrustfully, say how the run ended.

The user's code never runs in the app's process.  :func:`run` hands a request to the checker
process (:mod:`quizapp.drills.process`), which forks a fresh solution process with its own limits,
Landlock rules and clean-up (:mod:`quizapp.drills.harness`, :mod:`quizapp.drills.sandbox`).

For each run the app creates a pipe and an output file and sends their write ends with the request.
The solution process writes one frame per event to the pipe (:mod:`.wire`) and its prints to the
file.  The app reads the pipe as hostile input: frames over the size limits, malformed arrays,
results out of order or twice, anything after ``finished``, or more than :data:`MAX_RESULT_BYTES`
in all end the reading with ``protocol_error`` set.  A case counts only when its result arrived
here; the expected values never leave the app.

The limits (:class:`Limits`) and why:

- ``memory_bytes`` 1 GiB of address space (RLIMIT_AS): Python with NumPy and OpenBLAS maps about
  100-300 MB, so 1 GiB leaves ample room for any honest solution while ``np.ones(10**10)`` fails
  at once with MemoryError instead of swapping the machine.
- ``cpu_seconds``: the wall-clock timeout rounded up, plus one (RLIMIT_CPU); a backstop.
- ``file_bytes`` 16 MB per file written (RLIMIT_FSIZE): output written straight to a file
  descriptor cannot fill the disk.
- ``print_bytes`` 64 KB of prints kept (the rest counted and dropped).
- no core dumps (a crash of a 1 GiB process would otherwise write one).

The time limit counts from the solution process's start, not the checker's (a slow NumPy import
on a busy machine is not the solution's time).  What is enforced beyond that depends on the kernel:
:func:`quizapp.drills.sandbox.enforcement` says it in words.
"""

from __future__ import annotations

import math
import os
import select
import signal
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from quizapp.drills import process, wire

#: How much of the user's printed output a report keeps.
SHOWN_OUTPUT = 2000
#: The most the app reads from one run's result pipe.
MAX_RESULT_BYTES = 64 << 20
#: How long the checker process may take to start (mostly NumPy's import) on a busy machine.
START_TIMEOUT = 60.0
#: How long past the time limit the app waits for the checker to answer before giving up on it.
GRACE = 10.0


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

    Every text field came from the solution's process: :func:`quizapp.drills.checking.grade`
    cleans what it shows.  ``ready`` says the solution process started (confined, limits set); ``unready`` why it could
    not.  ``loaded`` says the user's file ran.  ``outputs[i]`` holds the arrays received for case i.
    ``error`` is the exception the user's code raised (type, message, the user's line),
    ``bad_output`` a one-line complaint about a returned value, ``missing`` the names found when
    the function was not.  ``running`` is the case that had started but not finished when the run
    ended.  ``timed_out``, ``returncode`` and ``signal_name`` say how the process ended;
    ``protocol_error`` says how the result pipe broke its rules; ``lost`` why the checker itself
    failed.
    """

    outputs: dict[int, list[np.ndarray]] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    bad_output: dict[str, Any] | None = None
    missing: dict[str, Any] | None = None
    ready: bool = False
    unready: str | None = None
    loaded: bool = False
    finished: bool = False
    timed_out: bool = False
    returncode: int | None = None
    signal_name: str | None = None
    running: int | None = None
    print_cap: bool = False
    printed: str = ""
    printed_bytes: int = 0
    protocol_error: str | None = None
    lost: str | None = None
    stderr: str = ""
    seconds: float = 0.0


class _Protocol(Exception):
    """A frame from the solution's process that breaks the protocol."""


def _text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _whole(value: Any, below: int) -> int | None:
    return value if type(value) is int and 0 <= value < below else None


class _Reading:
    """Folds the solution's frames into a :class:`RunResult`, in the only order the harness sends
    them: ready, [loaded, (start i, result i)...], [error | bad_output | missing], finished;
    print_cap at any point after ready."""

    def __init__(self, result: RunResult, cases: int, outputs: int, limits: Limits):
        self.result, self.cases, self.outputs, self.limits = result, cases, outputs, limits
        self.stopped = False  # an error, a bad output or a missing function ends the cases

    def take(self, header: dict[str, Any], payload: bytes) -> None:
        r, kind = self.result, header["kind"]
        if r.finished or r.unready is not None:
            raise _Protocol(f"a {_text(kind, 40)!r} message after the end")
        if not r.ready and kind not in ("ready", "unready"):
            raise _Protocol(f"a {_text(kind, 40)!r} message before the start")
        if payload and kind != "result":
            raise _Protocol(f"arrays in a {_text(kind, 40)!r} message")
        if kind == "ready" and not r.ready:
            r.ready = True
        elif kind == "unready":
            r.unready = _text(header.get("reason")) or "no reason given"
        elif kind == "print_cap":
            r.print_cap = True
        elif kind == "finished":
            r.finished = True
            r.printed_bytes = header["printed"] if type(header.get("printed")) is int and header["printed"] > 0 else 0
        elif self.stopped:
            raise _Protocol(f"a {_text(kind, 40)!r} message after the run stopped")
        else:
            self._step(kind, header, payload)

    def _step(self, kind: str, header: dict[str, Any], payload: bytes) -> None:
        r, next_case = self.result, len(self.result.outputs)
        if kind == "loaded" and not r.loaded:
            r.loaded = True
        elif kind == "start" and r.loaded and r.running is None and header.get("case") == next_case < self.cases:
            r.running = next_case
        elif kind == "result" and r.running is not None and header.get("case") == r.running:
            try:
                arrays = wire.arrays_from(header, payload, self.limits.max_output_elements)
            except wire.FrameError as err:
                raise _Protocol(f"a result for case {next_case + 1} with {err}") from None
            if len(arrays) != self.outputs:
                raise _Protocol(f"a result for case {next_case + 1} with {len(arrays)} values, not {self.outputs}")
            r.outputs[next_case], r.running = arrays, None
        elif kind == "error":
            self.stopped, r.running = True, None
            r.error = {"type": _text(header.get("type"), 100) or "Exception", "message": _text(header.get("message")),
                       "line": _whole(header.get("line"), 1 << 31), "source": _text(header.get("source"), 200),
                       "function": _text(header.get("function"), 100), "stage": _text(header.get("stage"), 10),
                       "case": _whole(header.get("case"), self.cases)}
        elif kind == "bad_output" and r.running is not None:
            self.stopped = True
            r.bad_output = {"case": r.running, "message": _text(header.get("message"), 300)}
            r.running = None
        elif kind == "missing" and not r.loaded:
            self.stopped = True
            r.missing = {"found": [_text(n, 80) for n in header.get("found", [])[:20]] if isinstance(header.get("found"), list) else []}
        else:
            raise _Protocol(f"an unexpected {_text(kind, 40)!r} message")


def _encode_args(args: Sequence[Any], arrays: list[np.ndarray]) -> list[dict[str, Any]]:
    def one(value: Any) -> dict[str, Any]:
        if isinstance(value, np.ndarray):
            arrays.append(value)
            return {"array": len(arrays) - 1}
        if isinstance(value, tuple):
            return {"tuple": [one(v) for v in value]}
        if isinstance(value, (np.integer, np.floating, np.bool_)):
            value = value.item()
        if value is None or isinstance(value, (bool, int, float)):
            return {"value": value}
        raise TypeError(f"cannot pass {type(value).__name__} to a drill")

    return [one(value) for value in args]


def _request(function: str, cases: Sequence[Sequence[Any]], outputs: int, timeout: float, limits: Limits) -> bytes:
    arrays: list[np.ndarray] = []
    specs = [_encode_args(args, arrays) for args in cases]
    header = {"kind": "check", "function": function, "outputs": outputs, "timeout": timeout,
              "limits": limits.as_spec(timeout), "cases": specs}
    return wire.encode(header, arrays)


def run(code: str, function: str, cases: Sequence[Sequence[Any]], outputs: int, *, timeout: float = 5.0,
        limits: Limits = DEFAULT_LIMITS, while_running: Callable[[], None] | None = None,
        checker: process.Checker | None = None) -> RunResult:
    """Run ``function`` from ``code`` on each argument list in ``cases``, on ``checker`` (by default
    the app's shared one).

    ``outputs`` is how many values the function returns (1: one array; k > 1: a tuple of k).
    ``while_running`` (no arguments) is called once the request is on its way, so the caller can
    compute the expected answers while the solution runs.  Raises OSError when the checker process
    cannot be started at all.
    """
    checker = checker or process.shared()
    with checker.lock:
        started = time.perf_counter()
        checker.start()
        result = RunResult()
        process.clear(checker.work)
        (checker.work / "solution.py").write_text(code, encoding="utf-8")
        request = _request(function, cases, outputs, timeout, limits)
        read_end, write_end = os.pipe()
        with tempfile.TemporaryFile() as output:
            try:
                checker.send(request, [write_end, output.fileno()])
            finally:
                os.close(write_end)
            if while_running is not None:
                while_running()
            try:
                _collect(checker, read_end, result, len(cases), outputs, timeout, limits)
            finally:
                os.close(read_end)
            size = os.fstat(output.fileno()).st_size
            result.printed = os.pread(output.fileno(), SHOWN_OUTPUT, 0).decode("utf-8", "replace")
            result.printed_bytes = max(result.printed_bytes, size)
        if result.lost is not None:
            result.stderr = checker.stderr_tail(SHOWN_OUTPUT)
            checker.close()
        else:
            process.clear(checker.work)
        result.seconds = time.perf_counter() - started
        return result


def _collect(checker: process.Checker, read_end: int, result: RunResult, cases: int, outputs: int,
             timeout: float, limits: Limits) -> None:
    """Read the result pipe and the checker's answers until the checker says the run ended and the
    pipe is closed (every writer dead), or until something breaks the rules."""
    reading = _Reading(result, cases, outputs, limits)
    frames = wire.FrameReader(max_payload=max(outputs, 1) * limits.max_output_elements * 8)
    answers = wire.FrameReader(max_payload=0)
    received, ended, pipe_open = 0, None, True
    deadline = time.monotonic() + timeout + GRACE + (START_TIMEOUT if checker.hello is None else 0.0)
    while pipe_open or ended is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result.lost = "the checker process stopped answering"
            return
        watched = [checker.control] + ([read_end] if pipe_open else [])
        readable, _, _ = select.select(watched, [], [], remaining if ended is None else min(remaining, GRACE))
        if not readable and ended is not None:
            result.protocol_error = "a process the solution started kept the result pipe open"
            return
        if checker.control in readable:
            data = checker.receive()
            if not data:
                result.lost = f"the checker process {'ended unexpectedly' if checker.hello else 'could not start'}"
                return
            answers.feed(data)
            for header, _payload in answers.frames():
                if header["kind"] == "hello":
                    checker.hello = header
                elif header["kind"] == "ended":
                    ended = header
        if pipe_open and read_end in readable:
            data = os.read(read_end, 1 << 16)
            received += len(data)
            try:
                if received > MAX_RESULT_BYTES:
                    raise _Protocol(f"more than {MAX_RESULT_BYTES >> 20} MB of results")
                frames.feed(data)
                for header, payload in frames.frames():
                    reading.take(header, payload)
                if not data and frames.pending:
                    raise _Protocol("a message cut short")
            except (_Protocol, wire.FrameError) as err:
                result.protocol_error = str(err)
                checker.send(wire.encode({"kind": "cancel"}))  # any byte makes the checker kill the run
                data = b""
            pipe_open = bool(data)
    _ended(result, ended)


def _ended(result: RunResult, ended: dict[str, Any]) -> None:
    result.timed_out = ended.get("outcome") == "timeout"
    code = ended.get("returncode")
    result.returncode = code if isinstance(code, int) else None
    if isinstance(code, int) and code < 0:
        try:
            result.signal_name = signal.Signals(-code).name
        except ValueError:
            result.signal_name = f"signal {-code}"

"""The checker process: NumPy imported once, then a fresh, confined process for every check.

:mod:`quizapp.drills.process` copies this package's harness, wire and sandbox modules into a
private folder beside a link to NumPy, and starts ``python -I -S -B`` on :func:`main` with that
folder alone added to the standard library's import path: nothing of the app can be imported from
here, and no site-packages are read.  The process then:

1. imports NumPy, builds the Landlock rule set (:mod:`.sandbox`), becomes a child subreaper and
   sends ``hello`` over its control socket;
2. for each ``check`` request (a :mod:`.wire` frame carrying the function's name, the cases'
   arguments and the limits, with two file descriptors: the app's result pipe and the output
   file) forks the *solution process*, waits for it up to the time limit, kills it and everything
   it started (:func:`.sandbox.kill_descendants`), and answers ``ended`` with its exit status.

The solution process starts a new session, takes the output file as stdout and stderr, moves to its
own folder (also its HOME and TMPDIR), sets its resource limits, drops privileges, enters the
Landlock rule set and closes every other descriptor; only then does it run the user's file.  It
sends its results straight to the app, one frame per event: ``ready`` (or ``unready`` {reason}),
``loaded``, ``start`` {case}, ``result`` {case, the arrays}, ``error``, ``bad_output``,
``missing``, ``print_cap`` and ``finished``.  The app trusts none of it: it compares every result
with values this process never sees, and counts the cases itself.

This package's modules are imported here as ``drillcheck.*`` (relative imports only); the app
imports this one only for :func:`to_arrays`, in its tests.

Limits (set in the solution process): address space (a huge allocation raises MemoryError instead
of swapping the machine), CPU seconds, the size of any file written, no core dumps, and an alarm as
a backstop.  The checker process enforces the wall-clock limit.
"""

from __future__ import annotations

import io
import os
import resource
import select
import signal
import socket
import sys
import time
import traceback
import types
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from . import sandbox, wire

#: The solution needs this much address space beyond what Python with NumPy already maps.
MEMORY_HEADROOM = 64 << 20
_REQUEST_LIMIT = 256 << 20
_EXIT_HARNESS_FAILED = 70


# -- the checker process -------------------------------------------------------------------------------


class _Confinement(NamedTuple):
    """What every solution process enters: its folder, the Landlock rule set (-1: none on this
    system), and why it cannot be confined as promised (None when it can)."""

    work: str
    ruleset: int
    problem: str | None


class _Request(NamedTuple):
    header: dict[str, Any]
    payload: bytes
    result_fd: int
    output_fd: int


def main() -> None:
    """``python -I -S -B -c BOOT LIB WORK FD``: serve, then leave without tearing NumPy down."""
    serve(sys.argv[2], int(sys.argv[3]))
    os._exit(0)


def serve(work: str, control_fd: int) -> None:
    """Answer check requests on the control socket until the app closes it."""
    control = socket.socket(fileno=control_fd)
    confinement = _confine_in(work)
    hello = {"kind": "hello", "subreaper": sandbox.become_subreaper(), "problem": confinement.problem}
    reader = wire.FrameReader(max_payload=_REQUEST_LIMIT)
    fds: list[int] = []
    reply: dict[str, Any] | None = hello
    while reply is not None and _send(control, reply):
        request = _next_request(control, reader, fds)
        reply = _check(control, confinement, request) if request is not None else None


def _confine_in(work: str) -> _Confinement:
    abi = sandbox.landlock_abi()
    if not abi:
        return _Confinement(work, -1, None)
    lib = Path(__file__).resolve().parent.parent
    try:
        reads = sandbox.runtime_reads(Path(np.__file__).parent) + [lib]
        return _Confinement(work, sandbox.build_ruleset(reads, [Path(work)], abi), None)
    except OSError as err:
        return _Confinement(work, -1, f"the Landlock rules could not be built ({err.strerror or err})")


def _next_request(control: socket.socket, reader: wire.FrameReader, fds: list[int]) -> _Request | None:
    """The next ``check`` frame and the two descriptors sent with it; None when the app is gone."""
    while True:
        for header, payload in reader.frames():
            if header["kind"] == "check":  # (a late "cancel" is skipped)
                result_fd, output_fd = fds[:2]
                del fds[:2]
                return _Request(header, payload, result_fd, output_fd)
        data, received, _flags, _address = socket.recv_fds(control, 1 << 16, 4)
        fds.extend(received)
        if not data:
            return None
        reader.feed(data)


def _send(control: socket.socket, header: dict[str, Any]) -> bool:
    try:
        control.sendall(wire.encode(header))
    except OSError:  # the app is gone
        return False
    return True


def _check(control: socket.socket, confinement: _Confinement, request: _Request) -> dict[str, Any]:
    """Run one solution process to its end (or the time limit) and leave nothing of it behind."""
    pid = os.fork()
    if pid == 0:  # the solution process: never returns
        try:
            control.close()
            _solution(confinement, request)
        except BaseException:  # noqa: BLE001 - a bug here, not the user's: its traceback is the output
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(_EXIT_HARNESS_FAILED)
    os.close(request.result_fd)
    os.close(request.output_fd)
    outcome = _wait(pid, control, float(request.header["timeout"]))
    status = sandbox.kill_descendants(pid)
    ended: dict[str, Any] = {"kind": "ended", "outcome": outcome}
    if status is not None:
        ended["returncode"] = os.waitstatus_to_exitcode(status)
    return ended


def _wait(pid: int, control: socket.socket, timeout: float) -> str:
    """"exited", "timeout", or "cancelled" (the app wrote to the control socket, or closed it)."""
    deadline = time.monotonic() + timeout
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            watched = [control] if pidfd is None else [control, pidfd]
            readable, _, _ = select.select(watched, [], [], remaining if pidfd is not None else min(remaining, 0.01))
            if control in readable:
                return "cancelled"
            if pidfd in readable or (pidfd is None and _exited(pid)):
                return "exited"
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _exited(pid: int) -> bool:
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


# -- the solution process ------------------------------------------------------------------------------


class _Results:
    """The solution's side of the result pipe: one frame per event, straight to the app."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, header: dict[str, Any], arrays=()) -> None:
        data = memoryview(wire.encode(header, arrays))
        while data:
            data = data[os.write(self.fd, data):]


def _solution(confinement: _Confinement, request: _Request) -> None:
    """Set the solution process up (session, output, folder, limits, privileges, Landlock,
    descriptors), then run the user's file.  The environment (HOME and TMPDIR its folder) came
    from the app."""
    os.setsid()
    os.dup2(request.output_fd, 1)
    os.dup2(request.output_fd, 2)
    os.chdir(confinement.work)
    results = _Results(request.result_fd)
    limits = request.header["limits"]
    unready = confinement.problem or _memory_problem(int(limits["memory_bytes"]))
    if unready is None:
        try:
            _set_limits(limits)
            sandbox.drop_privileges()
            if confinement.ruleset >= 0:
                sandbox.confine(confinement.ruleset)
        except OSError as err:
            unready = f"the solution's process could not be confined ({err.strerror or err})"
    _close_all_but(0, 1, 2, request.result_fd)
    if unready is not None:
        results.send({"kind": "unready", "reason": unready})
        os._exit(0)
    results.send({"kind": "ready"})
    arrays = wire.arrays_from(request.header, request.payload, max_elements=_REQUEST_LIMIT)
    cases = [_arguments(case, arrays) for case in request.header["cases"]]
    _run_user_code(request.header, cases, results)


def _memory_problem(limit: int) -> str | None:
    """Why ``limit`` is too small to run anything, or None (Python with NumPy already maps a lot)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
    if limit < mapped + MEMORY_HEADROOM:
        return (f"the memory limit ({limit >> 20} MB) is below what Python with NumPy needs "
                f"({(mapped + MEMORY_HEADROOM) >> 20} MB)")
    return None


def _set_limits(limits: dict[str, Any]) -> None:
    for name, value in (("RLIMIT_AS", limits["memory_bytes"]), ("RLIMIT_CPU", limits["cpu_seconds"]),
                        ("RLIMIT_FSIZE", limits["file_bytes"]), ("RLIMIT_CORE", 0)):
        resource.setrlimit(getattr(resource, name), (int(value), int(value)))
    # A write past RLIMIT_FSIZE then fails with an OSError in the user's code instead of killing it.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.alarm(int(limits["cpu_seconds"]) + 2)


def _close_all_but(*keep: int) -> None:
    start = 0
    for fd in sorted(keep):
        if start < fd:  # closerange(0, 0) would close everything: CPython passes high - 1 unchecked
            os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, max(os.sysconf("SC_OPEN_MAX"), start + 1))


def _arguments(specs: list[Any], arrays: list[np.ndarray]) -> list[Any]:
    def one(item: dict[str, Any]) -> Any:
        if "array" in item:
            return arrays[item["array"]]
        if "tuple" in item:
            return tuple(one(x) for x in item["tuple"])
        return item["value"]

    return [one(item) for item in specs]


class _CappedOutput(io.TextIOBase):
    """sys.stdout/sys.stderr for user code: the first ``cap`` bytes reach the output file, the rest
    are counted and dropped, so printing megabytes costs time but never fills a disk; the first byte
    over the cap is announced, so a report can say the code was still printing when stopped."""

    def __init__(self, fd: int, cap: int, on_full):
        self._fd, self._cap, self._on_full, self.total = fd, cap, on_full, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.total > self._cap:  # the fast path for a print loop: count characters only
            self.total += len(text)
            return len(text)
        data = str(text).encode("utf-8", "replace")
        room = self._cap - self.total
        if room > 0:
            try:
                os.write(self._fd, data[:room])
            except OSError:
                pass
        self.total += len(data)
        if self.total > self._cap:
            self._on_full()
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"


def _run_user_code(header: dict[str, Any], cases: list[list[Any]], results: _Results) -> None:
    limits = header["limits"]
    captured = _CappedOutput(1, int(limits["print_bytes"]), lambda: results.send({"kind": "print_cap"}))
    sys.stdout = sys.stderr = captured
    # The working directory is the solution's folder, so the relative name finds the source for
    # tracebacks and warnings, which then say "solution.py", not a temporary path.
    path = "solution.py"
    module = types.ModuleType("solution")
    module.__file__ = path
    sys.modules["solution"] = module
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        exec(compile(source, path, "exec"), module.__dict__)  # the process exists to run this code
    except BaseException as exc:  # noqa: BLE001 - anything the user's top level does is reported
        results.send(_error_event(exc, path, stage="load"))
        _finish(results, captured)
    name = header["function"]
    fn = getattr(module, name, None)
    if not callable(fn):
        found = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        results.send({"kind": "missing", "found": found[:20]})
        _finish(results, captured)
    results.send({"kind": "loaded"})
    count, max_elements = int(header["outputs"]), int(limits["max_output_elements"])
    for index, args in enumerate(cases):
        results.send({"kind": "start", "case": index})
        try:
            outputs, problem = to_arrays(fn(*args), count, max_elements)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            results.send(_error_event(exc, path, case=index, stage="call"))
            break
        if problem is not None:
            results.send({"kind": "bad_output", "case": index, "message": problem})
            break
        results.send({"kind": "result", "case": index}, outputs)
    _finish(results, captured)


def _finish(results: _Results, captured: _CappedOutput) -> None:
    results.send({"kind": "finished", "printed": captured.total})
    os._exit(0)  # do not wait for threads the user's code may have started


def _text(value: Any, limit: int = 500) -> str:
    """``str(value)`` cut to ``limit`` characters; a ``__str__`` that raises gives its type."""
    try:
        text = str(value)
    except BaseException as exc:  # noqa: BLE001 - a user's __str__ can raise anything
        return f"<the message could not be shown: {type(exc).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def _error_event(exc: BaseException, path: str, **extra: Any) -> dict[str, Any]:
    event = {"kind": "error", "type": _text(type(exc).__name__, 100), "message": _text(exc), **extra}
    if isinstance(exc, SyntaxError) and exc.filename == path:
        event.update(line=exc.lineno, source=_text(exc.text or "").strip(), message=_text(exc.msg))
        return event
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    if frames:
        event.update(line=frames[-1].lineno, source=(frames[-1].line or "").strip(), function=frames[-1].name)
    return event


def to_arrays(value: Any, count: int, max_elements: int) -> tuple[list[np.ndarray] | None, str | None]:
    """The returned value as ``count`` number arrays that a frame can carry, or a one-line complaint."""
    if value is None:
        return None, "returned None (is the `return` missing?)"
    if count == 1:
        values = [value]
    else:
        if not isinstance(value, (tuple, list)):
            return None, f"returned a single {type(value).__name__}; return a tuple of {count} values"
        if len(value) != count:
            return None, f"returned {len(value)} values; return a tuple of {count}"
        values = list(value)
    arrays = []
    for index, item in enumerate(values):
        if item is None:
            return None, f"value {index + 1} of the result is None"
        try:
            array = np.asarray(item)
        except Exception as exc:  # ragged lists, objects that refuse __array__
            return None, f"value {index + 1} of the result is not an array ({type(exc).__name__}: {_text(exc, 200)})"
        if array.dtype.kind not in "biuf":
            return None, f"value {index + 1} of the result is not a number array (dtype {array.dtype})"
        if array.size > max_elements:
            return None, f"value {index + 1} of the result has {array.size} numbers; expected far fewer"
        if array.dtype.str not in wire.DTYPES:  # another byte order, or a long double
            array = array.astype({"b": np.bool_, "i": np.int64, "u": np.uint64, "f": np.float64}[array.dtype.kind])
        arrays.append(array)
    return arrays, None

"""The script a drill's child process runs: load the user's file, call their function on each case.

Run as ``python -I harness.py WORKDIR`` by :mod:`quizapp.drills.runner`, never imported by the app.
It imports only the standard library and NumPy (never ``engine`` or ``quizapp``), so it works from
any copy of this file.

WORKDIR holds what the parent wrote:

- ``solution.py``  the user's code
- ``spec.json``    ``{"function": name, "outputs": k, "limits": {...}, "cases": [{"args": [...]}]}``;
  an argument is ``{"array": key}`` (a key of inputs.npz), ``{"value": v}`` (a JSON scalar) or
  ``{"tuple": [...]}``
- ``inputs.npz``   the input arrays (no pickles)

and what this script writes back:

- ``events.jsonl`` one JSON object per line, appended as things happen, so a case that never
  finishes (loop, crash, kill) is still known: ``{"event": "ready"}`` (NumPy imported),
  ``{"event": "loaded"}`` (the user's file ran), ``{"event": "start",
  "case": i}``, ``{"event": "done", "case": i}`` (outputs in ``out_<i>.npz`` as o0, o1, ...),
  ``{"event": "error", ...}`` (type, message, the user's line), ``{"event": "finished"}``
- the user's prints, in the file the parent gave as stdout (capped; the rest is counted)

Limits are set here, first thing, before NumPy is imported: address space (a huge allocation raises
MemoryError instead of swapping the machine), CPU seconds, the size of any file written, no core
dumps; ``alarm`` is a backstop should the parent die.  The parent also enforces the wall-clock limit.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback

WORKDIR = ""
_events_fd = -1


def _set_limits(limits: dict) -> None:
    try:
        import resource
        import signal
    except ImportError:  # not POSIX: the parent's wall-clock limit still applies
        return

    def limit(name: str, value: int) -> None:
        which = getattr(resource, name, None)
        if which is None:
            return
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass  # a lower hard limit is already in place

    limit("RLIMIT_AS", int(limits["memory_bytes"]))
    limit("RLIMIT_CPU", int(limits["cpu_seconds"]))
    limit("RLIMIT_FSIZE", int(limits["file_bytes"]))
    limit("RLIMIT_CORE", 0)
    # A write past RLIMIT_FSIZE then fails with an OSError in the user's code instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.alarm(int(limits["cpu_seconds"]) + 2)


def _emit(event: dict) -> None:
    line = (json.dumps(event) + "\n").encode("utf-8", "replace")
    os.write(_events_fd, line)


class _CappedOutput(io.TextIOBase):
    """sys.stdout/sys.stderr for user code: the first ``cap`` bytes reach the file, the rest are
    counted and dropped, so printing megabytes costs time but never fills a disk or a pipe."""

    def __init__(self, fd: int, cap: int):
        self._fd, self._cap, self.total = fd, cap, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.total >= self._cap:  # the fast path for a print loop: count characters only
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
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"


class _BlockedImports:
    """Refuse the app's own packages (the reference solutions live there) and torch: a drill is
    NumPy written by hand."""

    BLOCKED = ("engine", "quizapp", "torch")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ImportError(f"'{name}' cannot be imported in a drill: write it with NumPy")
        return None


def _user_frame(tb, path: str):
    """The innermost traceback frame in the user's file: (line number, source line, function)."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename == path]
    if not frames:
        return None
    frame = frames[-1]
    return frame.lineno, (frame.line or "").strip(), frame.name


def _error_event(exc: BaseException, path: str, **extra) -> dict:
    message = str(exc)
    if len(message) > 500:
        message = message[:500] + "..."
    event = {"event": "error", "type": type(exc).__name__, "message": message, **extra}
    if isinstance(exc, SyntaxError) and exc.filename == path:
        event.update(line=exc.lineno, source=(exc.text or "").strip(), function=None)
        event["message"] = exc.msg
    else:
        where = _user_frame(exc.__traceback__, path)
        if where is not None:
            event.update(line=where[0], source=where[1], function=where[2])
    return event


def _load_args(spec_args, arrays):
    def one(item):
        if "array" in item:
            return arrays[item["array"]]
        if "tuple" in item:
            return tuple(one(x) for x in item["tuple"])
        return item["value"]

    return [one(item) for item in spec_args]


def _outputs(result, count: int, max_elements: int, np):
    """The returned value as ``count`` numeric arrays, or a one-line complaint."""
    if result is None:
        return None, "returned None (is the `return` missing?)"
    if count == 1:
        values = [result]
    else:
        if not isinstance(result, (tuple, list)):
            return None, f"returned a single {type(result).__name__}; return a tuple of {count} values"
        if len(result) != count:
            return None, f"returned {len(result)} values; return a tuple of {count}"
        values = list(result)
    arrays = []
    for index, value in enumerate(values):
        if value is None:
            return None, f"value {index + 1} of the result is None"
        try:
            array = np.asarray(value)
        except Exception as exc:  # ragged lists, objects that refuse __array__
            return None, f"value {index + 1} of the result is not an array ({type(exc).__name__}: {exc})"
        if array.dtype.kind not in "biuf":
            return None, f"value {index + 1} of the result is not a number array (dtype {array.dtype})"
        if array.size > max_elements:
            return None, f"value {index + 1} of the result has {array.size} numbers; expected far fewer"
        arrays.append(array)
    return arrays, None


def main() -> None:
    global WORKDIR, _events_fd
    WORKDIR = sys.argv[1]
    with open(os.path.join(WORKDIR, "spec.json"), encoding="utf-8") as f:
        spec = json.load(f)
    _set_limits(spec["limits"])
    _events_fd = os.open(os.path.join(WORKDIR, "events.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    import numpy as np  # before the output is captured: if it fails, stderr.txt says why

    _emit({"event": "ready"})

    sys.meta_path.insert(0, _BlockedImports())
    captured = _CappedOutput(1, int(spec["limits"]["print_bytes"]))
    sys.stdout = sys.stderr = captured

    with np.load(os.path.join(WORKDIR, "inputs.npz"), allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}

    import types

    # The working directory is WORKDIR, so the relative name finds the source for tracebacks and
    # warnings, which then say "solution.py", not a temporary path.
    path = "solution.py"
    module = types.ModuleType("solution")
    module.__file__ = path
    sys.modules["solution"] = module
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        exec(compile(source, path, "exec"), module.__dict__)  # the child exists to run this code
    except BaseException as exc:  # noqa: BLE001 - anything the user's top level does is reported
        _emit(_error_event(exc, path, stage="load"))
        _finish(captured)
    name = spec["function"]
    fn = getattr(module, name, None)
    if not callable(fn):
        found = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        _emit({"event": "missing", "function": name, "found": found[:20]})
        _finish(captured)
    _emit({"event": "loaded"})

    for index, case in enumerate(spec["cases"]):
        args = _load_args(case["args"], arrays)
        _emit({"event": "start", "case": index})
        try:
            result = fn(*args)
            outputs, problem = _outputs(result, int(spec["outputs"]), int(spec["limits"]["max_output_elements"]), np)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            _emit(_error_event(exc, path, case=index, stage="call"))
            break
        if problem is not None:
            _emit({"event": "bad_output", "case": index, "message": problem})
            break
        try:
            np.savez(os.path.join(WORKDIR, f"out_{index}.npz"), **{f"o{i}": a for i, a in enumerate(outputs)})
        except Exception as exc:  # e.g. the file-size limit
            _emit({"event": "bad_output", "case": index, "message": f"could not save the result ({exc})"})
            break
        _emit({"event": "done", "case": index})
    _finish(captured)


def _finish(captured: _CappedOutput) -> None:
    _emit({"event": "finished", "printed": captured.total})
    os._exit(0)  # do not wait for threads the user's code may have started


if __name__ == "__main__":
    main()

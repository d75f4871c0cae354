"""Check a user's solution against the engine: read it, run it in a child process, compare, explain.

:func:`check` is the whole pipeline; :func:`grade` is the comparison alone (outputs in, report
out), so the hint logic can be tested without a subprocess.

Comparison: every output is compared with the engine's within ``|got - expected| <= atol + rtol *
|expected|`` (``np.isclose``): rtol 1e-5, atol 1e-6 for float64 cases (agreement to ~1e-12 is
typical, so this only forgives another order of operations), rtol = atol = 1e-4 for float32 cases,
exact for integer outputs such as CutMix's box.  A shape mismatch is its own message.  A single
number may come back as a Python float, a 0-d array or an array of one value.

Hints: on the first failing case the user's outputs are compared with each of the task's
mistakes (the outputs under a named wrong belief); the first that matches names the belief.
"""

from __future__ import annotations

import ast
import difflib
import os
import secrets
import stat
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from quizapp.drills import process, runner
from quizapp.drills.report import DrillReport, show_named, show_value
from quizapp.drills.task import Case, Task
from quizapp.drills.tasks import TASKS
from quizapp.sanitize import clean

#: Longer files are refused before anything runs.
MAX_CODE_CHARS = 100_000
#: The most a solution file can hold in bytes (UTF-8 takes up to 4 bytes a character).
MAX_FILE_BYTES = 4 * MAX_CODE_CHARS
DEFAULT_TIMEOUT = 5.0


class UnknownTask(KeyError):
    """A task id that is not in :data:`TASKS`; ``str()`` says which ids exist."""

    def __str__(self) -> str:
        task = self.args[0] if self.args else ""
        close = difflib.get_close_matches(str(task), TASKS, n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(TASKS)}"
        return f"unknown drill task {task!r}{suggestion}"


def get_task(task_id: str) -> Task:
    try:
        return TASKS[task_id]
    except KeyError:
        raise UnknownTask(task_id) from None


# -- before running: can the code be read, and does it define the function? -----------------------


class UnreadableFile(ValueError):
    """A solution file that cannot be read; ``str()`` is one line saying which and why."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_solution_file(path: str) -> str:
    """The text of the solution file at ``path``, read without waiting and never past
    :data:`MAX_FILE_BYTES` plus one byte: a FIFO, a device, a folder or a huge file is refused."""
    shown = clean(path)
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer (it is then refused as not a file).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise UnreadableFile(f"cannot read {shown}: {err.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        kind = next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a file")
        if kind is not None:
            raise UnreadableFile(f"{shown} is {kind}, not a Python file")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(fd, MAX_FILE_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise UnreadableFile(f"cannot read {shown}: {err.strerror}") from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"{shown} is larger than {MAX_FILE_BYTES} bytes: a drill's solution is a short file")
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnreadableFile(f"{shown} is not UTF-8 text (byte {err.start + 1} cannot be read)") from None


@dataclass(frozen=True)
class _Unreadable:
    message: str
    error: str | None = None
    hint: str | None = None


def read_code(task: Task, code: str) -> _Unreadable | None:
    """Why ``code`` cannot be run for ``task`` (syntax error, no such function), or None.

    Parsing is not running: ``ast.parse`` builds a syntax tree and executes nothing.
    """
    if len(code) > MAX_CODE_CHARS:
        return _Unreadable(f"The file is too long ({len(code)} characters; the limit is {MAX_CODE_CHARS}).")
    try:
        tree = ast.parse(code, filename="solution.py")
    except SyntaxError as err:
        line = err.lineno or 0
        text = (err.text or "").strip()
        where = f"line {line}" + (f", column {err.offset}" if err.offset else "")
        error = f"{type(err).__name__}: {err.msg} ({where}" + (f": {text})" if text else ")")
        return _Unreadable(f"Syntax error at line {line}: {err.msg}.", error=error)
    except (ValueError, MemoryError, RecursionError) as err:  # null bytes; absurd nesting
        return _Unreadable(f"The file cannot be read as Python: {err}.", error=f"{type(err).__name__}: {err}")
    if _binds(tree, task.function):
        return None
    defined = sorted({n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
    close = difflib.get_close_matches(task.function, defined, n=1, cutoff=0.6)
    found = f" Did you mean to name `{close[0]}` `{task.function}`?" if close else (
        f" Found: {', '.join(defined)}." if defined else "")
    return _Unreadable(
        f"No function `{task.function}` found: define `{task.signature}`.{found}",
        hint=f"The checker calls `{task.function}`; keep the starter's name and signature.",
    )


def _binds(tree: ast.AST, name: str) -> bool:
    """Whether the module defines, assigns or imports ``name`` anywhere (a generous test: the
    child process has the last word)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
    return False


# -- comparing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    output: str
    shape: bool  # True: the shapes differ
    text: str  # one line: "y differs by up to 0.71 at [1, 2]" or "y has shape (3,), expected (4, 3)"
    max_error: float | None = None


def _aligned(expected: np.ndarray, got: np.ndarray) -> np.ndarray | None:
    """``got`` in ``expected``'s shape when the shapes agree (one number counts as a scalar)."""
    if got.shape == expected.shape:
        return got
    if expected.shape == () and got.size == 1:
        return got.reshape(())
    return None


def _close(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float, exact: bool) -> np.ndarray:
    if exact:
        rtol = atol = 0.0
    with np.errstate(all="ignore"):
        return np.isclose(got.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)


def compare(name: str, expected: np.ndarray, got: np.ndarray, rtol: float, atol: float, exact: bool = False) -> Mismatch | None:
    aligned = _aligned(expected, got)
    if aligned is None:
        return Mismatch(name, True, f"{name} has shape {got.shape}, expected {expected.shape}")
    close = _close(expected, aligned, rtol, atol, exact)
    if close.all():
        return None
    e = expected.astype(np.float64)
    g = aligned.astype(np.float64)
    bad_values = ~np.isfinite(g) & np.isfinite(e)
    with np.errstate(all="ignore"):
        error = np.where(close, 0.0, np.abs(g - e))
    if bad_values.any():
        index = np.unravel_index(int(np.argmax(bad_values)), g.shape) if g.ndim else ()
        where = f" at {[int(i) for i in index]}" if index else ""
        return Mismatch(name, False, f"{name} holds {show_value(g[index])}{where} where {show_value(e[index])} was expected",
                        max_error=float("inf"))
    flat = int(np.nanargmax(error)) if error.ndim else 0
    index = np.unravel_index(flat, error.shape) if error.ndim else ()
    worst = float(error[index]) if error.ndim else float(error)
    where = f" at {[int(i) for i in index]}" if index else ""
    if expected.ndim == 0:
        return Mismatch(name, False, f"{name} is off by {show_value(worst)}", max_error=worst)
    count = int((~close).sum())
    return Mismatch(name, False, f"{name} is off at {count} of {close.size} entries, by up to {show_value(worst)}{where}",
                    max_error=worst)


def _matches(expected: Sequence[np.ndarray], got: Sequence[np.ndarray], case: Case, task: Task) -> bool:
    if len(expected) != len(got):
        return False
    for name, e, g in zip(task.outputs, expected, got):
        aligned = _aligned(np.asarray(e), g)
        if aligned is None or not _close(np.asarray(e), aligned, case.rtol, case.atol, name in task.integer_outputs).all():
            return False
    return True


def diagnose(task: Task, case: Case, got: Sequence[np.ndarray]) -> str | None:
    """The name of the first mistake whose outputs match ``got`` on ``case``, or None."""
    for mistake in task.mistakes:
        try:
            outputs = task.mistake_outputs(mistake, case)
        except Exception:  # a belief that makes no sense for this case (e.g. a shape it cannot take)
            continue
        if outputs is not None and _matches(outputs, got, case, task):
            return mistake.name
    return None


# -- the report --------------------------------------------------------------------------------------


def _show_outputs(task: Task, values: Sequence[Any], only: str | None = None) -> str:
    if len(task.outputs) == 1:
        return show_value(values[0])
    shown = [(n, v) for n, v in zip(task.outputs, values) if only is None or n == only]
    return show_named(tuple(n for n, _ in shown), tuple(v for _, v in shown), digits=6)


def _case_header(index: int, total: int, case: Case) -> str:
    return f"case {index + 1} of {total} ({case.label})"


def grade(task: Task, cases: Sequence[Case], expected: Sequence[Sequence[np.ndarray]], result: runner.RunResult,
          *, seed: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          limits: runner.Limits = runner.DEFAULT_LIMITS) -> DrillReport:
    """Turn a run into a report: a pass only when every case's result arrived and matched, the
    harness finished and the process exited cleanly; otherwise the first thing that went wrong."""
    total = len(cases)
    base = dict(task=task.id, cases_total=total, seed=seed, seconds=result.seconds, printed=result.printed,
                timed_out=result.timed_out)
    if result.printed_bytes > len(result.printed.encode("utf-8", "replace")) and result.printed:
        base["printed"] = result.printed + f"\n... ({result.printed_bytes} bytes printed in all)"

    passed = 0
    first: tuple[int, list[np.ndarray], Mismatch] | None = None
    for index in range(total):
        got = result.outputs.get(index)
        if got is None:
            continue
        mismatch = None
        for name, e, g in zip(task.outputs, expected[index], got, strict=True):
            mismatch = compare(name, np.asarray(e), g, cases[index].rtol, cases[index].atol, name in task.integer_outputs)
            if mismatch is not None:
                break
        if mismatch is None:
            passed += 1
        elif first is None:
            first = (index, got, mismatch)
    base["cases_passed"] = passed

    if result.protocol_error is not None:
        return _report(**base, passed=False,
                       message=f"the solution's process broke the checker's protocol: it sent {result.protocol_error}.",
                       hint="A drill only returns its result: writing to the checker's pipe counts as a failure.")
    if first is not None:  # a wrong value comes before any later exception
        index, got, mismatch = first
        case = cases[index]
        name = diagnose(task, case, got)
        hint = _hints().hint_text(name) if name else (task.shape_hint if mismatch.shape else None)
        return _report(
            **base, passed=False,
            message=f"{_case_header(index, total, case)}: {mismatch.text}.",
            case_label=case.label,
            failing_case=show_named(task.param_names, case.args),
            expected=_show_outputs(task, expected[index], None if mismatch.shape else mismatch.output),
            got=_show_outputs(task, got, None if mismatch.shape else mismatch.output),
            max_error=mismatch.max_error, hint=hint, misconception=name,
        )

    stopped = _stopped(task, cases, result, timeout, limits)
    if stopped is not None:
        return _report(**{**base, **stopped}, passed=False)
    if passed == total:
        return _report(**base, passed=True, message=f"all {total} cases match the engine.")
    index = min(set(range(total)) - set(result.outputs))
    return _report(**base, passed=False, message=f"{_case_header(index, total, cases[index])}: the solution returned nothing.",
                   hint="The checker received no result for this case: a drill must return its result for every case.",
                   case_label=cases[index].label, failing_case=show_named(task.param_names, cases[index].args))


def _hints():
    """The hints module, loaded for a failing check only: it loads the engine's whole exercise
    package (for the misconception catalog), 20-55 ms that a passing ``--file`` check need not wait."""
    from quizapp.drills import hints

    return hints


def _megabytes(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):g} GiB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):g} MB"
    return f"{n >> 10} KB" if n >= 1 << 10 else f"{n} bytes"


def _last_line(text: str) -> str | None:
    return (text.strip().splitlines() or [None])[-1]


def _stopped(task: Task, cases: Sequence[Case], result: runner.RunResult, timeout: float,
             limits: runner.Limits) -> dict[str, Any] | None:
    """Why the run stopped before finishing every case (exception, bad output, limit, crash)."""
    total = len(cases)

    def case_fields(index: int | None) -> dict[str, Any]:
        if index is None or not 0 <= index < total:
            return {}
        case = cases[index]
        return {"case_label": case.label, "failing_case": show_named(task.param_names, case.args)}

    if result.lost is not None and not result.ready:
        return {"message": "the checker's Python process could not start.",
                "error": _last_line(result.stderr) or result.lost}
    if result.unready is not None:
        return {"message": "the checker's Python process could not start.", "error": result.unready}
    if result.lost is not None:
        return {"message": f"the check could not finish: {result.lost}."}

    if result.missing is not None:
        found = result.missing.get("found", [])
        close = difflib.get_close_matches(task.function, found, n=1, cutoff=0.6)
        extra = f" Did you mean to name `{close[0]}` `{task.function}`?" if close else ""
        return {"message": f"no function `{task.function}` after running the file: define `{task.signature}`.{extra}"}

    if result.error is not None:
        event = result.error
        kind, text = event["type"], event["message"]
        line, source, function = event["line"], event["source"], event["function"]
        inside = f", in {function}" if function and function not in (task.function, "<module>") else ""
        where = f" (line {line}{inside}: {source})" if line and source else (f" (line {line}{inside})" if line else "")
        error = f"{kind}: {text}{where}" if text else f"{kind}{where}"
        hint = _hints().exception_hint(kind, text, broadcast_hint=task.broadcast_hint, function=task.function,
                                    memory_limit=_megabytes(limits.memory_bytes))
        at_line = f" at line {line}" if line else ""
        if event["stage"] == "load":
            message = f"your file raised {kind}{at_line} while loading, before the function was called."
            return {"message": message, "error": error, "hint": hint}
        index = event["case"]
        header = _case_header(index, total, cases[index]) if index is not None else "a case"
        return {"message": f"{header} raised {kind}{at_line}.", "error": error, "hint": hint, **case_fields(index)}

    if result.bad_output is not None:
        index = result.bad_output["case"]
        text = result.bad_output["message"] or "returned something that is not an array"
        return {"message": f"{_case_header(index, total, cases[index])}: {task.function} {text}.",
                "hint": f"Return {_returns(task)}.", **case_fields(index)}

    if not result.ready and not result.timed_out:
        return {"message": "the checker's Python process could not start.",
                "error": _last_line(result.printed) or f"exit code {result.returncode}"}
    running = result.running
    during = (f"while running {_case_header(running, total, cases[running])}" if running is not None
              else "while loading your file (top-level code runs before the function is called)" if not result.loaded
              else "after the last case" if len(result.outputs) == total else "between cases")
    if result.timed_out:
        if result.print_cap:
            hint = (f"It was still printing when stopped (more than {_megabytes(limits.print_bytes)} printed): "
                    "take the print out of the loop.")
        else:
            hint = ("An endless loop? Every case is tiny: a correct solution takes milliseconds, with no loop over "
                    "elements needed.")
        return {"message": f"stopped after the {timeout:g} s time limit {during}.", "hint": hint,
                "timed_out": True, **case_fields(running)}
    if result.signal_name:
        cause = {
            "SIGXCPU": f"used up its CPU time limit ({limits.as_spec(timeout)['cpu_seconds']} s)",
            "SIGALRM": "ran past its time limit",
            "SIGKILL": "was killed (out of memory?)",
            "SIGSEGV": "crashed (segmentation fault)",
            "SIGABRT": "aborted",
            "SIGBUS": "crashed (bus error)",
        }.get(result.signal_name, f"was ended by {result.signal_name}")
        return {"message": f"the process {cause} {during}.",
                "error": result.signal_name, **case_fields(running)}
    if not result.finished or result.returncode != 0:
        return {"message": f"the process exited (code {result.returncode}) {during}.",
                "hint": "Something ended the process (os._exit, a crash in an extension): a drill must return its result.",
                **case_fields(running)}
    return None


def _report(**fields: Any) -> DrillReport:
    """The report, every text in it cleaned of terminal control sequences (much of it came from the
    user's code: prints, exception messages, source lines)."""
    fields = {name: clean(value) if isinstance(value, str) else value for name, value in fields.items()}
    message = fields["message"]
    fields["message"] = message[:1].upper() + message[1:]
    return DrillReport(**fields)


def _returns(task: Task) -> str:
    if len(task.outputs) == 1:
        return f"{task.outputs[0]} as a NumPy array (or a number)"
    return "a tuple (" + ", ".join(task.outputs) + ")"


# -- the pipeline ------------------------------------------------------------------------------------


def check(task_id: str, code: str, *, seed: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          limits: runner.Limits = runner.DEFAULT_LIMITS, checker: process.Checker | None = None) -> DrillReport:
    """Check ``code`` (the text of a Python file) for the drill ``task_id``.

    The code runs in a confined process (see :mod:`quizapp.drills.runner`; ``checker`` defaults to
    the app's shared one) on the task's edge cases and on random cases drawn from ``seed`` (a fresh
    seed when None; the report says which).  Never raises for anything in ``code``; raises
    :class:`UnknownTask` for an unknown ``task_id``.
    """
    task = get_task(task_id)
    if seed is None:
        seed = secrets.randbits(32)
    problem = read_code(task, code)
    if problem is not None:
        return _report(task=task.id, passed=False, message=f"{problem.message}", error=problem.error,
                           hint=problem.hint, seed=seed)
    cases = task.cases(np.random.default_rng(seed))
    expected: list[list[np.ndarray]] = []

    def compute_expected() -> None:  # while the solution runs (or the checker imports NumPy)
        expected.extend(task.expected(case) for case in cases)

    try:
        result = runner.run(code, task.function, [case.args for case in cases], len(task.outputs), timeout=timeout,
                            limits=limits, while_running=compute_expected, checker=checker)
    except OSError as err:  # no temporary folder, no process: the machine's problem, said plainly
        return _report(task=task.id, passed=False, seed=seed, message=f"could not run the check: {err}.",
                       error=f"{type(err).__name__}: {err}")
    return grade(task, cases, expected, result, seed=seed, timeout=timeout, limits=limits)

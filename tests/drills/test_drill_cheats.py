"""Cheating solutions: every one must FAIL, and say why.

A PASS means the app received every case's result over its pipe and compared it with values the
solution's process never sees.  These solutions try the ways around that: patching what the harness
uses, writing fake messages or files and leaving early, garbage and floods on the result pipe,
values that lie about themselves, exceptions and signals of every kind, and reaching for the
reference (the app's engine) by import or by path.  Solutions that finish by themselves get a
generous time limit, so that only the cheat can decide the verdict, however busy the machine.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import quizapp
from quizapp.drills import check
from quizapp.drills.sandbox import landlock_abi

from support import GENEROUS, HEAD, RIGHT_BODY, run

ABI = landlock_abi()
needs_landlock = pytest.mark.skipif(ABI < 1, reason="needs Landlock (Linux 5.13+)")
needs_scoped_signals = pytest.mark.skipif(ABI < 6, reason="needs Landlock ABI 6 (Linux 6.12+)")
APP_SOURCE = str(Path(quizapp.__file__).resolve())
REPO = str(Path(quizapp.__file__).resolve().parent.parent)

WRONG_VALUE = "    return x * 0 + 12345\n"
PROTOCOL = "The solution's process broke the checker's protocol: it sent "

#: Tools a cheat needs: the result pipe's descriptor and the frame format, written out by hand.
PIPE_TOOLS = '''
import json, os, stat, struct

def result_pipe():
    for fd in range(3, 1024):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                return fd
        except OSError:
            pass

def frame(header, payload=b""):
    head = json.dumps(header).encode()
    return struct.pack(">II", len(head), len(payload)) + head + payload

def array_header(*arrays):
    return [{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays]

def send(header, *arrays):
    header = dict(header, arrays=array_header(*arrays))
    os.write(result_pipe(), frame(header, b"".join(a.tobytes() for a in arrays)))
'''


def cheat(top: str, body: str = WRONG_VALUE, timeout: float = GENEROUS):
    """Check a batch_norm_train solution whose file starts with ``top`` (run at import)."""
    return check("batch_norm_train", "import numpy as np\n" + PIPE_TOOLS + top + "\n" + HEAD + body, seed=1,
                 timeout=timeout)


# -- patching what the harness uses ---------------------------------------------------------------------


@pytest.mark.parametrize("patch", [
    "np.savez = lambda *a, **k: None",
    "np.asarray = lambda *a, **k: np.zeros((4, 3))",
    "np.ascontiguousarray = lambda a, *k, **kw: np.zeros((4, 3))",
    "np.isclose = lambda *a, **k: np.ones((4, 3), dtype=bool)",
    "np.ndarray.tobytes = lambda self: b''",  # refused by NumPy: the file fails to load
])
def test_patching_numpy_does_not_turn_wrong_values_right(patch):
    report = cheat(patch)
    assert not report.passed
    assert report.cases_passed == 0


@pytest.mark.parametrize("patch", [
    "import json; json.dumps = lambda *a, **k: '{\"kind\": \"finished\"}'",
    "import struct; struct.pack = lambda *a: b'\\0' * 8",
    "os.write = lambda fd, data: len(data)",
    "import drillcheck.wire; drillcheck.wire.encode = lambda *a, **k: frame({'kind': 'finished', 'arrays': []})",
])
def test_patching_how_results_are_sent_fails(patch):
    report = cheat(patch)
    assert not report.passed and report.cases_passed == 0


# -- fake messages, fake files, leaving early ---------------------------------------------------------


def test_faking_the_end_and_leaving_fails_with_the_first_case_missing():
    report = cheat("send({'kind': 'loaded'})\nsend({'kind': 'finished', 'printed': 0})\nos._exit(0)")
    assert not report.passed
    assert report.message == "Case 1 of 11 (a small batch): the solution returned nothing."


def test_faking_every_result_and_leaving_fails_on_the_values():
    fake = ("send({'kind': 'loaded'})\n"
            "for i in range(11):\n"
            "    send({'kind': 'start', 'case': i})\n"
            "    send({'kind': 'result', 'case': i}, np.zeros((4, 3)))\n"
            "send({'kind': 'finished', 'printed': 0})\n"
            "os._exit(0)")
    report = cheat(fake)
    assert not report.passed
    assert report.message.startswith("Case 1 of 11 (a small batch): y is off")


def test_writing_the_old_result_files_and_leaving_fails():
    fake = ("open('events.jsonl', 'w').write('{\"event\": \"done\", \"case\": 0}\\n{\"event\": \"finished\"}\\n')\n"
            "np.savez('out_0.npz', o0=np.zeros((4, 3)))\n"
            "os._exit(0)")
    report = cheat(fake)
    assert not report.passed
    assert report.message.startswith("The process exited (code 0) while loading your file")


def test_leaving_after_the_last_result_without_finishing_fails():
    report = cheat("import drillcheck.harness\ndrillcheck.harness._finish = lambda results, captured: os._exit(0)",
                   RIGHT_BODY)
    assert not report.passed
    assert report.cases_passed == 11  # every value was right, but the run never finished
    assert report.message == "The process exited (code 0) after the last case."


def test_adamw_step_returning_zeros_fails_on_the_shape():
    code = ("def adamw_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):\n"
            "    return (0, 0, 0)\n")
    report = check("adamw_step", code, seed=1, timeout=GENEROUS)
    assert not report.passed
    assert report.message.startswith("Case 1 of 9 (the first step") and "has shape (), expected (3,)" in report.message


# -- the result pipe ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack, reason", [
    ("os.write(result_pipe(), b'\\xff' * 64)", "a header of"),
    ("os.write(result_pipe(), struct.pack('>II', 10, 1 << 31))", "a payload of"),
    ("os.write(result_pipe(), struct.pack('>II', 5, 0) + b'[1,2]')", "a header without a kind"),
    ("os.write(result_pipe(), struct.pack('>II', 8, 0) + b'{\"kind\":')", "a header that is not JSON"),
    ("os.write(result_pipe(), struct.pack('>II', 100, 0) + b'{}'); os._exit(0)", "a message cut short"),
    ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 5})", "an unexpected 'start' message"),
    ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 0}); send({'kind': 'result', 'case': 1}, np.zeros(3))",
     "an unexpected 'result' message"),
    ("send({'kind': 'surprise'})", "an unexpected 'surprise' message"),
    ("send({'kind': 'ready'}, np.zeros(3))", "arrays in a 'ready' message"),
    ("send({'kind': 'finished'}); send({'kind': 'loaded'})", "a 'loaded' message after the end"),
])
def test_garbage_on_the_result_pipe_fails_with_what_was_wrong(attack, reason):
    report = cheat(attack)
    assert not report.passed
    assert report.message.startswith(PROTOCOL + reason), report.message


@pytest.mark.parametrize("array", [
    "np.zeros((4, 3), dtype=complex)",
    "np.zeros((4, 3), dtype='>f8')",
    "np.array(['a'] * 12).reshape(4, 3)",
])
def test_a_forged_result_of_a_type_that_is_not_a_number_type_fails(array):
    forged = ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 0}); "
              f"send({{'kind': 'result', 'case': 0}}, {array})")
    report = cheat(forged)
    assert report.message == PROTOCOL + "a result for case 1 with an array of a type that is not a number type."


def test_a_forged_result_with_lying_sizes_fails():
    forged = ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 0})\n"
              "head = json.dumps({'kind': 'result', 'case': 0, 'arrays': [{'dtype': '<f8', 'shape': [4, 3]}]}).encode()\n"
              "os.write(result_pipe(), struct.pack('>II', len(head), 8) + head + bytes(8))")
    report = cheat(forged)
    assert report.message == PROTOCOL + "a result for case 1 with arrays larger than the payload."


def test_a_result_of_twice_the_limit_fails():
    forged = ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 0})\n"
              "send({'kind': 'result', 'case': 0}, np.zeros(2_000_001))")
    report = cheat(forged)
    assert report.message.startswith(PROTOCOL + "a payload of 16000008 bytes")


def test_an_endless_stream_on_the_result_pipe_is_cut_off():
    flood = ("send({'kind': 'loaded'}); send({'kind': 'start', 'case': 0})\n"
             "head = json.dumps({'kind': 'result', 'case': 0, 'arrays': []}).encode()\n"
             "os.write(result_pipe(), struct.pack('>II', len(head), 8_000_000) + head)\n"
             "while True:\n    os.write(result_pipe(), bytes(1 << 20))")
    report = cheat(flood)
    assert not report.passed
    assert report.message.startswith(PROTOCOL)


@pytest.mark.parametrize("attack", [
    "    os.close(result_pipe())\n",
    "    os.dup2(1, result_pipe())\n",
    "    os.dup2(result_pipe(), 1)\n    print('PASS batch_norm_train: All 11 cases match the engine.')\n",
])
def test_closing_or_redirecting_the_result_pipe_fails(attack):
    report = cheat("", attack + RIGHT_BODY)
    assert not report.passed and report.cases_passed == 0


def test_a_forked_child_that_keeps_writing_fake_messages_fails():
    # The solution waits until its child has written once, so the verdict never depends on whether
    # the child got to run before the checker killed it.
    body = ("    import time\n"
            "    if not os.path.exists('forked'):\n"
            "        open('forked', 'w').close()\n"
            "        if os.fork() == 0:\n"
            "            while True:\n"
            "                send({'kind': 'finished', 'printed': 0})\n"
            "                open('wrote', 'w').close()\n"
            "        while not os.path.exists('wrote'):\n"
            "            time.sleep(0.01)\n" + RIGHT_BODY)
    report = cheat("", body)
    assert not report.passed
    assert report.message.startswith(PROTOCOL) and "message after the end" in report.message


# -- values that lie --------------------------------------------------------------------------------------

LIARS = '''
class Liar(np.ndarray):
    """Says it equals anything and that every comparison holds."""
    def __eq__(self, other):
        return True
    def __array_ufunc__(self, *args, **kwargs):
        return True
    def __array_function__(self, *args, **kwargs):
        return True

class ArrayLike:
    def __init__(self, value):
        self.value = value
    def __array__(self, dtype=None, copy=None):
        return self.value
'''


@pytest.mark.parametrize("value, message", [
    ("(x * 0 + 12345).view(Liar)", "y is off at 12 of 12 entries"),
    ("ArrayLike(np.full((4, 3), 12345.0))", "y is off at 12 of 12 entries"),
    ("ArrayLike(np.array([object()] * 12).reshape(4, 3))", "batch_norm_train value 1 of the result is not a number array"),
    ("np.matrix(np.zeros((4, 3)))", "y is off at"),
    ("np.zeros((4, 3), dtype=np.complex128)", "batch_norm_train value 1 of the result is not a number array"),
])
def test_values_that_lie_about_themselves_fail(value, message):
    report = cheat(LIARS, f"    return {value}\n")
    assert not report.passed
    assert report.message.startswith(f"Case 1 of 11 (a small batch): {message}"), report.message


def test_a_tuple_that_lies_about_its_length_fails():
    code = ("class Three(tuple):\n    def __len__(self):\n        return 3\n\n"
            "def adamw_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):\n"
            "    return Three()\n")
    report = check("adamw_step", code, seed=1, timeout=GENEROUS)
    assert report.message == "The solution's process broke the checker's protocol: it sent a result for case 1 with 0 values, not 3."


# -- exceptions and signals ----------------------------------------------------------------------------


@pytest.mark.parametrize("raise_line, kind", [
    ("class Stop(BaseException):\n    pass\n", "Stop"),
    ("Stop = KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("Stop = GeneratorExit\n", "GeneratorExit"),
    ("class Stop(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n", "Stop"),
])
def test_any_base_exception_in_the_function_fails_with_its_name(raise_line, kind):
    report = cheat(raise_line, "    raise Stop()\n")
    assert not report.passed
    assert report.message.startswith(f"Case 1 of 11 (a small batch) raised {kind} at line ")


def test_a_base_exception_at_import_fails_while_loading():
    report = cheat("class Stop(BaseException):\n    pass\nraise Stop()")
    assert report.message.startswith("Your file raised Stop at line ") and "while loading" in report.message


def test_an_exception_whose_message_cannot_be_shown_is_still_reported():
    report = cheat("class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n",
                   "    raise Odd()\n")
    assert report.error.startswith("Odd: <the message could not be shown: RuntimeError>")


def test_ignoring_every_signal_does_not_outlast_the_time_limit():
    top = ("import signal\n"
           "for name in ('SIGTERM', 'SIGINT', 'SIGHUP', 'SIGALRM', 'SIGXCPU', 'SIGUSR1'):\n"
           "    signal.signal(getattr(signal, name), signal.SIG_IGN)\n"
           "signal.alarm(0)")
    report = cheat(top, "    while True:\n        pass\n", timeout=1.5)
    assert report.timed_out and not report.passed


# -- the reference, by import and by path ----------------------------------------------------------------


@pytest.mark.parametrize("reach", [
    "import sys\n    sys.meta_path.pop(0)\n    import engine.norms\n",
    "import sys\n    sys.meta_path.clear()\n    import quizapp.engine.norms\n",
])
def test_removing_import_hooks_does_not_reach_the_engine(reach):
    report = run("    " + reach + RIGHT_BODY, timeout=GENEROUS)
    assert not report.passed
    assert report.error.startswith("ModuleNotFoundError: No module named ")
    assert "Write it with NumPy" in report.hint


@needs_landlock
@pytest.mark.parametrize("reach", [
    f"import sys\n    sys.path.append({REPO!r})\n    import quizapp.engine.norms\n",
    "import site\n    site.main()\n    import quizapp.engine.norms\n",
    f"import importlib.util\n    importlib.util.spec_from_file_location('n', {APP_SOURCE!r}).loader.load_module()\n",
])
def test_adding_the_app_to_the_import_path_does_not_reach_the_engine(reach):
    report = run("    " + reach + RIGHT_BODY, timeout=GENEROUS)
    assert not report.passed
    assert report.error.split(":")[0] in ("PermissionError", "ModuleNotFoundError")


@needs_landlock
def test_the_app_s_source_cannot_be_read_by_path():
    report = run(f"    print(open({APP_SOURCE!r}).read())\n" + RIGHT_BODY, timeout=GENEROUS)
    assert not report.passed
    assert report.error.startswith("PermissionError: [Errno 13] Permission denied")
    assert report.hint.startswith("A drill can read and write only its own folder")


@needs_landlock
def test_the_review_database_can_be_neither_read_nor_removed(tmp_path):
    database = tmp_path / "reviews.db"
    database.write_bytes(b"SQLite format 3\0 the user's whole history")
    for attempt in (f"open({str(database)!r}, 'rb').read()", f"os.remove({str(database)!r})",
                    f"open({str(database)!r}, 'wb').close()", f"os.rename({str(database)!r}, 'stolen.db')"):
        report = run(f"    import os\n    {attempt}\n" + RIGHT_BODY, timeout=GENEROUS)
        assert report.error.split(":")[0] in ("PermissionError", "OSError"), attempt  # EACCES, or EXDEV for rename
    assert database.read_bytes() == b"SQLite format 3\0 the user's whole history"


@needs_landlock
@pytest.mark.parametrize("whose", ["os.getppid()", str(os.getpid())], ids=["checker", "app"])
def test_the_environment_of_the_checker_and_of_the_app_cannot_be_read(whose):
    report = run(f"    import os\n    print(open(f'/proc/{{{whose}}}/environ').read())\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.error.startswith("PermissionError")


@needs_landlock
def test_numpy_and_the_checker_s_own_files_cannot_be_changed():
    for target in ("np.__file__", "__import__('drillcheck.wire').wire.__file__"):
        report = run(f"    open({target}, 'a').write('# poisoned')\n" + RIGHT_BODY, timeout=GENEROUS)
        assert report.error.startswith("PermissionError"), target
    assert run(RIGHT_BODY, timeout=GENEROUS).passed


@needs_landlock
def test_no_program_can_be_run():
    report = run(f"    os.execv({sys.executable!r}, ['python', '-c', 'pass'])\n", head="import os\n" + HEAD,
                 timeout=GENEROUS)
    assert report.error.startswith("PermissionError")


@pytest.mark.skipif(ABI < 4, reason="needs Landlock ABI 4 (Linux 6.7+)")
def test_no_tcp_connection_can_be_opened():
    report = run("    import socket\n    socket.create_connection(('127.0.0.1', 9), timeout=5)\n" + RIGHT_BODY,
                 timeout=GENEROUS)
    assert report.error.startswith("PermissionError")


@needs_scoped_signals
@pytest.mark.parametrize("target", ["os.getppid()", str(os.getpid())], ids=["checker", "app"])
def test_the_checker_and_the_app_cannot_be_signalled(target):
    report = run(f"    import os, signal\n    os.kill({target}, signal.SIGKILL)\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.error.startswith("PermissionError")
    assert run(RIGHT_BODY, timeout=GENEROUS).passed  # the checker lives on


def test_a_solution_sees_only_numpy_and_the_standard_library():
    report = run("    import sys\n    print(sys.path)\n" + RIGHT_BODY, timeout=GENEROUS)
    path = ast.literal_eval(report.printed.splitlines()[0])  # printed once per case
    lib, *stdlib = path
    assert sorted(os.listdir(lib)) == sorted(["drillcheck", "numpy"] + (["numpy.libs"] if os.path.isdir(
        Path(np.__file__).resolve().parent.with_name("numpy.libs")) else []))
    assert all("site-packages" not in entry and REPO not in entry for entry in path)

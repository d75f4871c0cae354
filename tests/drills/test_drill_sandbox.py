"""Whatever the user's code does, the check comes back with a clear message and the app lives on.

Loops, sleeps, huge allocations, crashes, exits, stdin, floods of output, forks and stray threads:
each is stopped or reported.  Time-outs use a short limit to keep the run fast, except one test of
the default 5 s.
"""

from __future__ import annotations

import os
import time

import pytest

from quizapp.drills import DEFAULT_TIMEOUT, check

HEAD = "import numpy as np\n\n\ndef batch_norm_train(x, gamma, beta, eps=1e-5):\n"
RIGHT_BODY = "    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps) * gamma + beta\n"
SHORT = 1.5


def run(body: str, timeout: float = SHORT, head: str = HEAD):
    started = time.perf_counter()
    report = check("batch_norm_train", head + body, seed=1, timeout=timeout)
    return report, time.perf_counter() - started


def test_an_endless_loop_is_stopped_at_the_time_limit():
    report, took = run("    while True:\n        pass\n")
    assert report.timed_out and not report.passed
    assert report.message == "Stopped after the 1.5 s time limit while running case 1 of 11 (a small batch)."
    assert "endless loop" in report.hint
    assert report.failing_case.startswith("x =")
    assert took < SHORT + 1.5


def test_the_default_time_limit_is_five_seconds():
    assert DEFAULT_TIMEOUT == 5.0
    started = time.perf_counter()
    report = check("batch_norm_train", HEAD + "    import time\n    time.sleep(60)\n", seed=1)
    took = time.perf_counter() - started
    assert report.timed_out and "5 s time limit" in report.message
    assert 5.0 <= took < 7.0


def test_a_loop_at_the_top_level_times_out_while_loading():
    report, _ = run(RIGHT_BODY, head="while True:\n    pass\n" + HEAD)
    assert report.timed_out
    assert "while loading your file" in report.message


def test_a_syntax_error_reports_the_line_without_running_anything():
    report, took = run("    y = (x - \n    return y\n")
    assert not report.passed and not report.timed_out
    assert report.message == "Syntax error at line 5: '(' was never closed."
    assert report.error.startswith("SyntaxError: '(' was never closed (line 5")
    assert took < 0.5  # read by the parser, no child process


def test_an_error_the_compiler_finds_is_reported_from_the_child_with_its_line():
    report, _ = run(RIGHT_BODY, head="import numpy as np\nreturn 1\n" + HEAD)
    assert report.error == "SyntaxError: 'return' outside function (line 2: return 1)"
    assert "while loading" in report.message


def test_a_ten_gigabyte_allocation_is_stopped_with_a_clear_message():
    report, took = run("    waste = np.ones((10**10,))\n" + RIGHT_BODY)
    assert report.message == "Case 1 of 11 (a small batch) raised MemoryError at line 5."
    assert "1 GiB memory limit" in report.hint
    assert took < 3


def test_growing_memory_in_a_loop_hits_the_memory_limit_not_the_machine():
    report, _ = run("    keep = []\n    while True:\n        keep.append(np.ones(10**7))\n", timeout=4)
    assert "MemoryError" in report.message
    assert report.error.endswith("(line 7: keep.append(np.ones(10**7)))")


def test_a_segfault_is_reported_as_a_crash():
    report, _ = run("    import ctypes\n    ctypes.string_at(0)\n")
    assert report.message == "The process crashed (segmentation fault) while running case 1 of 11 (a small batch)."
    assert report.error == "SIGSEGV"


def test_os_exit_is_reported():
    report, _ = run("    import os\n    os._exit(3)\n")
    assert report.message == "The process exited (code 3) while running case 1 of 11 (a small batch)."
    assert "must return" in report.hint


def test_sys_exit_is_an_exception_with_its_line():
    report, _ = run("    raise SystemExit(2)\n")
    assert report.message == "Case 1 of 11 (a small batch) raised SystemExit at line 5."
    assert "exit()" in report.hint


def test_reading_stdin_does_not_wait_for_input():
    report, took = run("    answer = input('eps? ')\n" + RIGHT_BODY)
    assert report.error == "EOFError: EOF when reading a line (line 5: answer = input('eps? '))"
    assert "no keyboard input" in report.hint
    assert took < SHORT


def test_printing_megabytes_is_capped_and_the_check_still_finishes():
    report, _ = run("    print('#' * 10**6)\n" + RIGHT_BODY, timeout=4)
    assert report.passed, "\n".join(report.lines())
    assert len(report.printed) < 3000
    assert "bytes printed in all" in report.printed


def test_printing_in_an_endless_loop_says_it_was_printing():
    report, _ = run("    while True:\n        print('debug', x)\n")
    assert report.timed_out
    assert "still printing" in report.hint


def test_writing_to_the_output_descriptor_without_end_is_stopped_by_the_file_size_limit():
    report, _ = run("    import os\n    while True:\n        os.write(1, b'x' * 10**6)\n", timeout=4)
    assert report.error.startswith("OSError: [Errno 27] File too large (line 7")
    assert "too much output" in report.hint


def test_a_fork_is_killed_with_its_parent():
    report, _ = run("    import os, time\n    if os.fork() == 0:\n        time.sleep(60)\n    while True:\n        pass\n")
    assert report.timed_out
    # The whole process group is gone: no child of the check survives it.
    assert not any(_is_drill_process(pid) for pid in _pids())


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()] if os.path.isdir("/proc") else []


def _is_drill_process(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        return False
    return b"quizapp-drill-" in cmdline and b"harness.py" in cmdline and pid != os.getpid()


def test_a_thread_left_running_does_not_hold_the_check():
    report, took = run("    import threading, time\n    threading.Thread(target=time.sleep, args=(60,)).start()\n" + RIGHT_BODY)
    assert report.passed and took < SHORT


def test_an_exception_names_the_user_s_line_not_numpy_s():
    report, _ = run("    mean = x.mean(axis=0)\n    bad = np.linalg.inv(np.zeros((2, 2)))\n    return x\n")
    assert report.message == "Case 1 of 11 (a small batch) raised LinAlgError at line 6."
    assert report.error == "LinAlgError: Singular matrix (line 6: bad = np.linalg.inv(np.zeros((2, 2))))"
    assert report.failing_case.startswith("x =")


def test_no_function_is_reported_before_running():
    report = check("batch_norm_train", "import numpy as np\n\ndef batchnorm_train(x, gamma, beta, eps=1e-5):\n    return x\n")
    assert report.message == (
        "No function `batch_norm_train` found: define `def batch_norm_train(x, gamma, beta, eps=1e-5):`. "
        "Did you mean to name `batchnorm_train` `batch_norm_train`?"
    )
    assert check("batch_norm_train", "").message.startswith("No function `batch_norm_train` found")


def test_a_name_that_is_not_a_function_is_reported_from_the_child():
    report = check("batch_norm_train", "batch_norm_train = 3\n\ndef helper():\n    pass\n")
    assert report.message.startswith("No function `batch_norm_train` after running the file")


def test_returning_nothing_or_the_wrong_count_says_what_to_return():
    report, _ = run("    y = x\n")
    assert report.message == "Case 1 of 11 (a small batch): batch_norm_train returned None (is the `return` missing?)."
    assert report.hint == "Return y as a NumPy array (or a number)."
    tuple_report = check("batch_norm_backward", "def batch_norm_backward(dout, x, gamma, eps=1e-5):\n    return dout\n")
    assert "return a tuple of 3 values" in tuple_report.message
    assert tuple_report.hint == "Return a tuple (dx, dgamma, dbeta)."


def test_a_wrong_shape_is_its_own_message():
    report, _ = run("    return x.mean(axis=0)\n")
    assert report.message == "Case 1 of 11 (a small batch): y has shape (3,), expected (4, 3)."
    assert report.hint == "y has the shape of x."


def test_the_engine_cannot_be_imported_to_copy_the_answer():
    report, _ = run("    from engine.norms import batch_norm\n    return batch_norm(x, None, None, gamma, beta, True, eps=eps)\n")
    assert report.error.startswith("ImportError: 'engine' cannot be imported in a drill")


def test_a_huge_file_is_refused_before_running():
    report = check("batch_norm_train", HEAD + RIGHT_BODY + "#" * 200_000)
    assert report.message.startswith("The file is too long")


def test_null_bytes_are_unreadable_not_a_crash():
    report = check("batch_norm_train", HEAD + RIGHT_BODY + "\0")
    assert not report.passed
    assert "cannot be read" in report.message or "Syntax error" in report.message  # 3.11 / 3.12 wording


@pytest.mark.parametrize("signal_line", ["os.kill(os.getpid(), signal.SIGKILL)", "os.kill(os.getpid(), signal.SIGABRT)"])
def test_other_deaths_are_reported(signal_line):
    report, _ = run(f"    import os, signal\n    {signal_line}\n")
    assert report.message.startswith("The process ")
    assert report.error.startswith("SIG")


def test_a_correct_check_takes_well_under_a_second():
    times = [run(RIGHT_BODY)[1] for _ in range(3)]
    assert min(times) < 1.0, times


def test_a_changed_signature_is_pointed_at_the_starter():
    report = check("batch_norm_train", "def batch_norm_train(x, gamma, beta):\n    return x\n", seed=0)
    assert report.error.startswith("TypeError: batch_norm_train() takes 3 positional arguments but 4 were given")
    assert report.hint == "Keep the starter's signature: the checker passes the arguments in that order."


def test_a_machine_that_cannot_start_the_child_gets_a_message_not_a_traceback(monkeypatch):
    import quizapp.drills.runner as runner

    monkeypatch.setattr(runner.sys, "executable", "/nonexistent/python")
    report = check("batch_norm_train", HEAD + RIGHT_BODY, seed=0)
    assert not report.passed and report.message.startswith("Could not run the check: ")


def test_an_error_in_a_helper_names_the_helper_s_line():
    code = HEAD + "    return _center(x) / 0 + undefined\n\n\ndef _center(x):\n    return x - x.mean(axis=1)\n"
    report = check("batch_norm_train", code, seed=0)
    assert report.error.endswith("(line 9, in _center: return x - x.mean(axis=1))")
    assert report.message == "Case 1 of 11 (a small batch) raised ValueError at line 9."


def test_a_limit_too_small_for_numpy_says_the_checker_could_not_start():
    from quizapp.drills import Limits

    report = check("batch_norm_train", HEAD + RIGHT_BODY, seed=0, limits=Limits(memory_bytes=48 << 20))
    assert report.message == "The checker's Python process could not start."
    assert report.error

"""Whatever the user's code does, the check comes back with a clear message and the app lives on.

Loops, sleeps, huge allocations, crashes, exits, stdin, floods of output, forks and stray threads:
each is stopped or reported.  Every verdict here is the reason the checker gives for stopping the
solution, never a stopwatch: time-outs use a short injected limit where the solution would run
forever anyway, and tests of other limits (memory, prints) give a generous time limit so that only
the limit under test can stop the solution, however busy the machine.
"""

from __future__ import annotations

import inspect

import pytest

from quizapp.drills import DEFAULT_TIMEOUT, Limits, check
from quizapp.drills.process import Checker

from support import FORK_TOOLS, GENEROUS, HEAD, RIGHT_BODY, SHORT, left_behind, run, started_processes


class NoProcess(Checker):
    """A checker that fails the test if anything tries to start it."""

    def start(self):
        raise AssertionError("a process was started")


def test_an_endless_loop_is_stopped_at_the_time_limit():
    report = run("    while True:\n        pass\n")
    assert report.timed_out and not report.passed
    assert report.message == "Stopped after the 1.5 s time limit while running case 1 of 11 (a small batch)."
    assert "endless loop" in report.hint
    assert report.failing_case.startswith("x =")


def test_the_default_time_limit_is_five_seconds():
    assert DEFAULT_TIMEOUT == 5.0
    assert inspect.signature(check).parameters["timeout"].default == DEFAULT_TIMEOUT
    report = check("batch_norm_train", HEAD + "    import time\n    time.sleep(60)\n", seed=1)
    assert report.timed_out
    assert report.message == "Stopped after the 5 s time limit while running case 1 of 11 (a small batch)."


def test_the_time_limit_also_bounds_the_solution_s_cpu_seconds():
    body = "    import resource\n    print(resource.getrlimit(resource.RLIMIT_CPU))\n" + RIGHT_BODY
    report = run(body, timeout=2.5)
    assert report.passed and report.printed.startswith("(4, 4)\n")  # ceil(2.5) + 1, hard and soft


def test_a_loop_at_the_top_level_times_out_while_loading():
    report = run(RIGHT_BODY, head="while True:\n    pass\n" + HEAD)
    assert report.timed_out
    assert "while loading your file" in report.message


def test_a_syntax_error_reports_the_line_without_running_anything():
    report = run("    y = (x - \n    return y\n", checker=NoProcess())
    assert not report.passed and not report.timed_out
    assert report.message == "Syntax error at line 5: '(' was never closed."
    assert report.error.startswith("SyntaxError: '(' was never closed (line 5")


def test_an_error_the_compiler_finds_is_reported_from_the_child_with_its_line():
    report = run(RIGHT_BODY, head="import numpy as np\nreturn 1\n" + HEAD)
    assert report.error == "SyntaxError: 'return' outside function (line 2: return 1)"
    assert "while loading" in report.message


def test_a_ten_gigabyte_allocation_is_stopped_with_a_clear_message():
    report = run("    waste = np.ones((10**10,))\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.message == "Case 1 of 11 (a small batch) raised MemoryError at line 5."
    assert "1 GiB memory limit" in report.hint


def test_growing_memory_in_a_loop_hits_the_memory_limit_not_the_machine():
    report = run("    keep = []\n    while True:\n        keep.append(np.ones(10**7))\n", timeout=GENEROUS,
                 limits=Limits(memory_bytes=400 << 20))
    assert report.message == "Case 1 of 11 (a small batch) raised MemoryError at line 7."
    assert report.error.endswith("(line 7: keep.append(np.ones(10**7)))")
    assert "400 MB memory limit" in report.hint


def test_a_segfault_is_reported_as_a_crash():
    report = run("    import ctypes\n    ctypes.string_at(0)\n")
    assert report.message == "The process crashed (segmentation fault) while running case 1 of 11 (a small batch)."
    assert report.error == "SIGSEGV"


def test_os_exit_is_reported():
    report = run("    import os\n    os._exit(3)\n")
    assert report.message == "The process exited (code 3) while running case 1 of 11 (a small batch)."
    assert "must return" in report.hint


def test_sys_exit_is_an_exception_with_its_line():
    report = run("    raise SystemExit(2)\n")
    assert report.message == "Case 1 of 11 (a small batch) raised SystemExit at line 5."
    assert "exit()" in report.hint


def test_reading_stdin_does_not_wait_for_input():
    report = run("    answer = input('eps? ')\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.error == "EOFError: EOF when reading a line (line 5: answer = input('eps? '))"
    assert "no keyboard input" in report.hint


def test_printing_megabytes_is_capped_and_the_check_still_finishes():
    report = run("    print('#' * 10**6)\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.passed, "\n".join(report.lines())
    assert len(report.printed) < 3000
    assert "bytes printed in all" in report.printed


def test_printing_in_an_endless_loop_says_it_was_printing():
    # The first line printed passes the (injected) cap: the checker knows it was printing when the
    # time limit stopped it, however few lines a busy machine let it print.
    report = run("    while True:\n        print('debug', x)\n", limits=Limits(print_bytes=8))
    assert report.timed_out
    assert report.hint == "It was still printing when stopped (more than 8 bytes printed): take the print out of the loop."


def test_an_endless_loop_that_prints_little_is_not_said_to_be_printing():
    report = run("    print('once')\n    while True:\n        pass\n")
    assert report.timed_out and "endless loop" in report.hint
    assert report.printed == "once\n"


def test_writing_to_the_output_descriptor_without_end_is_stopped_by_the_file_size_limit():
    report = run("    import os\n    while True:\n        os.write(1, b'x' * 10**6)\n", timeout=GENEROUS,
                 limits=Limits(file_bytes=4 << 20))
    assert report.error.startswith("OSError: [Errno 27] File too large (line 7")
    assert "too much output" in report.hint


def test_a_fork_is_killed_with_its_parent():
    body = "    if fork_and_say() == 0:\n        time.sleep(600)\n    while True:\n        pass\n"
    report = run(body, head=FORK_TOOLS + HEAD)
    assert report.timed_out
    forked = started_processes(report.printed)
    assert len(forked) == 1
    assert left_behind(forked) == []


def test_a_thread_left_running_does_not_hold_the_check():
    report = run("    import threading, time\n    threading.Thread(target=time.sleep, args=(600,)).start()\n" + RIGHT_BODY,
                 timeout=GENEROUS)
    assert report.passed and not report.timed_out


def test_an_exception_names_the_user_s_line_not_numpy_s():
    report = run("    mean = x.mean(axis=0)\n    bad = np.linalg.inv(np.zeros((2, 2)))\n    return x\n")
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
    report = run("    y = x\n")
    assert report.message == "Case 1 of 11 (a small batch): batch_norm_train returned None (is the `return` missing?)."
    assert report.hint == "Return y as a NumPy array (or a number)."
    tuple_report = check("batch_norm_backward", "def batch_norm_backward(dout, x, gamma, eps=1e-5):\n    return dout\n")
    assert "return a tuple of 3 values" in tuple_report.message
    assert tuple_report.hint == "Return a tuple (dx, dgamma, dbeta)."


def test_a_wrong_shape_is_its_own_message():
    report = run("    return x.mean(axis=0)\n")
    assert report.message == "Case 1 of 11 (a small batch): y has shape (3,), expected (4, 3)."
    assert report.hint == "y has the shape of x."


@pytest.mark.parametrize("module", ["engine", "quizapp", "quizapp.engine"])
def test_the_engine_cannot_be_imported_to_copy_the_answer(module):
    report = run(f"    from {module}.norms import batch_norm\n    return batch_norm(x, None, None, gamma, beta, True, eps=eps)\n")
    root = module.split(".")[0]
    assert report.error == (f"ModuleNotFoundError: No module named '{root}' "
                            f"(line 5: from {module}.norms import batch_norm)")
    assert report.hint.startswith(f"The drill cannot import {root}: the app and its engine")


def test_a_huge_file_is_refused_before_running():
    report = check("batch_norm_train", HEAD + RIGHT_BODY + "#" * 200_000)
    assert report.message.startswith("The file is too long")


def test_null_bytes_are_unreadable_not_a_crash():
    report = check("batch_norm_train", HEAD + RIGHT_BODY + "\0")
    assert not report.passed
    assert "cannot be read" in report.message or "Syntax error" in report.message  # 3.11 / 3.12 wording


@pytest.mark.parametrize("signal_line", ["os.kill(os.getpid(), signal.SIGKILL)", "os.kill(os.getpid(), signal.SIGABRT)"])
def test_other_deaths_are_reported(signal_line):
    report = run(f"    import os, signal\n    {signal_line}\n")
    assert report.message.startswith("The process ")
    assert report.error.startswith("SIG")


def test_a_changed_signature_is_pointed_at_the_starter():
    report = check("batch_norm_train", "def batch_norm_train(x, gamma, beta):\n    return x\n", seed=0)
    assert report.error.startswith("TypeError: batch_norm_train() takes 3 positional arguments but 4 were given")
    assert report.hint == "Keep the starter's signature: the checker passes the arguments in that order."


def test_a_machine_that_cannot_start_the_child_gets_a_message_not_a_traceback():
    report = check("batch_norm_train", HEAD + RIGHT_BODY, seed=0, checker=Checker(python="/nonexistent/python"))
    assert not report.passed and report.message.startswith("Could not run the check: ")


def test_a_python_without_numpy_says_the_checker_could_not_start(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named numpy' >&2\nexit 1\n")
    fake.chmod(0o755)
    checker = Checker(python=str(fake))
    report = check("batch_norm_train", HEAD + RIGHT_BODY, seed=0, checker=checker)
    checker.close()
    assert report.message == "The checker's Python process could not start."
    assert report.error == "ModuleNotFoundError: No module named numpy"


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

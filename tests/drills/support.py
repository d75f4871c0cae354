"""What the drill tests share: a BatchNorm solution to vary, and a look at the processes it started.

A solution that forks does it with :data:`FORK_TOOLS`' ``fork_and_say()``: the parent prints the
child's pid and the window (on CLOCK_BOOTTIME) in which the child was created, at once, without
waiting for the child to run.  :func:`still_running` then says whether that very process exists,
so a pid the system has given to some other process since is not mistaken for a survivor.  Nothing
here looks at any process other than the ones a test's own solution started.
"""

from __future__ import annotations

import os
import re

from quizapp.drills import check

HEAD = "import numpy as np\n\n\ndef batch_norm_train(x, gamma, beta, eps=1e-5):\n"
RIGHT_BODY = "    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps) * gamma + beta\n"
SHORT = 1.5
#: For tests that wait on something else than the clock: far beyond any honest run, a guard only.
GENEROUS = 120.0

FORK_TOOLS = """import os, signal, time

def fork_and_say():
    before = time.clock_gettime(time.CLOCK_BOOTTIME)
    pid = os.fork()
    if pid:
        print('pid', pid, before, time.clock_gettime(time.CLOCK_BOOTTIME), flush=True)
    return pid

"""


def run(body: str, timeout: float = SHORT, head: str = HEAD, **options):
    """Check a batch_norm_train solution made of ``head`` and ``body``."""
    return check("batch_norm_train", head + body, seed=1, timeout=timeout, **options)


def started_processes(printed: str) -> list[tuple[int, float, float]]:
    """The ``(pid, created after, created before)`` of each process ``fork_and_say`` made."""
    found = re.findall(r"^pid (\d+) ([\d.]+) ([\d.]+)$", printed, re.M)
    return [(int(pid), float(after), float(before)) for pid, after, before in found]


def left_behind(processes: list[tuple[int, float, float]]) -> list[str]:
    """Those of ``processes`` still there, each with its state and parent from /proc (``Z`` is a
    zombie no one reaped, ``S`` one still sleeping): what a failure needs to be explained."""
    out = []
    for pid, after, before in processes:
        if still_running(pid, after, before):
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                    state, parent = f.read().rsplit(")", 1)[1].split()[:2]
            except OSError:
                continue  # gone between the two reads
            out.append(f"pid {pid}: state {state}, parent {parent} (this test is {os.getpid()})")
    return out


def still_running(pid: int, after: float, before: float) -> bool:
    """Whether the process ``pid`` created between ``after`` and ``before`` (seconds since boot)
    exists, a zombie included.  /proc counts in clock ticks, rounded down: a tick of slack."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    tick = 1 / os.sysconf("SC_CLK_TCK")
    started = int(fields[19]) * tick
    return after - 2 * tick <= started <= before + 2 * tick

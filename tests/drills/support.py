"""What the drill tests share: a BatchNorm solution to vary, and a look at the processes it started.

A solution that forks prints ``pid BOOT`` for each process it starts (BOOT: CLOCK_BOOTTIME just
after the fork); :func:`still_running` then says whether that very process exists, so a pid that
the system has given to some other process since is not mistaken for a survivor.  Nothing here
looks at any process other than the ones a test's own solution started.
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

#: Lines for a solution: print this process's pid and its start on CLOCK_BOOTTIME.
SAY_PID = "print('pid', os.getpid(), time.clock_gettime(time.CLOCK_BOOTTIME), flush=True)"


def run(body: str, timeout: float = SHORT, head: str = HEAD, **options):
    """Check a batch_norm_train solution made of ``head`` and ``body``."""
    return check("batch_norm_train", head + body, seed=1, timeout=timeout, **options)


def started_processes(printed: str) -> list[tuple[int, float]]:
    """The ``(pid, boot seconds)`` pairs a solution printed with :data:`SAY_PID`."""
    return [(int(pid), float(boot)) for pid, boot in re.findall(r"^pid (\d+) ([\d.]+)$", printed, re.M)]


def still_running(pid: int, boot_seconds: float) -> bool:
    """Whether the process ``pid`` that started at ``boot_seconds`` exists (a zombie included)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return abs(started - boot_seconds) < 1.0

"""Settings for the whole test run: never touch the user's real cache or database, and the
Hypothesis profiles.

Profiles (docs/contributing.md): ``dev`` is the default, quick and random (a failure is saved in
.hypothesis/ and replayed first on the next run); ``ci`` runs more examples, derandomized, so a
CI failure comes back on any machine with the same command.  Select one with
``HYPOTHESIS_PROFILE=ci`` (what .ci/run does) or ``pytest --hypothesis-profile=ci``; where only
``CI`` is set, ``ci`` is chosen, as Hypothesis itself does.  Neither has a deadline: a test never
fails because the machine is busy.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", settings.get_profile("ci"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config):
    # The deck cache is tested on its own, with a temporary folder; elsewhere it is off.
    os.environ["QUIZAPP_CACHE_DIR"] = ""


def pytest_report_header(config):
    return f"hypothesis profile: {settings.get_current_profile_name()} (docs/contributing.md: profiles, replaying a failure)"


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject's addopts) runs the whole suite on every core, with two workers more
    than there are cores: much of the suite waits on fsync (every grade is committed with
    synchronous=FULL) and on drill processes, and on 2 cores 4 workers took a full ci-profile run
    from 4:00 to 3:31.  A command that names what to run (a folder, a file, a test) runs in one
    process: starting the workers would cost more than it saves, and print() and --pdb work as
    usual there."""
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores, cores + 2)

"""`quizapp serve`'s bad arguments, and bare `quizapp` without a terminal: one line, exit 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from quizapp.cli import WEB_DRIVER


def quizapp(tmp_path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``quizapp ARGS`` on a fresh database, stdin empty, stdout and stderr captured (not a terminal)."""
    environ = dict(os.environ, QUIZAPP_DB=str(tmp_path / "reviews.db"), QUIZAPP_CACHE_DIR=str(tmp_path / "cache"))
    environ.pop("TEXTUAL_DRIVER", None)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "quizapp", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=environ, timeout=120)


@pytest.mark.parametrize(
    "args, says",
    [
        (["--port", "http"], "--port must be a whole number from 0 to 65535, got 'http'"),
        (["--port", "65536"], "--port must be a whole number from 0 to 65535, got '65536'"),
        (["--port", "-1"], "--port must be a whole number from 0 to 65535, got '-1'"),
        (["--host", "no-such-host.invalid", "--port", "0"], "cannot listen on no-such-host.invalid port 0: no such host"),
        (["--host", "192.0.2.1", "--port", "0"], "cannot listen on 192.0.2.1 port 0: Cannot assign requested address"),
        (["--token", "short"], "--token must be at least 16 letters, digits, - or _"),
        (["--token", "has/a/slash/in/it/too"], "--token must be at least 16 letters, digits, - or _"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2(tmp_path, args, says):
    done = quizapp(tmp_path, "serve", *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"quizapp serve: {says}\n"


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = quizapp(tmp_path, "serve", "--port", str(port))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"quizapp serve: cannot listen on 127.0.0.1 port {port}: Address already in use\n"


def test_bare_quizapp_without_a_terminal_says_so_and_exits_2(tmp_path):
    done = quizapp(tmp_path)
    assert (done.returncode, done.stdout) == (2, "")  # no escape codes written to a file or pipe
    assert done.stderr.count("\n") == 1
    assert "needs a terminal" in done.stderr and "quizapp study --plain" in done.stderr


@pytest.mark.timeout(120)
def test_only_textual_s_web_driver_runs_the_app_on_pipes(tmp_path):
    """Another driver in TEXTUAL_DRIVER is no excuse: only the web driver (served) passes the check.
    (tests/web/test_serve.py shows the served app itself starting.)"""
    other = quizapp(tmp_path, env={"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"})
    assert other.returncode == 2 and "needs a terminal" in other.stderr
    served = subprocess.Popen([sys.executable, "-m", "quizapp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=dict(os.environ, TEXTUAL_DRIVER=WEB_DRIVER,
                              QUIZAPP_DB=str(tmp_path / "reviews.db"), QUIZAPP_CACHE_DIR=str(tmp_path / "cache")))
    first = served.stdout.readline()  # the web driver's greeting to textual-serve
    served.stdin.close()
    served.kill()
    served.wait()
    assert first == b"__GANGLION__\n", served.stderr.read()

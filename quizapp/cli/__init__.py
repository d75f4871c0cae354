"""The ``quizapp`` command: the TUI by default, plain-text subcommands for scripts and tests.

Each subcommand lives in its own module under ``quizapp.cli`` and exposes
``register(subparsers, common)`` (add its parser; ``common`` is the parent parser holding the
global options) and sets ``func`` on its parser: ``func(args) -> int`` is the exit code
(0 ok, 1 a problem was found or the answer was wrong, 2 a usage error).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

from quizapp.cli.common import missing_db_folder
from quizapp.sanitize import CleanStream

#: What textual-serve sets TEXTUAL_DRIVER to for the app it serves: Textual's web driver, which
#: speaks its own protocol on pipes (the one way the app runs without a terminal).
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"

#: Subcommand modules, in the order ``quizapp --help`` lists them.
COMMANDS: list[str] = [
    "study", "code", "card", "drill", "stats", "exercise", "validate", "where", "settings", "optimize",
    "backup", "merge", "export", "import_", "serve", "plan", "cram", "mock",
]


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts, before or after the subcommand name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the SQLite file with your reviews (default: QUIZAPP_DB or the user data dir)",
    )
    common.add_argument(
        "--content",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help="a folder of your own decks, served beside the shipped ones (repeatable)",
    )
    return common


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="quizapp",
        description="Study normalization and regularization for ML interviews. "
        "With no command, opens the terminal app.",
        parents=[common],
    )
    if with_commands:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name in COMMANDS:
            importlib.import_module(f"quizapp.cli.{name}").register(subparsers, common)
    return parser


def _names_a_command(argv: list[str]) -> bool:
    """Whether the arguments need the subcommands' parsers: help, or any word that is not the
    value of --db or --content (a command, or a typo argparse should answer with the choices)."""
    values_follow = False
    for arg in argv:
        if values_follow:
            values_follow = False
        elif arg in ("--db", "--content"):
            values_follow = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def run_tui(args: argparse.Namespace) -> int:
    """The terminal app.  A database that cannot be used is a one-line message and exit 1;
    without a terminal (a pipe, a file, a cron job) a one-line message and exit 2."""
    import os

    # Importing Textual and the app and reading the decks' outlines build a few hundred thousand
    # objects and next to no garbage, yet trigger some hundred collections that walk them all
    # (about 25 ms of start-up, counted with gc.callbacks).  The collector waits until they are
    # built, then leaves them out of every later collection (gc.freeze), which keeps the
    # collections during study short too.
    gc.disable()
    try:
        from quizapp.cli.common import isatty
        from quizapp.store import StoreError
        from quizapp.tui.app import READY_ENV, QuizApp

        try:
            app = QuizApp(db=args.db, content_dirs=args.content)
        except StoreError as exc:
            print(f"quizapp: {exc}", file=sys.stderr)
            return 1
    finally:
        gc.freeze()
        gc.enable()
    headless = os.environ.get(READY_ENV, "") not in ("", "0")  # the startup benchmark
    served = os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER
    if not (headless or served or (isatty(sys.stdin) and isatty(sys.stdout))):
        app.ctx.store.close()
        print("quizapp: the app needs a terminal; use a command (quizapp --help), "
              "e.g. `quizapp study --plain` to study in plain text", file=sys.stderr)
        return 2
    try:
        app.run(headless=headless)
    finally:
        app.ctx.store.close()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Plain `quizapp` opens the TUI: it need not load every subcommand's module first.
    parser = build_parser(with_commands=_names_a_command(argv))
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.content = getattr(args, "content", None) or []
    # Every line a command prints may quote a file name, a deck, an imported note or a stored
    # value: shown cleaned, never obeyed by the terminal (the TUI draws through sys.__stderr__).
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(stdout), CleanStream(stderr)
    try:
        problem = missing_db_folder(args.db)
        if problem:
            print(f"quizapp: {problem}", file=sys.stderr)
            return 2
        return getattr(args, "func", run_tui)(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `quizapp exercise list | head`
        return 0
    finally:
        sys.stdout, sys.stderr = stdout, stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

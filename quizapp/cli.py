"""The ``quizapp`` command: the TUI by default, plain-text subcommands for scripts and tests."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizapp",
        description="Study normalization and regularization for ML interviews.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    from quizapp.tui.app import QuizApp

    QuizApp().run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

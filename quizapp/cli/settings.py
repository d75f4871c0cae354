"""``quizapp settings [KEY [VALUE...]] [--reset KEY]``: show and change the study settings.

The settings live in the review database, so ``--db`` carries its own.  Values are read by
:func:`quizapp.settings_text.check_setting`, as on the TUI's settings screen: a bad key or value
exits 2 with one line saying what is allowed, and nothing is changed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from quizapp.cardstate import FittedParameters, Settings
from quizapp.cli.common import open_store
from quizapp.settings_text import INFO, KEYS, SettingError, check_setting, default_text, format_setting, setting_warning

PROG = "quizapp settings"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "settings",
        parents=[common],
        help="show or change your study settings (retention, daily limits, steps, ...)",
        description="With no arguments, list every setting with its value, default and meaning. "
        "KEY shows one; KEY VALUE sets it (e.g. `quizapp settings learning_steps 1m 10m`); "
        "--reset KEY restores its default. Exit 2 for an unknown key or a value not allowed "
        "(nothing is changed), 1 for a database problem.",
    )
    parser.add_argument("key", nargs="?", metavar="KEY", help="a setting's name")
    parser.add_argument("value", nargs="*", metavar="VALUE", help="its new value (several words for steps)")
    parser.add_argument("--reset", metavar="KEY", help="restore this setting's default")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.reset and args.key:
        print(f"{PROG}: give either --reset KEY or KEY [VALUE], not both", file=sys.stderr)
        return 2
    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        current = store.settings()
        key = args.reset or args.key
        if key is not None and key not in KEYS:
            print(f"{PROG}: unknown setting {key!r}; the settings are: {', '.join(KEYS)}", file=sys.stderr)
            return 2
        if key is None:
            print(*table(current, store.fsrs_parameters()), sep="\n")
            return 0
        if args.key and not args.value:
            print(*table(current, None, keys=(key,), parameters_line=False), sep="\n")
            return 0
        text = default_text(key) if args.reset else " ".join(args.value)
        try:
            changed = check_setting(current, key, text, date.today())
        except SettingError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 2
        store.save_settings(**{key: getattr(changed, key)})
        print(f"{key}: {format_setting(changed, key)} (was {format_setting(current, key)})")
        warning = setting_warning(changed) if key == "desired_retention" else None
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def table(
    settings: Settings, fitted: FittedParameters | None, keys: tuple[str, ...] = KEYS, parameters_line: bool = True
) -> list[str]:
    """The settings as aligned lines (name, value, default, meaning), then where the FSRS
    parameters come from."""
    rows = [("setting", "value", "default", "meaning")]
    rows += [(key, format_setting(settings, key), default_text(key), INFO[key].meaning) for key in keys]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in rows]
    if parameters_line:
        lines += ["", parameters_text(fitted)]
    return lines


def parameters_text(fitted: FittedParameters | None) -> str:
    """Whether the scheduler runs on FSRS's default parameters or on ones fitted to this log."""
    if fitted is None:
        return "FSRS parameters: the defaults (`quizapp optimize` fits them to your own reviews)"
    when = fitted.fitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"FSRS parameters: fitted to your reviews on {when} ({fitted.reviews} reviews; `quizapp optimize` refits them)"

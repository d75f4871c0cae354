"""Horizontal bars drawn with block characters, for mastery per topic and cards by state.

Eighth blocks (``▏▎▍▌▋▊▉█``) give a bar eight steps per cell, so 12 cells tell 96 levels apart;
the empty part is a light shade so the full length of the bar stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

__all__ = ["bar", "state_bars"]

_EIGHTHS = " ▏▎▍▌▋▊▉"
_EMPTY = "░"


def bar(fraction: float, width: int) -> str:
    """A bar ``width`` cells long, filled to ``fraction`` (clamped to 0..1)."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    out = "█" * full
    if part:
        out += _EIGHTHS[part]
    return out + _EMPTY * (width - len(out))


STATE_STYLES = {
    "new": "blue",
    "learning": "yellow",
    "review": "green",
    "relearning": "red",
    "suspended": "dim",
}


def state_bars(by_state: Mapping[str, int], width: int = 14) -> Text:
    """One line per state: name, a bar scaled to all cards, the count."""
    total = sum(v for k, v in by_state.items() if k != "suspended")
    label_width = max(len(k) for k in by_state) if by_state else 0
    count_width = max((len(f"{v:,}") for v in by_state.values()), default=1)
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, (state, count) in enumerate(by_state.items()):
        if i:
            out.append("\n")
        out.append(f"{state:<{label_width}} ")
        fraction = count / total if total else 0.0
        out.append(bar(fraction, width), STATE_STYLES.get(state, ""))
        out.append(f" {count:>{count_width},}")
    return out

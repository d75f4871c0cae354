"""Text from outside the app made safe to show: deck fields, a solution's prints, stored values.

A terminal obeys what it is sent: ``\\x1b[2J`` clears the screen, ``\\x1b[31m`` recolours what
follows, ``\\r`` or a backspace lets a later write hide a ``FAIL`` line, OSC sequences can set the
window title or the clipboard, and bidirectional overrides make text read differently from what it
is.  Everything that reaches the screen from a deck, a user's code or the database goes through
:func:`clean` first: such characters are shown escaped (``\\x1b``), so nothing is hidden and
nothing is obeyed, and the reader still sees that something odd was there.  The ``quizapp``
command also writes all its plain-text output through :class:`CleanStream`, so a file name, an
imported note or a stored value that no one thought to clean cannot reach the terminal raw either.

:func:`short_repr` cuts a value quoted in a one-line message, so a huge or hostile value (a
billion-laughs structure, a megabyte string) cannot flood the terminal or hang on ``repr``.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

__all__ = ["CleanStream", "clean", "short_repr"]

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi embeddings, overrides
# and isolates (the "Trojan Source" characters).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every control character but newline and tab shown escaped.

    Windows line ends (``\\r\\n``) become plain newlines first, so ordinary text is unchanged.
    """
    if not _UNSAFE.search(text):  # the common case: nothing to do
        return text
    return _UNSAFE.sub(_escape, text.replace("\r\n", "\n"))


class CleanStream:
    """A text stream that passes everything written to it through :func:`clean` (the rest of
    the stream's interface, ``isatty()``, ``fileno()``, ``encoding``..., is the wrapped one's)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr`` of ``value`` cut to about ``limit`` characters, and cleaned.

    Containers are summarised by type and size instead of being walked: a deeply nested or
    self-referencing structure costs nothing to describe.
    """
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, str) and len(value) > limit:
        text = repr(value[:limit]) + "..."
    else:
        try:
            text = repr(value)
        except ValueError:  # an int too long to print (Python caps int-to-str conversion)
            return "a number too long to print"
        if len(text) > limit:
            text = text[:limit] + "..."
    return clean(text)

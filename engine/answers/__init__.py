"""Reading and checking what a person types as the answer to a numeric exercise.

- :mod:`.parsing`   the answer grammar: ``1.5``, ``-1/3``, ``sqrt(2)/2``, ``[1, 2; 3, 4]``, rows on
  lines; :func:`parse` reads it (never ``eval``) and :func:`format_answer` writes it.
- :mod:`.checking`  :func:`check` grades a typed answer against an exercise with its tolerance and
  says what is wrong in one line (the shape, the entries that are off, a named misconception).
"""

from .checking import CLOSE_FACTOR, Verdict, check, grade
from .parsing import MAX_LENGTH, ParseError, format_answer, parse

__all__ = ["ParseError", "Verdict", "parse", "check", "grade", "format_answer", "MAX_LENGTH", "CLOSE_FACTOR"]

"""Reading what a person types as the answer to a numeric exercise: the answer grammar.

A person answers the way they would on paper or in a REPL: ``1.5``, ``-1/3``, ``sqrt(2)/2``,
``[1, 2; 3, 4]``, or a matrix typed one row per line.  :func:`parse` reads that with a small
hand-written grammar (a tokenizer and a recursive-descent parser that computes as it reads).
Nothing the person types is ever handed to ``eval``, ``exec``, ``compile`` or
``ast.literal_eval``: a name the grammar does not know, such as ``__import__``, is an error.

The grammar
-----------
::

    answer  := rows                          (a single number, a vector or a matrix)
    rows    := row (rowsep row)*             rowsep: ';' or a line break (blank rows ignored)
    row     := item (','? item)* ','?        entries split by commas or by spaces
    item    := expr | '[' rows ']'
    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('+' | '-')* power
    power   := atom (('^' | '**') unary)?    right-associative: 2^3^2 = 2^9, -2^2 = -4
    atom    := number | 'pi' | 'inf' | 'nan' | func '(' expr ')' | '(' expr ')' | '√' atom
    func    := 'sqrt' | 'exp' | 'log' | 'ln'   (log and ln are both the natural log)

- Numbers: ``1.5``, ``.5``, ``2.``, ``2e-3``, ``1E+6``.  Names are case-insensitive (``Inf``,
  ``NaN``, ``SQRT``).  ``e`` is not a name (``2e`` would be a typo for ``2e-3`` as often as
  Euler's number): write ``exp(1)``.  The characters ``−`` (Unicode minus), ``×``, ``·``, ``÷``,
  ``π`` and ``√`` are read as ``-``, ``*``, ``*``, ``/``, ``pi`` and ``sqrt``, so a value copied
  from a formatted page still reads.
- A comma always separates numbers; it is never a decimal mark: ``1,5`` is the two numbers 1 and 5.
- Spaces separate entries, as in MATLAB: ``1 2 3`` is three numbers.  A ``+`` or ``-`` with a space
  before it and none after starts a new entry: ``1 -2`` is ``[1, -2]`` while ``1 - 2``, ``1-2``
  and ``1- 2`` are ``-1``.  Inside parentheses spaces never split: ``(1 -2)`` is ``-1``.
- No implicit multiplication: ``2pi`` and ``2(3)`` are errors that say to use ``*``.
- Arithmetic works on single numbers only; brackets build vectors and matrices.
- Shapes: one number is a scalar (shape ``()``); one row is a vector; several rows (``;`` or line
  breaks) are a matrix, MATLAB style, so ``[1; 2; 3]`` is a 3x1 column.  ``[[1, 2], [3, 4]]`` is
  a 2x2 matrix, as is ``[1, 2]`` and ``[3, 4]`` typed on two lines, and ``[[1, 2]]`` is 1x2.
  Rows of different lengths are an error (``row 2 has 3 numbers, row 1 has 2``).
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple, Sequence

import numpy as np

__all__ = ["ParseError", "parse", "format_answer", "MAX_LENGTH"]

#: Longer input is refused outright: no exercise answer needs more, and it bounds the work.
MAX_LENGTH = 10_000
#: Nesting of parentheses, brackets and powers; bounds the parser's recursion.
MAX_DEPTH = 64


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ParseError(ValueError):
    """The typed answer could not be read.  ``str(err)`` says where: ``col 7: unexpected '('``.

    ``line`` and ``col`` are 1-based (``None`` for an error about the whole answer, such as
    ``empty answer``); ``reason`` is the message without the location.
    """

    def __init__(self, reason: str, line: int | None = None, col: int | None = None,
                 multiline: bool = False) -> None:
        self.reason = reason
        self.line = line
        self.col = col
        if col is None:
            where = ""
        elif multiline:
            where = f"line {line}, col {col}: "
        else:
            where = f"col {col}: "
        super().__init__(where + reason)


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------

# Token kinds; the first four are the names of the regex groups below.
_NUM, _NAME, _OP, _NL, _END, _BAD = "num", "name", "op", "nl", "end", "bad"

_TOKEN = re.compile(  # most common first: numbers, then spaces
    r"(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<ws>[ \t]+|[^\S\r\n]+)"
    r"|(?P<op>\*\*|[-+*/^()\[\],;\u2212\u00d7\u00b7\u22c5\u00f7\u221a])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*|\u03c0)"
    r"|(?P<nl>\r\n|\r|\n)"
)

# Look-alike characters a formatted page uses, mapped to the operator they mean.
_CANONICAL_OP = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/", "**": "^"}


class _Tok(NamedTuple):
    kind: str
    text: str  # as typed (for messages); operators are canonical in ``op``
    op: str  # canonical operator, or "" for non-operators
    line: int
    col: int
    space_before: bool
    space_after: bool


def _tokenize(text: str) -> list[_Tok]:
    """Split ``text`` into tokens, each knowing its line, column and surrounding spaces.

    An unreadable character becomes a ``bad`` token followed by the end: the parser reports it
    when it gets there, so errors come in reading order (an unknown name before a stray quote).
    """
    tokens: list[_Tok] = []
    append = tokens.append
    new = tuple.__new__  # builds a _Tok without NamedTuple's slower keyword handling
    pos, line, line_start, n = 0, 1, 0, len(text)
    space = False  # whitespace right before the next token
    for m in _TOKEN.finditer(text):
        start = m.start()
        if start != pos:
            break  # finditer skipped an unreadable character at ``pos``
        kind = m.lastgroup
        pos = m.end()
        if kind == "ws":
            space = True
            continue
        tok_text = m.group()
        after = pos >= n or text[pos].isspace()
        if kind == _NL:
            append(new(_Tok, (_NL, "line break", "", line, start - line_start + 1, space, True)))
            line, line_start = line + 1, pos
        elif kind == _OP:
            op = _CANONICAL_OP.get(tok_text, tok_text)
            append(new(_Tok, (_OP, tok_text, op, line, start - line_start + 1, space, after)))
        else:
            append(new(_Tok, (kind, tok_text, "", line, start - line_start + 1, space, after)))
        space = False
    if pos < n:
        bad = _Tok(_BAD, text[pos], "", line, pos - line_start + 1, space, False)
        tokens += [bad, bad._replace(kind=_END, text="end")]
    else:
        tokens.append(_Tok(_END, "end", "", line, pos - line_start + 1, space, True))
    return tokens


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

_CONSTANTS = {"pi": math.pi, "\u03c0": math.pi, "inf": math.inf, "nan": math.nan}
_FUNCTIONS = ("sqrt", "exp", "log", "ln")
_KNOWN = "sqrt, exp, log, ln, pi, inf, nan"


class _Block(NamedTuple):
    """A bracketed (or top-level) value: its shape and its numbers as nested lists."""

    shape: tuple[int, ...]
    data: list


class _Row(NamedTuple):
    items: list  # floats (numbers) or _Block (bracketed lists)
    toks: list[_Tok]  # the first token of each item, for messages
    start: _Tok


def _shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def _count(n: int, word: str = "number") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Parser:
    """Recursive descent over the token list; values are computed while parsing (no AST)."""

    def __init__(self, text: str) -> None:
        self.multiline = "\n" in text.strip() or "\r" in text.strip()
        self.tokens = _tokenize(text)
        self.i = 0
        self.parens = 0  # inside parentheses spaces and line breaks do not split entries
        self.depth = 0

    # -- helpers ------------------------------------------------------------------------------

    def error(self, reason: str, tok: _Tok) -> ParseError:
        return ParseError(reason, tok.line, tok.col, self.multiline)

    def peek(self) -> _Tok:
        tok = self.tokens[self.i]
        if self.parens:
            while tok.kind == _NL:
                self.i += 1
                tok = self.tokens[self.i]
        return tok

    def advance(self) -> _Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def enter(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"too deeply nested (at most {MAX_DEPTH} levels)", tok)

    def unexpected(self, tok: _Tok, after: Any = None) -> ParseError:
        if tok.kind == _NAME:
            self.check_name(tok)  # an unknown name is the clearer message
        if tok.kind in (_END, _NL):
            return self.error("unexpected end of answer" if tok.kind == _END
                              else "unexpected line break", tok)
        hint = ""
        if after is not None and not tok.space_before and (
            tok.kind in (_NUM, _NAME) or tok.op in ("(", "\u221a")
        ):
            hint = " (use * to multiply)"
        return self.error(f"unexpected {tok.text!r}{hint}", tok)

    def check_name(self, tok: _Tok) -> str:
        name = tok.text.lower()
        if name in _CONSTANTS or name in _FUNCTIONS:
            return name
        if name == "e":
            raise self.error(f"unknown name {tok.text!r} (write 1e-3 for powers of ten, exp(1) for e)", tok)
        raise self.error(f"unknown name {tok.text!r} (known: {_KNOWN})", tok)

    # -- structure: rows, items, brackets -------------------------------------------------

    def answer(self) -> np.ndarray:
        rows = self.rows()
        tok = self.peek()
        if tok.kind != _END:  # only a stray ']' can stop the top-level rows early
            raise self.unexpected(tok)
        if not rows:
            raise ParseError("empty answer")
        value = self.block_value(rows, bracketed=False)
        if isinstance(value, float):
            return np.array(value, dtype=np.float64)
        return np.array(value.data, dtype=np.float64).reshape(value.shape)

    def rows(self) -> list[_Row]:
        """Rows up to the end or a ']' (which the caller checks); blank rows are skipped."""
        rows: list[_Row] = []
        while True:
            tok = self.peek()
            if tok.kind == _NL or tok.op == ";":
                self.i += 1
                continue
            if tok.kind == _END or tok.op == "]":
                return rows
            rows.append(self.row())  # a row ends only at a row separator, ']' or the end

    def row(self) -> _Row:
        start = self.peek()
        items = [self.item()]
        toks = [start]
        while True:
            tok = self.peek()
            if tok.op == ",":
                self.i += 1
                nxt = self.peek()
                if nxt.kind in (_NL, _END) or nxt.op in (";", "]"):
                    break  # a trailing comma, as Python allows
                toks.append(nxt)
                items.append(self.item())
            elif tok.kind in (_NL, _END) or tok.op in (";", "]"):
                break
            elif tok.op == "[" and (tok.space_before or isinstance(items[-1], _Block)):
                toks.append(tok)  # ``[1, 2][3, 4]``: a missing comma between lists is forgiven
                items.append(self.item())
            elif tok.space_before and (tok.kind in (_NUM, _NAME) or tok.op in ("+", "-", "(", "\u221a")):
                toks.append(tok)
                items.append(self.item())
            else:
                after = items[-1] if isinstance(items[-1], float) else None
                raise self.unexpected(tok, after=after)
        lists = [isinstance(item, _Block) for item in items]
        if any(lists) and not all(lists):
            odd = lists.index(not lists[0])
            raise self.error("a row cannot mix numbers and [lists]", toks[odd])
        return _Row(items, toks, start)

    def item(self) -> float | _Block:
        tok = self.peek()
        if tok.op == "[":
            return self.bracket()
        if tok.kind == _NUM:  # fast path: a plain number followed by a separator
            nxt = self.tokens[self.i + 1]
            if nxt.kind in (_NL, _END) or nxt.op in (",", ";", "]") or (
                nxt.space_before and nxt.kind == _NUM
            ):
                self.i += 1
                return float(tok.text)
        return self.expr()

    def bracket(self) -> _Block:
        opening = self.advance()
        self.enter(opening)
        rows = self.rows()
        tok = self.peek()
        if tok.op != "]":
            raise self.error("'[' is never closed", opening)
        self.i += 1
        self.depth -= 1
        if not rows:
            raise self.error("empty brackets: expected numbers inside", opening)
        value = self.block_value(rows, bracketed=True)
        assert isinstance(value, _Block)
        return value

    def block_value(self, rows: list[_Row], bracketed: bool) -> float | _Block:
        """The shape rules: one row is a vector (or stacks its [lists]); rows stack as a matrix."""
        if len(rows) == 1:
            row = rows[0]
            if not isinstance(row.items[0], _Block):
                if not bracketed and len(row.items) == 1:
                    return row.items[0]  # a single number
                return _Block((len(row.items),), list(row.items))
            if not bracketed and len(row.items) == 1:
                return row.items[0]  # ``[1, 2]`` typed alone is that list
            return self.stack(row.items, row.toks)
        values = []
        for row in rows:
            if not isinstance(row.items[0], _Block):
                values.append(_Block((len(row.items),), list(row.items)))
            elif len(row.items) == 1:
                values.append(row.items[0])  # a row typed as ``[1, 2]`` on its own line
            else:
                values.append(self.stack(row.items, row.toks))
        return self.stack(values, [row.start for row in rows])

    def stack(self, values: Sequence[_Block], toks: Sequence[_Tok]) -> _Block:
        first = values[0].shape
        for k, value in enumerate(values[1:], start=2):
            if value.shape != first:
                if len(first) == 1 and len(value.shape) == 1:
                    reason = f"row {k} has {_count(value.shape[0])}, row 1 has {first[0]}"
                else:
                    reason = f"part {k} is {_shape_text(value.shape)}, part 1 is {_shape_text(first)}"
                raise self.error(reason, toks[k - 1])
        return _Block((len(values),) + first, [v.data for v in values])

    # -- arithmetic -----------------------------------------------------------------------

    def expr(self) -> float:
        value = self.term()
        while True:
            tok = self.peek()
            if tok.op not in ("+", "-"):
                return value
            if not self.parens and tok.space_before and not tok.space_after:
                return value  # ``1 -2``: the minus starts the next entry
            self.i += 1
            rhs = self.term()
            value = value + rhs if tok.op == "+" else value - rhs

    def term(self) -> float:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok.op == "*":
                self.i += 1
                value = value * self.unary()
            elif tok.op == "/":
                self.i += 1
                rhs = self.unary()
                if rhs == 0:
                    raise self.error("division by zero", tok)
                value = value / rhs
            else:
                return value

    def unary(self) -> float:
        sign = 1.0
        while self.peek().op in ("+", "-"):
            if self.advance().op == "-":
                sign = -sign
        return sign * self.power()

    def power(self) -> float:
        base = self.atom()
        tok = self.peek()
        if tok.op != "^":
            return base
        self.i += 1
        self.enter(tok)
        exponent = self.unary()
        self.depth -= 1
        try:
            return math.pow(base, exponent)
        except OverflowError:
            raise self.error("result too large", tok) from None
        except ValueError:
            if base == 0:
                raise self.error("0 to a negative power", tok) from None
            raise self.error("a negative number to a fractional power", tok) from None

    def atom(self) -> float:
        tok = self.peek()
        if tok.kind == _NUM:
            self.i += 1
            return float(tok.text)
        if tok.op == "(":
            return self.parenthesized()
        if tok.op == "\u221a":
            self.i += 1
            self.enter(tok)
            value = self.atom()
            self.depth -= 1
            return self.apply("sqrt", value, tok)
        if tok.kind == _NAME:
            name = self.check_name(tok)
            self.i += 1
            if name in _CONSTANTS:
                return _CONSTANTS[name]
            if self.peek().op != "(":
                raise self.error(f"{name} needs parentheses, e.g. {name}(2)", tok)
            return self.apply(name, self.parenthesized(), tok)
        if tok.kind in (_NL, _END) or tok.op in (",", ";", "]", ")"):
            prev = self.tokens[self.i - 1] if self.i else None
            if prev is not None and prev.kind == _OP:
                raise self.error(f"expected a number after {prev.text!r}", tok)
            if tok.kind in (_NL, _END):
                raise self.error("expected a number", tok)
        raise self.unexpected(tok)

    def parenthesized(self) -> float:
        opening = self.advance()
        self.enter(opening)
        self.parens += 1
        value = self.expr()
        tok = self.peek()
        self.parens -= 1
        if tok.op != ")":
            if tok.kind == _END:
                raise self.error("'(' is never closed", opening)
            raise self.unexpected(tok, after=value)
        self.i += 1
        self.depth -= 1
        return value

    def apply(self, name: str, x: float, tok: _Tok) -> float:
        if name == "sqrt":
            if x < 0:
                raise self.error("sqrt of a negative number", tok)
            return math.sqrt(x)
        if name == "exp":
            try:
                return math.exp(x)
            except OverflowError:
                raise self.error("result too large", tok) from None
        # log and ln: the natural logarithm, as numpy and torch spell it
        if x <= 0:
            raise self.error(f"{name} of a number that is not positive", tok)
        return math.log(x)


def parse(text: str) -> np.ndarray:
    """Read a typed answer into a float64 array: shape ``()`` for one number, a vector, a matrix
    (or, from nested brackets, an array of higher rank).

    Raises :class:`ParseError` (a ``ValueError``) saying where the text could not be read.
    See the module docstring for the grammar.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse expects a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"answer too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise ParseError("empty answer")
    return _Parser(text).answer()


# --------------------------------------------------------------------------------------------
# Formatting an expected answer so it can be typed back
# --------------------------------------------------------------------------------------------


def _format_number(x: float, sig: int) -> str:
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15:
        return str(int(x))
    return format(x, f".{sig}g")


def format_answer(value: Any, sig: int = 5) -> str:
    """An answer written the way a person could type it back: ``1.2247``, ``[1, 2, 3]``,
    ``[1, 2; 3, 4]`` (``[[1, 2, 3]]`` for a single row, nested lists beyond 2-D).

    Integers print exactly; other numbers to ``sig`` significant digits, which agree with the
    value to a relative 5e-5 at ``sig=5``: well inside an exercise's tolerance (rtol 1e-3).
    """
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return _format_number(a, sig)
    if a.ndim == 1:
        return "[" + ", ".join(_format_number(v, sig) for v in a) + "]"
    if a.ndim == 2 and a.shape[0] != 1:
        return "[" + "; ".join(", ".join(_format_number(v, sig) for v in row) for row in a) + "]"

    def nested(x: np.ndarray) -> str:
        if x.ndim == 1:
            return "[" + ", ".join(_format_number(v, sig) for v in x) + "]"
        return "[" + ", ".join(nested(sub) for sub in x) + "]"

    return nested(a)

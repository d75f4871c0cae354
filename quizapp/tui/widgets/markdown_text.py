"""Card text (a little Markdown) drawn as one styled Content in one Static.

Textual's Markdown widget builds a widget per block and lays them out asynchronously: right for
documents, but a card must appear within a frame of the keypress that asked for it.  Card text
uses a small part of Markdown, and this draws exactly that part:

- paragraphs (lines joined, as Markdown does; a blank line separates paragraphs);
- ```fenced``` blocks, kept line for line (arrays stay aligned), Python highlighted;
- list items (``- ``, ``* ``, ``1. ``) and ``#`` headings, one per line;
- inline ``code``, **bold**, *italic* / _italic_ (not inside words: snake_case stays as it is),
  and [links](url) shown as their text.

Anything else is shown as the literal text it is, which in Markdown source is readable anyway.
"""

from __future__ import annotations

import re
from functools import lru_cache

from textual.content import Content
from textual.widgets import Static

_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+-]*)\s*$")
_LIST = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|(?<![\w*])\*(?=\S)(?P<italic>[^*\n]+?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w])_(?=\S)(?P<underscore>[^_\n]+?)(?<=\S)_(?![\w])"
    r"|\[(?P<link>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
)
CODE_STYLE = "$text-accent"
FENCE_STYLE = "$text-warning"


def inline_content(text: str) -> Content:
    """One paragraph's inline Markdown as styled Content."""
    parts: list[str | tuple[str, str]] = []
    pos = 0
    for match in _INLINE.finditer(text):
        parts.append(text[pos : match.start()])
        kind = match.lastgroup
        if kind == "code":
            parts.append((match["code"], CODE_STYLE))
        elif kind == "bold":
            parts.append((match["bold"], "bold"))
        elif kind in ("italic", "underscore"):
            parts.append((match[kind], "italic"))
        else:  # a link: its text, the address after it dimmed
            parts.append((match["link"], "underline"))
            parts.append((f" ({match['url']})", "dim"))
        pos = match.end()
    parts.append(text[pos:])
    return Content.assemble(*parts)


def _fence(lines: list[str], language: str) -> Content:
    code = "\n".join(lines)
    if language:
        from textual.highlight import highlight

        try:
            body = highlight(code, language=language)
        except Exception:  # an unknown language: plain monospace is fine
            body = Content(code)
    else:
        body = Content.styled(code, FENCE_STYLE)
    return Content("\n").join(Content("  ") + line for line in body.split("\n"))


@lru_cache(maxsize=512)
def markdown_content(text: str) -> Content:
    """Card text as Content: blocks separated by blank lines (see the module docstring)."""
    blocks: list[Content] = []
    paragraph: list[str] = []
    lines_block: list[Content] = []  # consecutive list items / headings

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(inline_content(" ".join(part.strip() for part in paragraph)))
            paragraph.clear()

    def flush_lines() -> None:
        if lines_block:
            blocks.append(Content("\n").join(lines_block))
            lines_block.clear()

    lines = text.strip("\n").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush_paragraph()
            flush_lines()
            marker, language = fence.groups()
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                body.append(lines[i])
                i += 1
            blocks.append(_fence(body, language))
            # text after a closing fence on the same line is a paragraph of its own
            rest = lines[i].strip()[len(marker):].strip() if i < len(lines) else ""
            if rest:
                paragraph.append(rest)
            i += 1
            continue
        if not line.strip():
            flush_paragraph()
            flush_lines()
        elif heading := _HEADING.match(line):
            flush_paragraph()
            lines_block.append(Content.assemble((heading.group(2), "bold")))
        elif item := _LIST.match(line):
            flush_paragraph()
            indent, marker, rest = item.groups()
            bullet = "•" if marker in "-*+" else marker
            lines_block.append(Content.assemble(f"{indent}{bullet} ", inline_content(rest)))
        elif lines_block and line.startswith("  "):  # a list item continued on the next line
            lines_block[-1] = Content.assemble(lines_block[-1], " ", inline_content(line.strip()))
        else:
            flush_lines()
            paragraph.append(line)
        i += 1
    flush_paragraph()
    flush_lines()
    return Content("\n\n").join(blocks)


class MarkdownText(Static):
    """A Static showing card text; ``show(markdown)`` replaces it."""

    DEFAULT_CSS = """
    MarkdownText { width: 1fr; height: auto; }
    """

    def __init__(self, markdown: str = "", **kwargs) -> None:
        super().__init__(markdown_content(markdown) if markdown else "", **kwargs)
        self.markdown = markdown

    def show(self, markdown: str) -> None:
        self.markdown = markdown
        self.update(markdown_content(markdown) if markdown else "")

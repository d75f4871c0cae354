"""Anki's HTML fields as Markdown, with the media they name listed (media are not imported).

Anki stores each field as an HTML fragment: ``<div>`` or ``<br>`` per line, ``<b>``, ``<i>``,
``<u>``, ``<code>``, ``<pre>``, lists, links, ``<img src=...>`` and ``[sound:...]``.  This keeps
the text and its emphasis, lines and lists; drops scripts and styles with their content and every
other tag with its attributes (the text inside is kept); and lists each image, sound or video
file named.  It is Python's own HTML tokenizer: nothing is fetched, nothing is run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

__all__ = ["Converted", "to_markdown"]

_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_LINE_BREAKS = {"br", "div", "p", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_HIDDEN = {"script", "style", "head", "title", "template"}
_MEDIA = {"img", "audio", "video", "source", "embed", "object"}


class Converted(NamedTuple):
    markdown: str
    media: tuple[str, ...]


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.media: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # per open list: [next number] for <ol>, [] for <ul>
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _MEDIA:
            source = values.get("src") or values.get("data") or ""
            if source:
                self.media.append(source)
        elif tag in _INLINE and not self.pre:
            self.out.append(_INLINE[tag])
        elif tag in _LINE_BREAKS:  # a paragraph each: a single newline would join lines in Markdown
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append([1] if tag == "ol" else [])
            self.out.append("\n")
        elif tag == "li":
            marker = "- "
            if self.lists and self.lists[-1]:
                marker = f"{self.lists[-1][0]}. "
                self.lists[-1][0] += 1
            self.out.append("\n" + "  " * max(len(self.lists) - 1, 0) + marker)
        elif tag == "a":
            self.links.append(values.get("href") or "")
            self.out.append("[")
        elif tag == "hr":
            self.out.append("\n\n---\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _INLINE and not self.pre:
            self._close(_INLINE[tag])
        elif tag in ("div", "p", "blockquote") or tag.startswith("h") and tag[1:].isdigit():
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self.out.append("\n```\n")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.out.append(f"]({href})" if href.startswith(("http://", "https://")) else "]")

    def _close(self, marker: str) -> None:
        """End an emphasis; one around nothing (``<b></b>``, ``<i> </i>``) is dropped."""
        if self.out and self.out[-1] == marker:
            self.out.pop()
        elif len(self.out) >= 2 and not self.out[-1].strip() and self.out[-2] == marker:
            del self.out[-2]
        else:
            self.out.append(marker)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        self.out.append(data)


def to_markdown(html: str) -> Converted:
    """``html`` (one Anki field) as Markdown, and the media files it names."""
    sounds = _SOUND.findall(html)
    converter = _Converter()
    converter.feed(_SOUND.sub("", html))
    converter.close()
    text = "".join(converter.out)
    text = text.replace("[]", "")  # a link around nothing (an image): nothing left to show
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return Converted(text, tuple(converter.media) + tuple(sounds))

"""The keys line at the bottom of every core screen: the footer's job in one Static.

Textual's Footer builds a widget per key and rebuilds them all whenever the bindings change,
which they do every time focus moves (every new card, every answer).  That cost about 60 ms at
start-up and several milliseconds per card.  This bar draws the same bindings (the screen's
active ones with ``show=True``, the command palette key at the right end) as one line of text,
and a click on a key presses it, as the footer does.  When the keys do not fit (a phone's 60
columns), they are cut with an ellipsis and the palette key stays: the palette reaches every
action, and its Keys command lists every key.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static


#: (key, key as shown, description, enabled)
Entry = tuple[str, str, str, bool]


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def keys(self) -> list[Entry]:
        """(key, key as shown, description, enabled) for each key the bar shows."""
        app = self.app
        palette_key = getattr(app, "COMMAND_PALETTE_BINDING", "ctrl+p")
        seen: set[str] = set()
        out = []
        palette = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.key == palette_key:
                palette = (binding.key, app.get_key_display(binding), "palette", enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        if palette is not None and getattr(app, "ENABLE_COMMAND_PALETTE", True):
            out.append(palette)
        return out

    def _draw(self) -> None:
        parts: list[Any] = []
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, key) for clicks
        x = 0
        entries = self.keys()
        compact = bool(self.size.width) and _width(entries) > self.size.width
        for entry in self._fitted(entries, compact):
            if isinstance(entry, str):  # the ellipsis where keys were cut
                parts.append(entry)
                x += cell_len(entry)
                continue
            width = _width([entry], compact)
            parts.extend(_entry_parts(entry, compact))
            self._spans.append((x, x + width, entry[0]))
            x += width
        self.update(Content.assemble(*parts))

    def _fitted(self, entries: list[Entry], compact: bool) -> list[Entry | str]:
        """The entries, or when they do not fit the bar: those that do, an ellipsis, and the
        palette key at the right end."""
        width = self.size.width
        if not (width and entries and entries[-1][2] == "palette") or _width(entries, compact) <= width:
            return list(entries)
        *keys, palette = entries
        room = width - _width([palette], compact)
        kept: list[Entry | str] = []
        used = 0
        for entry in keys:
            if used + _width([entry], compact) > room - 1:  # one cell for the ellipsis
                break
            kept.append(entry)
            used += _width([entry], compact)
        return [*kept, "…".ljust(room - used), palette]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, key in getattr(self, "_spans", ()):
            if start <= offset.x < end:
                self.app.simulate_key(key)
                return


def _entry_parts(entry: Entry, compact: bool = False) -> list[Any]:
    """The key in the key colour and the description after it (both dim when disabled)."""
    _key, shown, description, enabled = entry
    label, text = (f"{shown} " if compact else f" {shown} "), f"{description} "
    return [(label, "bold $footer-key-foreground"), text] if enabled else [(label + text, "dim")]


def _width(entries: list[Entry], compact: bool = False) -> int:
    """The cells these entries take on the bar."""
    return sum(cell_len(shown) + cell_len(description) + (2 if compact else 3) for _, shown, description, _ in entries)

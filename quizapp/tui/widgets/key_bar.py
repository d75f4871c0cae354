"""The keys line at the bottom of every core screen: the footer's job in one Static.

Textual's Footer builds a widget per key and rebuilds them all whenever the bindings change,
which they do every time focus moves (every new card, every answer).  That cost about 60 ms at
start-up and several milliseconds per card.  This bar draws the same bindings (the screen's
active ones with ``show=True``, the command palette key at the end) as one line of text, and a
click on a key presses it, as the footer does.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.content import Content
from textual.widgets import Static


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

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def keys(self) -> list[tuple[str, str, str, bool]]:
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
        for key, shown, description, enabled in self.keys():
            label = f" {shown} "
            text = f"{description} "
            if enabled:
                parts.extend([(label, "bold $footer-key-foreground"), text])
            else:
                parts.append((label + text, "dim"))
            self._spans.append((x, x + len(label) + len(text), key))
            x += len(label) + len(text)
        self.update(Content.assemble(*parts))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, key in getattr(self, "_spans", ()):
            if start <= offset.x < end:
                self.app.simulate_key(key)
                return

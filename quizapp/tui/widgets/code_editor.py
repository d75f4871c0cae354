"""The drill's Python editor: it indents as a code editor does.

- Enter keeps the line's indentation, and adds a level after a line ending in a colon;
- Backspace in the indentation removes one level (back to the previous multiple of 4);
- Tab inserts spaces to the next level (TextArea's own code-editor behaviour).

Highlighted when tree-sitter (textual[syntax]) is installed, plain otherwise.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import TextArea

INDENT = 4


def indent_after(line: str) -> str:
    """The indentation a new line gets after ``line`` (the text before the cursor)."""
    kept = line[: len(line) - len(line.lstrip(" "))]
    return kept + " " * INDENT if line.rstrip().endswith(":") else kept


def dedent_width(before_cursor: str) -> int:
    """How many spaces Backspace removes when only spaces precede the cursor: one level."""
    return (len(before_cursor) - 1) % INDENT + 1


def code_editor(text: str = "", **kwargs: Any) -> CodeEditor:
    """TextArea's code-editor set-up (line numbers, Tab indents, no soft wrap) on a CodeEditor."""
    try:
        return CodeEditor.code_editor(text, language="python", **kwargs)
    except Exception:  # tree-sitter present without its Python grammar: plain text is fine
        return CodeEditor.code_editor(text, language=None, **kwargs)


class CodeEditor(TextArea):
    def _on_key(self, event: events.Key) -> None:
        if event.key != "enter" or self.read_only:
            return  # TextArea's own handler inserts everything else
        event.stop()
        event.prevent_default()
        start, end = sorted(self.selection)
        row, column = start
        self.replace("\n" + indent_after(self.document[row][:column]), start, end, maintain_selection_offset=False)

    def action_delete_left(self) -> None:
        row, column = self.cursor_location
        before = self.document[row][:column]
        if self.selection.is_empty and before and not before.strip(" "):
            self.delete((row, column - dedent_width(before)), (row, column))
            return
        super().action_delete_left()

"""Card text drawn by Textual's Markdown widget: tables, images (as their description, a link),
code blocks, nested lists.  One renderer for the browser's card detail and the study screen's
explanations, so a deck author's Markdown looks the same in both.

The widget lays its blocks out in the background; :attr:`CardMarkdown.ready` says when the text
set last is on screen.  (A card's front and its answer choices use the lighter
:class:`~quizapp.tui.widgets.markdown_text.MarkdownText`, drawn within the frame of the keypress.)
"""

from __future__ import annotations

from textual.widgets import Markdown


class CardMarkdown(Markdown):
    DEFAULT_CSS = """
    CardMarkdown { margin: 0; padding: 0; }
    /* Sections are spaced by their titles: no paragraph gap after the last block. */
    CardMarkdown > MarkdownBlock:last-child { margin-bottom: 0; }
    """

    def __init__(self, markdown: str = "", **kwargs) -> None:
        super().__init__(markdown, **kwargs)
        self._drawn: str | None = None

    @property
    def ready(self) -> bool:
        """The text set last is laid out."""
        return self._drawn == self.source

    def on_markdown_table_of_contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        # Posted when an update has mounted every block (the widget's own "done").
        self._drawn = self.source

"""A coding drill: write the function in NumPy; ctrl+r checks it, ctrl+s submits it for a grade,
ctrl+o gives up and shows a model solution (after a confirmation; the card is graded Again).

The editor starts from the last attempt kept in the database (or the task's starter: imports,
signature, docstring).  Checking runs the code in a separate process with a time limit
(quizapp.drills); here it runs in a worker thread, so the interface keeps answering while
"running..." shows.  Every run and every submit saves the code first, so nothing typed is lost.

The run's report opens under the editor, complete (the failing case, expected, got, the largest
error, the hint) and scrolling on its own: PageUp/PageDown scroll it while the editor keeps the
focus and at least ``EDITOR_ROWS`` rows, so typing goes on beside the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Static

from quizapp.tui.widgets.buttons import ActionRow, ClickButton
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.code_editor import CodeEditor, code_editor
from quizapp.tui.widgets.markdown_text import MarkdownText

#: The editor's least height while a report shows: 8 lines of code between its borders.
EDITOR_ROWS = 10
#: The report's least height, when even the editor's rows leave less.
REPORT_ROWS = 4


def report_content(report: Any) -> Content:
    """A DrillReport as lines, the verdict line coloured."""
    lines = list(report.lines())
    head, rest = (lines[0], lines[1:]) if lines else ("", [])
    style = "bold $text-success" if report.passed else "bold $text-error"
    return Content.assemble((head, style), *("\n" + line for line in rest))


class ReportView(VerticalScroll, can_focus=False):
    """The last run's report; the mouse wheel scrolls it, and PageUp/PageDown from the editor."""

    DEFAULT_CSS = """
    ReportView {
        height: auto;
        border-top: solid $foreground 20%;
        border-title-color: $text-muted;
        padding: 0 1;
        display: none;
    }
    ReportView.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="report-text")

    def show(self, content: Content | str) -> None:
        self.query_one("#report-text", Static).update(content)
        self.set_class(bool(content), "-shown")
        self.scroll_home(animate=False)


class CodeView(CardView):
    DEFAULT_CSS = """
    CodeView { scrollbar-gutter: auto; }
    CodeView #editor { height: 1fr; min-height: 10; margin-top: 1; border-title-color: $text-accent; }
    CodeView ActionRow { margin-top: 0; }
    CodeView #status { width: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+r", "run", "Run checks"),
        Binding("ctrl+s", "submit", "Submit"),
        Binding("ctrl+o", "screen.show_solution", "Solution", tooltip="Give up: show a model solution (graded Again)"),
        # Ahead of the editor's own PageUp/PageDown while a report shows (check_action).
        Binding("pageup", "scroll_report(-1)", "Scroll the report", show=False, priority=True),
        Binding("pagedown", "scroll_report(1)", "Scroll the report", show=False, priority=True),
    ]

    #: The checks are running: Run and Submit wait for them.
    busy: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run_check: Callable[[str], Any] = lambda code: None
        self.save_code: Callable[[str], None] = lambda code: None

    def compose(self) -> ComposeResult:
        yield MarkdownText(classes="prompt")
        yield code_editor("", id="editor", soft_wrap=False)
        with ActionRow():
            yield ClickButton("Run (ctrl+r)", id="run")
            yield ClickButton("Submit (ctrl+s)", id="submit", variant="primary")
            yield ClickButton("Solution (ctrl+o)", id="solution")
            yield Static("", id="status")
        yield ReportView(id="report")

    def load_drill(
        self,
        presented: Any,
        *,
        code: str,
        title: str,
        run_check: Callable[[str], Any],
        save_code: Callable[[str], None],
    ) -> None:
        """Show a drill: its title and prompt, the code to start from, how to check and save it."""
        self.load(presented)
        self.run_check = run_check
        self.save_code = save_code
        prompt = (getattr(self.card, "prompt", "") or "").strip()
        self.query_one(".prompt", MarkdownText).show(prompt)
        editor = self.query_one("#editor", CodeEditor)
        editor.border_title = title  # on the editor's frame: two rows more for code and report
        editor.load_text(code)
        self._show_report("")
        self.set_busy(False)

    def focus_target(self) -> Widget:
        return self.query_one("#editor", CodeEditor)

    @property
    def code(self) -> str:
        return self.query_one("#editor", CodeEditor).text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("run", "submit"):
            return not self.busy
        if action == "scroll_report":
            return self.query_one(ReportView).has_class("-shown")
        return True

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.query_one("#status", Static).update(Content.styled(message, "$text-warning") if message else "")

    def watch_busy(self, busy: bool) -> None:
        for button in self.query(ClickButton):
            button.disabled = busy

    # -- the report ---------------------------------------------------------------------------

    def _show_report(self, content: Content | str) -> None:
        report = self.query_one(ReportView)
        report.show(content)
        report.border_title = "report · PageUp/PageDown scroll it" if content else ""
        self._fit_report()
        self.refresh_bindings()  # PageUp/PageDown change meaning with the report

    def _fit_report(self) -> None:
        """Give the report what the editor's rows leave, at most half the room for both, so a
        long report scrolls instead of squeezing the editor."""
        chrome = sum(widget.outer_size.height for widget in self.query(".prompt, ActionRow"))
        room = self.scrollable_content_region.height - chrome - 1  # the editor's top margin
        report = self.query_one(ReportView)
        rows = max(REPORT_ROWS, min(room - EDITOR_ROWS, room // 2))
        report.styles.max_height = rows - report.styles.gutter.height  # its frame is on top of that

    def on_resize(self, event: events.Resize) -> None:
        self._fit_report()

    def action_scroll_report(self, pages: int) -> None:
        report = self.query_one(ReportView)
        if pages > 0:
            report.scroll_page_down(animate=False)
        else:
            report.scroll_page_up(animate=False)

    # -- running and submitting ------------------------------------------------------------------

    def action_run(self) -> None:
        if self.busy:
            return
        code = self.code
        self.save_code(code)
        self.set_busy(True, "running the checks...")
        self._run(code)

    @work(thread=True, exclusive=True, group="drill-run")
    def _run(self, code: str) -> None:
        try:
            report = self.run_check(code)
        except Exception as exc:  # the checker itself failed: say so, keep the editor
            self.app.call_from_thread(self._show_failure, f"could not run the checks: {exc}")
            return
        self.app.call_from_thread(self._report_ready, report)

    def _report_ready(self, report: Any) -> None:
        self.set_busy(False)
        self._show_report(report_content(report))

    def _show_failure(self, message: str) -> None:
        self.set_busy(False)
        self._show_report(Content.styled(message, "$text-error"))

    def action_submit(self) -> None:
        if self.busy:
            return
        code = self.code
        self.save_code(code)
        self.post_message(self.Answered(code, shown=code))

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self._show_report(Content.styled(message, "$text-error"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.action_run()
        elif event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "solution":
            self.run_action("screen.show_solution")

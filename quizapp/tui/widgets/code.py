"""A coding drill: write the function in NumPy; ctrl+r checks it, ctrl+s submits it for a grade.

The editor starts from the last attempt kept in the database (or the task's starter: imports,
signature, docstring).  Checking runs the code in a separate process with a time limit
(quizapp.drills); here it runs in a worker thread, so the interface keeps answering while
"running..." shows.  Every run and every submit saves the code first, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Static, TextArea

from quizapp.tui.widgets.buttons import ActionRow, ClickButton
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.markdown_text import MarkdownText


def code_editor(text: str) -> TextArea:
    """A Python editor; highlighted when tree-sitter (textual[syntax]) is installed, plain otherwise."""
    try:
        return TextArea.code_editor(text, language="python", id="editor", soft_wrap=False)
    except Exception:  # tree-sitter present without its Python grammar: plain text is fine
        return TextArea.code_editor(text, language=None, id="editor", soft_wrap=False)


def report_content(report: Any) -> Content:
    """A DrillReport as lines, the verdict line coloured."""
    lines = list(report.lines())
    head, rest = (lines[0], lines[1:]) if lines else ("", [])
    style = "bold $text-success" if report.passed else "bold $text-error"
    return Content.assemble((head, style), *("\n" + line for line in rest))


class CodeView(CardView):
    DEFAULT_CSS = """
    CodeView { scrollbar-gutter: auto; }
    CodeView #editor { height: 1fr; min-height: 8; margin-top: 1; }
    CodeView #status { width: auto; padding: 0 1; }
    CodeView #report { height: auto; max-height: 12; padding: 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+r", "run", "Run checks"),
        Binding("ctrl+s", "submit", "Submit"),
    ]

    #: The checks are running: Run and Submit wait for them.
    busy: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run_check: Callable[[str], Any] = lambda code: None
        self.save_code: Callable[[str], None] = lambda code: None

    def compose(self) -> ComposeResult:
        yield MarkdownText(classes="prompt")
        yield code_editor("")
        with ActionRow():
            yield ClickButton("Run checks (ctrl+r)", id="run")
            yield ClickButton("Submit (ctrl+s)", id="submit", variant="primary")
            yield Static("", id="status")
        yield Static("", id="report")

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
        self.query_one(".prompt", MarkdownText).show(f"**{title}**" + (f"\n\n{prompt}" if prompt else ""))
        editor = self.query_one("#editor", TextArea)
        editor.load_text(code)
        self.query_one("#report", Static).update("")
        self.set_busy(False)

    def focus_target(self) -> Widget:
        return self.query_one("#editor", TextArea)

    @property
    def code(self) -> str:
        return self.query_one("#editor", TextArea).text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("run", "submit"):
            return not self.busy
        return True

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.query_one("#status", Static).update(Content.styled(message, "$text-warning") if message else "")

    def watch_busy(self, busy: bool) -> None:
        for button in self.query(ClickButton):
            button.disabled = busy

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
        self.app.call_from_thread(self._show_report, report)

    def _show_report(self, report: Any) -> None:
        self.set_busy(False)
        self.query_one("#report", Static).update(report_content(report))

    def _show_failure(self, message: str) -> None:
        self.set_busy(False)
        self.query_one("#report", Static).update(Content.styled(message, "$text-error"))

    def action_submit(self) -> None:
        if self.busy:
            return
        code = self.code
        self.save_code(code)
        self.post_message(self.Answered(code, shown=code))

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.query_one("#report", Static).update(Content.styled(message, "$text-error"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.action_run()
        elif event.button.id == "submit":
            self.action_submit()

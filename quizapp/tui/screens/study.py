"""The study screen: one card at a time from a :class:`quizapp.session.Session`, then feedback.

The screen only moves between states; the session decides what comes next and records every
grade before returning, so leaving at any moment (q, escape, closing the terminal) loses nothing
that was answered.

    card shown --answer--> feedback (1-4 changes the grade) --enter--> next card ... --> summary
    flashcard: front --space--> back + grade buttons --1-4--> next card

Keys that would clash with typing (u, s, q, !) act only when no answer field has focus; escape
leaves a field.  ctrl+b buries from anywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Header

from quizapp.grading import AnswerError
from quizapp.session import SessionError
from quizapp.store import StoreError
from quizapp.tui.context import AppContext
from quizapp.tui.widgets.card_header import CardHeader, card_facts
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.feedback import FeedbackView
from quizapp.tui.widgets.key_bar import KeyBar


def _leave_on_store_error(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """A database problem while studying (say the file was removed: the grade was not saved)
    ends the app with its one-line message instead of a traceback."""

    @wraps(handler)
    async def guarded(self: StudyScreen, *args: Any) -> None:
        try:
            await handler(self, *args)
        except StoreError as problem:
            self.app.fail(problem)  # type: ignore[attr-defined]

    return guarded


class StudyScreen(Screen):
    #: Below 70 columns (a phone in a browser) the screen has the class -narrow.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    DEFAULT_CSS = """
    #card-header {
        padding: 0 1;
        background: $boost;
    }

    #study-body {
        height: 1fr;
    }

    CardView, FeedbackView {
        height: 1fr;
        padding: 0 1;
        scrollbar-gutter: stable;
    }

    CardView:focus, FeedbackView:focus {
        background-tint: $foreground 0%;
    }

    CardView .prompt, CardView .front {
        margin-top: 1;
    }

    /* flashcard */

    FlashcardView .rule {
        height: 1;
        border-top: solid $foreground 20%;
        margin-top: 1;
    }

    FlashcardView .explain {
        margin-top: 1;
    }

    FlashcardView .explain {
        color: $text-muted;
    }

    StudyScreen.-narrow FlashcardView .grade {
        min-width: 0;  /* all four fit a phone's 60 columns, even at intervals of months */
        padding: 0;
    }

    /* choice and true/false */

    ChoiceView .options {
        height: auto;
    }

    ChoiceView OptionRow, TrueFalseView OptionRow {
        margin-top: 1;
    }

    /* exercise */

    #answer {
        margin-top: 1;
    }

    #reading {
        height: auto;
        padding: 0 1;
    }

    /* code */

    CodeView #editor {
        height: 1fr;
        min-height: 8;
        margin-top: 1;
    }

    CodeView {
        scrollbar-gutter: auto;
    }

    CodeView #status {
        width: auto;
        padding: 0 1;
    }

    CodeView #report {
        height: auto;
        max-height: 12;
        padding: 0 1;
    }

    /* feedback */

    #verdict {
        text-style: bold;
        margin-top: 1;
        padding: 0 1;
    }

    FeedbackView.-right #verdict {
        background: $success 15%;
    }

    FeedbackView.-wrong #verdict {
        background: $error 15%;
    }

    FeedbackView .recap {
        color: $text-muted;
        padding: 0 1;
    }

    FeedbackView .section {
        text-style: bold;
        margin-top: 1;
        color: $text-accent;
    }

    FeedbackView .expected, FeedbackView #options, FeedbackView #report {
        margin-top: 1;
    }

    FeedbackView .answers {
        height: auto;
        margin-top: 1;
    }

    FeedbackView .answer-box {
        width: auto;
        min-width: 24;
        max-width: 50%;
        height: auto;
        border: round $foreground 30%;
        padding: 0 1;
    }

    FeedbackView .answer-box > Static {
        width: auto;
    }

    FeedbackView .answer-box.yours {
        margin-right: 1;
    }

    FeedbackView .box-title {
        text-style: bold;
        color: $text-muted;
    }

    #misconception {
        height: auto;
        margin-top: 1;
        border: round $warning;
        padding: 0 1;
    }

    FeedbackView #grade {
        margin-top: 1;
        padding: 0 1;
    }

    FeedbackView .refs {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("u", "undo", "Undo", tooltip="Undo the last grade: the card comes back"),
        Binding("s", "skip", "Skip", tooltip="Skip: the card goes to the back of the queue"),
        Binding("exclamation_mark,ctrl+b", "bury", "Bury", tooltip="Bury the card until tomorrow"),
        Binding("q,escape", "leave", "End", tooltip="End the session (every answer is already saved)"),
    ]

    def __init__(self, ctx: AppContext, session: Any, title: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.sub_title = title or "Study"
        self.view: CardView | FeedbackView | None = None  # what the body shows now
        self._views: dict[str, CardView] = {}  # one per card kind, reused card after card
        self.busy = False  # a drill is being checked in a worker thread
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield CardHeader(id="card-header")
        yield Container(id="study-body")
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.advance()

    # -- moving between cards --------------------------------------------------------------------

    @_leave_on_store_error
    async def advance(self) -> None:
        presented = self.session.next()
        if presented is None:
            self.finish()
            return
        await self.show_card(presented)

    async def show_card(self, presented: Any) -> None:
        view = await self._view_for(presented.kind)
        if presented.kind == "code":
            self._load_drill(view, presented)
        else:
            view.load(presented)
        self.query_one(CardHeader).show(card_facts(presented), self.session.remaining())
        await self._display(view)
        target = view.focus_target()
        if self.focused is not target:
            target.focus()

    async def show_feedback(self, outcome: Any, shown: Any) -> None:
        view = FeedbackView(outcome, self.ctx.library, shown=shown, grades=self.session.grade_options(), id="feedback")
        self.query_one(CardHeader).show(card_facts(outcome.presented), self.session.remaining())
        await self.query_one("#study-body", Container).mount(view)
        await self._display(view)
        view.focus()
        if outcome.leech:
            self.notify_leech(outcome)

    def notify_leech(self, outcome: Any) -> None:
        lapses = self.session.settings.leech_lapses
        self.notify(f"{outcome.card.id} is a leech: failed {lapses}+ times. Consider rewording it.", severity="warning")

    async def _display(self, view: CardView | FeedbackView) -> None:
        """Show ``view`` in the body: card views are hidden and kept, feedback is thrown away."""
        previous = self.view
        if previous is view:
            return
        self.view = view
        view.display = True
        if isinstance(previous, FeedbackView):
            await previous.remove()
        elif previous is not None:
            previous.display = False
        self.refresh_bindings()

    async def _view_for(self, kind: str) -> CardView:
        """This screen's view for ``kind``, built and mounted (hidden) the first time."""
        view = self._views.get(kind)
        if view is None:
            view = self.make_view(kind)
            view.display = False
            await self.query_one("#study-body", Container).mount(view)
            self._views[kind] = view
        return view

    def make_view(self, kind: str) -> CardView:
        if kind == "flashcard":
            from quizapp.tui.widgets.flashcard import FlashcardView

            return FlashcardView(preview=self.session.preview, id="flashcard-view")
        if kind == "choice":
            from quizapp.tui.widgets.choice import ChoiceView

            return ChoiceView(id="choice-view")
        if kind == "truefalse":
            from quizapp.tui.widgets.truefalse import TrueFalseView

            return TrueFalseView(id="truefalse-view")
        if kind == "exercise":
            from quizapp.tui.widgets.exercise import ExerciseView

            return ExerciseView(id="exercise-view")
        if kind == "code":
            from quizapp.tui.widgets.code import CodeView

            return CodeView(id="code-view")
        if kind == "cloze":
            from quizapp.tui.widgets.cloze import ClozeView

            return ClozeView(id="cloze-view")
        raise ValueError(f"no view for {kind} cards")

    def _load_drill(self, view: Any, presented: Any) -> None:
        from quizapp.drills import check, get_task

        card = presented.card
        task = get_task(card.task)
        store = self.ctx.store
        view.load_drill(
            presented,
            code=store.load_code(card.id) or task.starter,
            title=getattr(task, "title", card.task),
            run_check=lambda text: check(card.task, text),
            save_code=lambda text: store.save_code(card.id, text, now=self.ctx.now()),
        )

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        from quizapp.tui.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(self.session.summary(), self.ctx.now(), title=self.sub_title))

    # -- answers ---------------------------------------------------------------------------------

    @_leave_on_store_error
    async def on_card_view_rated(self, message: CardView.Rated) -> None:
        message.stop()
        if self.busy or not isinstance(self.view, CardView):
            return
        outcome = self.session.grade(message.rating)
        if outcome.leech:
            self.notify_leech(outcome)
        await self.advance()

    async def on_card_view_answered(self, message: CardView.Answered) -> None:
        message.stop()
        view = self.view
        if self.busy or not isinstance(view, CardView):
            return
        if view.presented.kind == "code":
            self.busy = True
            view.set_busy(True, "checking your code for a grade...")
            self.refresh_bindings()
            self._submit_in_thread(message.answer, message.shown)
            return
        await self._submit(message.answer, message.shown)

    @_leave_on_store_error
    async def _submit(self, answer: Any, shown: Any) -> None:
        view = self.view
        try:
            outcome = self.session.submit(answer)
        except AnswerError as exc:
            if isinstance(view, CardView):
                view.show_error(str(exc))
            return
        await self.show_feedback(outcome, shown)

    @work(thread=True, exclusive=True, group="submit")
    def _submit_in_thread(self, answer: Any, shown: Any) -> None:
        try:
            outcome = self.session.submit(answer)
        except AnswerError as exc:
            self.app.call_from_thread(self._submit_failed, str(exc))
            return
        except StoreError as problem:  # e.g. the solution removed the database: nothing saved
            self.app.call_from_thread(self.app.fail, problem)  # type: ignore[attr-defined]
            return
        except Exception as exc:  # the checker broke: keep the card, say what happened
            self.app.call_from_thread(self._submit_failed, f"could not check the code: {exc}")
            return
        self.app.call_from_thread(self._submitted, outcome, shown)

    def _submit_failed(self, message: str) -> None:
        self.busy = False
        if isinstance(self.view, CardView):
            self.view.show_error(message)
        self.refresh_bindings()

    async def _submitted(self, outcome: Any, shown: Any) -> None:
        self.busy = False
        await self.show_feedback(outcome, shown)

    async def on_feedback_view_next(self, message: FeedbackView.Next) -> None:
        message.stop()
        await self.advance()

    @_leave_on_store_error
    async def on_feedback_view_regrade(self, message: FeedbackView.Regrade) -> None:
        message.stop()
        view = self.view
        if isinstance(view, FeedbackView):
            view.show_grade(self.session.regrade(message.rating))

    # -- session keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return not self.busy
        if action in ("skip", "bury"):
            return not self.busy and isinstance(self.view, CardView)
        if action == "leave":
            return not self.busy
        return True

    @_leave_on_store_error
    async def action_undo(self) -> None:
        if self.busy:
            return
        try:
            presented = self.session.undo()
        except SessionError as exc:
            self.notify(str(exc), severity="error")
            return
        if presented is None:
            self.notify("Nothing to undo yet.")
            return
        self.notify(f"Undone: {presented.card.id} is back.")
        await self.show_card(presented)

    async def action_skip(self) -> None:
        if self.busy or not isinstance(self.view, CardView):
            return
        self._save_code()
        self.session.skip()
        await self.advance()

    @_leave_on_store_error
    async def action_bury(self) -> None:
        if self.busy or not isinstance(self.view, CardView):
            return
        self._save_code()
        card_id = self.view.presented.card.id
        self.session.bury()
        self.notify(f"Buried {card_id} until tomorrow.")
        await self.advance()

    def action_leave(self) -> None:
        if self.busy:
            return
        self._save_code()
        self.finish()

    def _save_code(self) -> None:
        """Keep what is in a drill's editor when leaving the card without running it."""
        view = self.view
        if isinstance(view, CardView) and view.presented.kind == "code":
            code = getattr(view, "code", None)
            if code is not None:
                self.ctx.store.save_code(view.presented.card.id, code, now=self.ctx.now())

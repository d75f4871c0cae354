"""The study screen: one card at a time from a :class:`quizapp.session.Session`, then feedback.

The screen only moves between states; the session decides what comes next and records every
grade before returning, so leaving at any moment (q, escape, closing the terminal) loses nothing
that was answered.

    card shown --answer--> feedback (1-4 changes the grade) --enter--> next card ... --> summary
    flashcard: front --space--> back + grade buttons --1-4--> next card

Keys that would clash with typing (u, s, q, b, !) act only when no answer field has focus; escape
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
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header

from quizapp.grading import AnswerError
from quizapp.session import SessionError
from quizapp.store import StoreError
from quizapp.tui.context import AppContext
from quizapp.tui.screens.confirm import ConfirmScreen
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
    StudyScreen #study-body { height: 1fr; }
    /* the screen owns the breakpoint: all four grades fit a phone's 60 columns, even at months */
    StudyScreen.-narrow FlashcardView .grade { min-width: 0; padding: 0; }
    """

    BINDINGS = [
        Binding("u", "undo", "Undo", tooltip="Undo the last grade: the card comes back"),
        Binding("s", "skip", "Skip", tooltip="Skip: the card goes to the back of the queue"),
        Binding("b,exclamation_mark,ctrl+b", "bury", "Bury", tooltip="Bury the card until tomorrow"),
        Binding("q,escape", "leave", "End", tooltip="End the session (every answer is already saved)"),
    ]

    #: What the body shows now; the keys offered depend on it.
    view: reactive[CardView | FeedbackView | None] = reactive(None, bindings=True)
    #: A drill is being checked in a worker thread: no key may change the card meanwhile.
    busy: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, ctx: AppContext, session: Any, title: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.sub_title = title or "Study"
        self._views: dict[str, CardView] = {}  # one per card kind, reused card after card
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield CardHeader(id="card-header")
        yield Container(id="study-body")
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.advance()

    # -- moving between cards --------------------------------------------------------------------

    def next_card(self) -> Any:
        """The card to show next, or None when the session is over."""
        return self.session.next()

    @_leave_on_store_error
    async def advance(self) -> None:
        presented = self.next_card()
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
        # Here, not at the top: the tasks and the engine they check against load with the first
        # code card (python -X importtime: ~38 ms that a session without one never waits).
        from quizapp.drills import check, get_task, warm_up

        warm_up()  # start the checker process now, so the first ctrl+r does not wait for it
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
        from quizapp.why_empty import why_empty

        stack = self.app.screen_stack
        back_to = getattr(stack[-2], "PLACE", "the previous screen") if len(stack) > 1 else "the topics"
        figures = self.session.summary()
        # the limits matter once the queue is done; before, limit_reasons would count the cards
        # still queued as held back
        limits = why_empty(self.session).limit_reasons() if figures.remaining.total == 0 else []
        summary = SummaryScreen(figures, self.ctx.now(), title=self.sub_title, back_to=back_to, limits=limits)
        self.app.switch_screen(summary)

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
        if action == "show_solution":
            return not self.busy and isinstance(self.view, CardView) and self.view.presented.kind == "code"
        return True

    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        """This screen's entries in the command palette (the card shown decides which)."""
        if not self.check_action("show_solution", ()):
            return []
        return [("Show solution", self.action_show_solution, "Give up on this drill: a model solution, graded Again")]

    def action_show_solution(self) -> None:
        """After a confirmation: grade the drill Again and show a model solution."""
        if not self.check_action("show_solution", ()):
            return
        question = ConfirmScreen(
            "Show a model solution?",
            "The card is graded Again and comes back soon; your code is kept.",
            yes="show it",
        )
        self.app.push_screen(question, callback=self._give_up)

    @_leave_on_store_error
    async def _give_up(self, confirmed: bool | None) -> None:
        view = self.view
        if not confirmed or not isinstance(view, CardView) or view.presented.kind != "code":
            return
        from quizapp.drills import get_task  # loaded with the code card already (_load_drill)

        self._save_code()
        solution = get_task(view.card.task).solution
        await self.show_feedback(self.session.give_up(solution, answer_text=view.code), None)

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

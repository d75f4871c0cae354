"""What the browser shows about one card: its full text, why, where from, its state, its history.

Pure functions from a card (and its stored state and reviews) to Markdown and Rich text, so the
detail screen only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.style import Style
from rich.text import Text

from quizapp.content import cloze
from quizapp.content.model import Card, Choice, ClozeCard, CodeCard, ExerciseCard, Flashcard, TrueFalse
from quizapp.scheduler import CardState, Rating, format_interval

__all__ = ["card_markdown", "card_meta", "state_text", "history_rows", "RATING_NAMES"]

RATING_NAMES = {int(r): r.name for r in Rating}


def card_markdown(card: Card) -> str:
    """The card's question and answer as Markdown, as the study screen would reveal them."""
    if isinstance(card, Flashcard):
        return f"**Front**\n\n{card.front}\n\n**Back**\n\n{card.back}"
    if isinstance(card, Choice):
        lines = [card.prompt, ""]
        for i, option in enumerate(card.options):
            lines.append(f"{i + 1}. **{option}** ✓" if i in card.answer else f"{i + 1}. {option}")
        return "\n".join(lines)
    if isinstance(card, TrueFalse):
        return f"{card.statement}\n\n**{'True' if card.answer else 'False'}.**"
    if isinstance(card, ExerciseCard):
        intro = card.intro or "An exercise with fresh numbers at every review."
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(card.params.items()))
        return f"{intro}\n\nGenerator `{card.generator}`" + (f" with `{params}`" if params else "") + "."
    if isinstance(card, CodeCard):
        return f"{card.prompt}\n\nTask `{card.task}`: checked against the engine on hidden random cases."
    if isinstance(card, ClozeCard):
        return f"{card.question}\n\n{cloze.revealed(card.text, card.number)}"
    return card.question


def card_meta(card: Card) -> Text:
    """Tags, the misconceptions it teaches, references."""
    out = Text()
    rows = [
        ("Tags", ", ".join(card.tags) or "-"),
        ("Teaches", ", ".join(card.teaches) or "-"),
    ]
    for label, value in rows:
        out.append(f"{label:<8}", "bold")
        out.append(value + "\n")
    out.append(f"{'Refs':<8}", "bold")
    if card.refs:
        for i, ref in enumerate(card.refs):
            if i:
                out.append("\n" + " " * 8)
            out.append(ref, Style(link=ref) if ref.startswith(("http://", "https://")) else "")
    else:
        out.append("-")
    return out


def _when(moment: datetime | None, tz: Any) -> str:
    if moment is None:
        return "-"
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def state_text(state: CardState, now: datetime, tz: Any, leech_lapses: int, reviews: int = 0) -> Text:
    """One card's scheduling state in a few lines (``reviews``: how many the log holds)."""
    out = Text()
    if state.is_new:
        out.append("New", "bold")
        if reviews:  # reset by hand
            kept = f"{reviews} earlier review stays" if reviews == 1 else f"{reviews} earlier reviews stay"
            out.append(f": reset; its {kept} in the history.")
        else:
            out.append(": never reviewed.")
        if state.suspended:
            out.append("  ·  suspended", "yellow")
        if state.is_buried(now):
            out.append(f"  ·  buried until {_when(state.buried_until, tz)}", "yellow")
        return out
    out.append(state.state_name.capitalize(), "bold")
    if state.due is not None:
        delta = state.due - now
        when = f"in {format_interval(delta)}" if delta.total_seconds() > 0 else f"{format_interval(-delta)} ago"
        out.append(f"  ·  due {_when(state.due, tz)} ({when})")
    if state.suspended:
        out.append("  ·  suspended", "yellow")
    if state.is_buried(now):
        out.append(f"  ·  buried until {_when(state.buried_until, tz)}", "yellow")
    out.append("\n")
    stability = f"{state.stability:.1f} days" if state.stability is not None else "-"
    difficulty = f"{state.difficulty:.1f} / 10" if state.difficulty is not None else "-"
    out.append(f"Stability {stability}  ·  difficulty {difficulty}  ·  {state.reps} review")
    out.append("s" if state.reps != 1 else "")
    out.append(f"  ·  {state.lapses} lapse" + ("s" if state.lapses != 1 else ""))
    if state.is_leech(leech_lapses):
        out.append("  ·  leech", "bold red")
    out.append(f"\nLast reviewed {_when(state.last_review, tz)}")
    return out


def history_rows(reviews: Sequence[Any], tz: Any = None, answer_width: int = 24) -> list[tuple[str, ...]]:
    """(date, rating, correct, answer, misconception, time) per review, newest first as given."""
    rows = []
    for r in reviews:
        correct = "" if r.correct is None else ("✓" if r.correct else "✗")
        answer = " ".join((r.answer or "").split())
        if len(answer) > answer_width:
            answer = answer[: answer_width - 1] + "…"
        took = f"{r.duration_ms / 1000:.0f}s" if r.duration_ms else ""
        rows.append(
            (
                _when(r.reviewed_at, tz),
                RATING_NAMES.get(r.rating, str(r.rating)),
                correct,
                answer,
                r.misconception or "",
                took,
            )
        )
    return rows

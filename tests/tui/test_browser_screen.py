"""The card browser, driven with Pilot: search by text and filters, open a card, study it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from textual.widgets import DataTable, Input, Static

from quizapp.content.loader import Library
from quizapp.content.model import Flashcard, Topic
from quizapp.scheduler import RELEARNING, STATE_NAMES
from quizapp.store import Store
from quizapp.tui.screens.browser import BrowserScreen, CardDetailScreen
from quizapp.tui.widgets.browser_table import CardTable

from .simulated_history import ScreenTestApp, make_ctx
from .support import drawn_rows, screen_text, settle


def browser_app(library, store) -> ScreenTestApp:
    return ScreenTestApp(lambda: BrowserScreen(make_ctx(library, store)))


async def search(pilot, text: str, typed: bool = False) -> list[str]:
    """Put ``text`` in the search line (or type it, key by key); the result ids, in order."""
    field = pilot.app.screen.query_one("#search", Input)
    field.focus()
    if typed:
        field.value = ""
        await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    else:
        field.value = text  # posts Input.Changed, as typing does
    await settle(pilot)
    return pilot.app.screen.query_one(CardTable).keys


def status(app) -> str:
    return str(app.screen.query_one("#browser-status", Static).render())


# Expected results are read off the fixture's card texts by hand (tui_stats_fixture.make_library).
TEXT_SEARCHES = [
    ("running", {"bn-eval", "bn-momentum", "bn-running-var", "ln-running-tf"}),
    ("BATCHNORM", {"bn-axes", "bn-eval", "bn-forward-ex", "bn-small-batch"}),  # any case
    ("eps", {"bn-eps-tf", "ln-running-tf"}),  # "LayerNorm keeps ...": a substring matches
    ("fact-07", {"batch-norm-fact-07", "dropout-fact-07", "layer-norm-fact-07"}),  # ids
    ("zeroing", {"do-p"}),  # the back of a flashcard
    ("nothing", {"bn-eval"}),  # an option of a choice card
    ("sits inside", {"bn-eps-tf"}),  # the explanation
    ("mask", {"do-forward-ex"}),  # an exercise's intro
    ('"running statistics" bias', set()),  # every word must match
]


async def test_text_search_matches_id_and_every_text_field(stats_library, empty_store):
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert len(app.screen.query_one(CardTable).keys) == len(stats_library.cards)
        for i, (text, expected) in enumerate(TEXT_SEARCHES):
            found = await search(pilot, text, typed=i < 2)  # the first two key by key
            assert set(found) == expected, text
            assert len(found) == len(set(found))
        assert "No card matches." in status(app)


EVAL_MODE = {
    "bn-running-var", "bn-eval", "bn-momentum", "do-inverted", "do-eval-tf", "ln-running-tf",
    "batch-norm-fact-05", "batch-norm-fact-10", "batch-norm-fact-15", "batch-norm-fact-20",
    "dropout-fact-05", "dropout-fact-10", "dropout-fact-15", "layer-norm-fact-05", "layer-norm-fact-10",
}


async def test_filters_by_topic_kind_and_tag(stats_library, empty_store):
    dropout = [card.id for card in stats_library.topic("dropout").cards]
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert await search(pilot, "topic:dropout") == dropout  # content order
        assert await search(pilot, "topic:drop") == dropout  # part of an id
        assert set(await search(pilot, "kind:exercise")) == {"bn-forward-ex", "do-forward-ex", "ln-forward-ex"}
        assert set(await search(pilot, "kind:ex topic:batch-norm")) == {"bn-forward-ex"}
        assert set(await search(pilot, "-topic:batch-norm kind:exercise")) == {"do-forward-ex", "ln-forward-ex"}
        assert set(await search(pilot, "kind:choice,truefalse topic:layer-norm")) == {"ln-running-tf"}
        assert set(await search(pilot, "tag:eval-mode")) == EVAL_MODE
        assert set(await search(pilot, "tag:eval-mode running")) == {"bn-running-var", "bn-eval", "bn-momentum", "ln-running-tf"}
        assert f"{len(EVAL_MODE)} of {len(stats_library.cards)} cards" not in status(app)
        await search(pilot, "tag:eval-mode")
        assert f"{len(EVAL_MODE)} of {len(stats_library.cards)} cards" in status(app)


async def test_a_filter_value_that_matches_nothing_is_explained(stats_library, empty_store):
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        found = await search(pilot, "kind:exam")
        assert len(found) == len(stats_library.cards)  # the bad filter is ignored, not fatal
        assert "kind:exam? use one of flashcard, choice, truefalse, exercise, code, cloze" in status(app)
        await search(pilot, "tag:evalmode")
        assert "no card has this tag" in status(app)


async def test_filters_by_state_as_the_store_knows_it(stats_library, history_store):
    started = {card_id for card_id in stats_library.cards if history_store.get_state(card_id) is not None}
    relearning = {c for c in started if history_store.get_state(c).state == RELEARNING}
    assert started and relearning and started != set(stats_library.cards)
    # One card suspended and one made a leech (8 lapses) by hand.
    history_store.put_state(replace(history_store.get_state("bn-axes"), suspended=True))
    history_store.put_state(replace(history_store.get_state("do-p"), lapses=8))
    app = browser_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert set(await search(pilot, "state:new")) == set(stats_library.cards) - started
        assert set(await search(pilot, "state:relearning")) == relearning
        assert set(await search(pilot, "state:suspended")) == {"bn-axes"}
        leeches = {c for c in started if history_store.get_state(c).lapses >= 8}
        assert "do-p" in leeches and set(await search(pilot, "state:leech")) == leeches
        assert "bn-axes" not in await search(pilot, "-state:suspended")
        # Due today: before the next study day starts (04:00 UTC tomorrow), suspended cards aside.
        tomorrow = datetime(2026, 3, 11, 4, 0, tzinfo=timezone.utc)
        due = {c for c in started if history_store.get_state(c).due < tomorrow} - {"bn-axes"}
        assert due and set(await search(pilot, "state:due")) == due
        table = app.screen.query_one(CardTable)
        await search(pilot, "bn-axes")
        state = STATE_NAMES[history_store.get_state("bn-axes").state]
        assert table.row(0)[3] == f"{state}, suspended"  # the state cell of the first row
        assert drawn_rows(table)[0].lstrip().startswith("bn-axes")


async def test_enter_opens_the_card_with_its_review_history(stats_library, history_store):
    reviews = history_store.reviews("do-forward-ex")
    assert len(reviews) >= 3 and any(r.misconception for r in reviews)
    app = browser_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert await search(pilot, "do-forward") == ["do-forward-ex"]
        await pilot.press("down", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CardDetailScreen)
        table = detail.query_one("#history", DataTable)
        assert table.row_count == len(reviews)
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[0] == f"{reviews[0].reviewed_at:%Y-%m-%d %H:%M}"
        assert newest[1] == {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[reviews[0].rating]
        assert newest[3] == reviews[0].answer
        shown_misconceptions = {str(table.get_row_at(i)[4]) for i in range(table.row_count)} - {""}
        assert shown_misconceptions == {r.misconception for r in reviews if r.misconception}
        state = str(detail.query_one("#detail-state", Static).render())
        stored = history_store.get_state("do-forward-ex")
        assert f"{stored.reps} reviews" in state and f"difficulty {stored.difficulty:.1f}" in state
        assert "Kept units are divided by 1 - p." in detail.query_one("#detail-explain").source
        await pilot.press("s")
        assert [(c.cards, c.title) for c in app.sessions] == [(["do-forward-ex"], "Card do-forward-ex")]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(CardTable).cursor_key == "do-forward-ex"  # the place is kept


async def test_a_new_card_says_it_was_never_reviewed(stats_library, empty_store):
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await search(pilot, "bn-eval")
        await pilot.press("enter", "enter")  # enter in the search line goes to the results
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CardDetailScreen)
        assert "never reviewed" in str(detail.query_one("#detail-state", Static).render())
        assert not detail.query_one("#history").display
        assert "Not reviewed yet" in str(detail.query_one("#history-empty", Static).render())
        body = detail.query_one("#detail-body").source
        assert "**The running statistics** ✓" in body and "1. The batch statistics" in body


async def test_study_keys_in_the_results(stats_library, empty_store):
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        found = await search(pilot, "kind:exercise")
        await pilot.press("s")  # typed into the search line: not a command there
        assert app.sessions == [] and app.screen.query_one("#search", Input).value == "kind:exercises"
        found = await search(pilot, "kind:exercise")
        await pilot.press("down", "down", "s")
        await pilot.press("S")
        assert [c.cards for c in app.sessions] == [[found[1]], found]


async def test_escape_goes_back_even_from_the_search_line_and_q_is_text_there(stats_library, empty_store):
    app = browser_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one("#search", Input).value == "q"
        await pilot.press("escape")
        assert not isinstance(app.screen, BrowserScreen)


async def test_80x24_keeps_the_title_readable(stats_library, history_store):
    app = browser_app(stats_library, history_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, "momentum")
        table = app.screen.query_one(CardTable)
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        header = next(line for line in lines if line.lstrip().startswith("Id "))
        assert "Title" in header and "Topic" not in header  # the topic column gave way
        row = next(line for line in lines if line.lstrip().startswith("bn-momentum"))
        assert "How does PyTorch's momentum" in row
        assert len(drawn_rows(table)) == len(table.keys) == 1


WORDS = "batch layer group norm dropout eval train variance mean momentum running axes".split()


def ten_thousand_cards() -> Library:
    """10 topics t0..t9 of 1,000 flashcards; card t<T>-<i> is tagged WORDS[i % 12], and every
    explanation holds all twelve words, so a text search for them keeps every card."""
    topics = [
        Topic(f"t{t}", f"Topic {t}", "", tuple(
            Flashcard(id=f"t{t}-{i}", topic=f"t{t}", explain=" ".join(WORDS[(i + k) % 12] for k in range(30)),
                      tags=(WORDS[i % 12],), front=f"{WORDS[i % 12]} {i}", back=WORDS[(i * 7) % 12])
            for i in range(1000)))
        for t in range(10)
    ]
    return Library(topics, [])


async def test_search_on_ten_thousand_cards_finds_exactly_the_matches(tmp_path):
    """The table copes with a large library; how fast it searches is measured by
    tests/bench/bench_browser.py."""
    with Store.open(tmp_path / "big.db") as store:
        app = browser_app(ten_thousand_cards(), store)
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(CardTable)
            assert len(table.keys) == 10_000
            for text in ["b", "ba", "bat", "batch", "batch n", "batch no", "batch nor", "batch norm"]:
                app.screen.search(text)  # as typed, drawing the whole screen each time
                assert "batch" in screen_text(app)
            assert len(table.keys) == 10_000
            # by hand: ids holding "t3-42" are t3-42 and t3-420 to t3-429, in the library's order
            assert await search(pilot, "t3-42") == ["t3-42"] + [f"t3-42{d}" for d in range(10)]
            # i % 12 == 0 for i = 0, 12, ..., 996: 84 cards a topic
            assert len(await search(pilot, "tag:batch")) == 10 * 84
            assert await search(pilot, "topic:t3 tag:batch") == [f"t3-{i}" for i in range(0, 1000, 12)]


async def test_inside_the_real_app_study_now_opens_a_study_screen(make_app):
    # QuizApp (tests/tui/conftest.py, its fixture decks) implements
    # start_session: "s" on a card's detail starts studying exactly that card.
    from quizapp.tui.screens.study import StudyScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.action_browse()
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert await search(pilot, "tui-drop-tf") == ["tui-drop-tf"]
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CardDetailScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        session = app.screen.session
        assert session.current.card.id == "tui-drop-tf" and session.remaining().total == 1

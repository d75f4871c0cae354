"""The home screen: topics with their counts, today's totals, first-run help, starting sessions."""

from __future__ import annotations

from datetime import timedelta

from quizapp.content import load_paths
from quizapp.scheduler import REVIEW, CardState
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext
from quizapp.tui.screens.home import FIRST_RUN, HomeScreen
from quizapp.tui.screens.nothing_to_study import NothingToStudyScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.topic_table import TopicTable

from .support import DECKS, NOW, SIZE, drawn_rows, presented, screen_text, settle, start, static_text


def table_rows(app) -> list[list[str]]:
    """Each topic row as drawn: title, due, new, cards, mastery."""
    table = app.screen.query_one(TopicTable)
    return [
        [row.title, str(row.due), str(row.new), str(row.cards), line.split()[-1]]
        for row, line in zip(table.rows, drawn_rows(table))
    ]


async def test_topics_listed_in_library_order_with_counts(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        rows = table_rows(app)
        assert [row[0] for row in rows] == ["Normalization (fixture)", "Dropout (fixture)"]
        # (due, new, cards): nothing studied yet, so every card is new
        assert [row[1:4] for row in rows] == [["0", "6", "6"], ["0", "2", "2"]]
        assert rows[0][4] == "0%"
        drawn = drawn_rows(app.screen.query_one(TopicTable))
        assert drawn[0].split()[:5] == ["Normalization", "(fixture)", "0", "6", "6"]
        today = static_text(app, "#today")
        assert "0 reviewed" in today and "0 due" in today and "New today 0/20" in today


async def test_first_run_explains_itself_in_two_lines_then_stops(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert all(line in text for line in FIRST_RUN)
        assert len(FIRST_RUN) == 2 and all(len(line) <= 78 for line in FIRST_RUN)
        await start(app, pilot, cards=["tui-tf"])
        await pilot.press("f", "enter")
        await pilot.pause()
        await pilot.press("q")  # summary
        await pilot.pause()
        await pilot.press("enter")  # back home: the figures are counted again
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert FIRST_RUN[0] not in screen_text(app)
        assert "1 reviewed" in static_text(app, "#today")
        # the card left the new pile for a learning step due in 10 minutes: due today
        assert table_rows(app)[0][1:4] == ["1", "5", "6"]


async def test_due_cards_and_mastery_are_counted_per_topic(make_app, db_path):
    with Store.open(db_path) as store:
        # studied 5 days ago; FSRS's stability is the interval at which recall falls to 90%,
        # so stability 10 days is still above 90% (mastered) and 2 days is below (not mastered)
        last = NOW - timedelta(days=5)
        store.put_state(CardState("tui-flash", state=REVIEW, stability=10.0, difficulty=5.0,
                                  due=NOW + timedelta(days=5), last_review=last, reps=3))
        store.put_state(CardState("tui-choice", state=REVIEW, stability=2.0, difficulty=5.0,
                                  due=NOW - timedelta(days=3), last_review=last, reps=3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = table_rows(app)
        assert rows[0][1:4] == ["1", "4", "6"]  # tui-choice is due; 4 cards still new
        assert rows[0][4] == "17%"  # 1 of 6 mastered
        assert "1 due" in static_text(app, "#today")


async def test_enter_studies_the_highlighted_topic(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert presented(app).card.topic == "tui-dropout"
        assert app.screen.sub_title == "Dropout (fixture)"


async def test_a_studies_everything_in_content_order(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert presented(app).card.id == "tui-flash"


async def test_e_practises_the_topics_exercises_now(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert presented(app).kind == "exercise"
        assert app.screen.session.remaining().total == 1  # exactly the topic's one exercise


async def test_e_on_a_topic_without_exercises_says_so_and_stays(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("no exercises" in n.message for n in app._notifications)


async def test_nothing_to_study_says_why_instead_of_an_empty_screen(make_app, db_path):
    with Store.open(db_path) as store:
        store.save_settings(new_per_day=0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NothingToStudyScreen)
        reasons = [str(reason.render()) for reason in app.screen.query(".reason")]
        assert reasons[0] == "The daily limit of 0 new cards is reached (0 introduced today); 8 new cards wait for tomorrow."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_broken_content_is_one_line_on_home_and_the_rest_is_served(tmp_path, db_path, clock):
    broken = tmp_path / "decks"
    broken.mkdir()
    (broken / "broken.yaml").write_text("topic: [unclosed\n", encoding="utf-8")
    library = load_paths([DECKS, broken])
    assert library.problems
    with Store.open(db_path) as store:
        app = QuizApp(AppContext(library=library, store=store, now=clock))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert "skipped broken content" in text and "broken.yaml" in text
            assert len(table_rows(app)) == 2  # both good decks still served


async def test_drill_in_a_terminal_opens_its_session_and_q_comes_home(library, db_path, clock):
    """`quizapp drill tui-dropout` in a terminal: the app opens straight on that topic's session."""
    import random

    from quizapp.store import Store
    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext
    from quizapp.tui.screens.home import HomeScreen

    with Store.open(db_path) as store:
        ctx = AppContext(library=library, store=store, now=clock, rng=random.Random(1))
        app = QuizApp(ctx, start={"topics": ["tui-dropout"], "title": "Dropout (fixture)"})
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, StudyScreen)
            assert app.screen.session.next().card.topic == "tui-dropout"
            await pilot.press("q")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)

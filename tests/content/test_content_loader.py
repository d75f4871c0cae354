"""Loading decks: the right dataclasses and values, files that are not decks, ids across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import quizapp
from quizapp.content import (
    Problem,
    deck_files,
    load_file,
    load_library,
    load_paths,
    shipped_content_dir,
    validate_paths,
)
from quizapp.content import loader, references
from quizapp.content.model import Choice, CodeCard, ExerciseCard, Flashcard, TrueFalse
from quizapp.content.references import tasks as real_tasks

FIXTURES = Path(__file__).parent / "fixtures"

GOOD = FIXTURES / "good"
DUPLICATES = FIXTURES / "duplicates"

CARD = """\
  - id: {id}
    kind: flashcard
    front: q
    back: a
    explain: e
"""


def deck(topic: str = "t", cards: str = CARD.format(id="c1")) -> str:
    return f"topic: {topic}\ntitle: T\nsummary: S\ncards:\n{cards}"


# --- a valid deck ---------------------------------------------------------------------------------


def test_valid_deck_loads_every_kind_with_its_values(monkeypatch):
    monkeypatch.chdir(GOOD)
    topic, problems = load_file("deck.yaml")

    assert problems == []
    assert (topic.id, topic.title, topic.source) == ("fake-norm", "A fake normalization", "deck.yaml")
    assert topic.summary == "A topic made for the loader's tests."
    assert topic.refs == ("https://example.org/paper",)
    cards = {c.id: c for c in topic.cards}
    assert list(cards) == [
        "fake-flash", "fake-choice", "fake-choice-one", "fake-tf",
        "fake-exercise", "fake-exercise-defaults", "fake-code",
    ]
    assert cards["fake-flash"] == Flashcard(
        id="fake-flash", topic="fake-norm", explain="One mean per channel.", tags=("axes", "basics"),
        refs=("https://example.org/docs",), level=2, source="deck.yaml:9",
        front="Which axes?", back="N, H and W.",
    )
    several = cards["fake-choice"]
    assert isinstance(several, Choice)
    assert several.options == ("first", "second", "third")
    assert several.answer == frozenset({0, 2})  # [1, 3] counted from 1 in the deck
    assert several.multiple and several.source == "deck.yaml:19"
    one = cards["fake-choice-one"]
    assert one.options == ("yes", "no")  # YAML 1.1 booleans are kept as the words written
    assert one.answer == frozenset({1}) and not one.multiple

    statement = cards["fake-tf"]
    assert isinstance(statement, TrueFalse)
    assert statement.answer is False and statement.teaches == ("biased_running_var",)

    exercise = cards["fake-exercise"]
    assert isinstance(exercise, ExerciseCard)
    assert (exercise.generator, exercise.params, exercise.level) == ("fake.mean", {"n": 4, "scale": 2}, 2)
    assert exercise.intro == "Work it by hand."
    defaults = cards["fake-exercise-defaults"]
    assert (defaults.params, defaults.level, defaults.intro) == ({}, 1, "")

    code = cards["fake-code"]
    assert isinstance(code, CodeCard)
    assert (code.task, code.prompt, code.level) == ("fake_task", "Implement it.", 1)
    assert all(c.topic == "fake-norm" for c in topic.cards)


def test_exercise_level_defaults_to_the_generators_first_level(tmp_path, monkeypatch):
    from quizapp.engine.exercises.base import REGISTRY, Generator

    monkeypatch.setitem(REGISTRY, "fake.hard", Generator("fake.hard", lambda rng, level=2: None, "", (2, 3), {}))
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - {id: ex, kind: exercise, generator: fake.hard, explain: e}\n"))
    topic, problems = load_file(path)
    assert problems == []
    assert topic.cards[0].level == 2


def test_anchors_and_merge_keys_share_fields(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(
        "topic: t\ntitle: T\nsummary: S\n"
        "defaults: &base {kind: flashcard, explain: shared why}\n"
        "cards:\n"
        "  - {<<: *base, id: a, front: q1, back: a1}\n"
        "  - {<<: *base, id: b, front: q2, back: a2, explain: own why}\n"
    )
    topic, problems = load_file(path)
    # 'defaults' is not a deck key: reported, but the topic and its cards still load.
    assert [(p.line, p.message) for p in problems] == [(4, "unknown key 'defaults'")]
    assert [(c.id, c.explain) for c in topic.cards] == [("a", "shared why"), ("b", "own why")]


def test_text_is_trimmed_but_markdown_indentation_inside_is_kept(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - id: c\n    kind: flashcard\n    front: '  q  '\n    back: |\n\n      line\n          code\n    explain: e\n"))
    topic, problems = load_file(path)
    assert problems == []
    assert topic.cards[0].front == "  q"
    assert topic.cards[0].back == "line\n    code"


def test_numbers_are_accepted_as_text(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - {id: c, kind: flashcard, front: 1 + 1?, back: 2, explain: 0.5e3}\n"))
    topic, problems = load_file(path)
    assert problems == []
    assert (topic.cards[0].back, topic.cards[0].explain) == ("2", "0.5e3")


# --- files that are not decks ---------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert load_file(path) == (None, [Problem(str(path), 1, "empty file: a deck is a mapping with topic, title, summary and cards")])


def test_binary_file_is_not_a_text_file(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    topic, problems = load_file(path)
    assert topic is None
    assert [(p.line, p.message) for p in problems] == [(3, "not a text file (it holds NUL bytes)")]  # after \r\n and \n


def test_latin1_file_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("topic: t\ntitle: Caf\u00e9\n".encode("latin-1"))
    topic, problems = load_file(path)
    assert topic is None
    assert [(p.line, p.message) for p in problems] == [(2, "not a text file: byte 0xe9 is not UTF-8")]


def test_control_character_is_reported_at_its_line(tmp_path):
    path = tmp_path / "ctrl.yaml"
    path.write_text("topic: t\ntitle: caf\u00e9\nsummary: a\x07b\n", encoding="utf-8")
    topic, problems = load_file(path)
    assert topic is None
    assert [(p.line, p.message) for p in problems] == [(3, "character #x0007 is not allowed in YAML")]


def test_utf8_with_bom_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + deck().encode())
    topic, problems = load_file(path)
    assert problems == [] and topic.id == "t"


def test_unreadable_path_is_a_problem_not_an_exception(tmp_path):
    topic, problems = load_file(tmp_path)  # a folder, not a file
    assert topic is None
    assert [p.message for p in problems] == ["a folder, not a deck file"]


def test_a_newline_in_a_key_never_breaks_the_one_line_rule(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards='  - {id: c, kind: flashcard, front: q, back: a, explain: e, "ex\\nplain": x}\n'))
    _, problems = load_file(path)
    assert len(problems) == 1 and "\n" not in str(problems[0])
    assert problems[0].message == "card 'c': unknown key 'ex plain' (did you mean 'explain'?)"


# --- references that come and go ------------------------------------------------------------------


def test_code_tasks_are_checked_against_the_real_drill_tasks(tmp_path, monkeypatch):
    monkeypatch.setattr(references, "tasks", real_tasks)
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - {id: c, kind: code, task: batch_norm_train, explain: e}\n"
                              "  - {id: d, kind: code, task: batch_norm_trian, explain: e}\n"))
    topic, problems = load_file(path)
    assert [p.message for p in problems] == ["card 'd': unknown task 'batch_norm_trian' (did you mean 'batch_norm_train'?)"]
    assert [c.id for c in topic.cards] == ["c"]


def test_generator_registered_later_is_seen_without_reloading(tmp_path, monkeypatch):
    from quizapp.engine.exercises.base import REGISTRY, Generator

    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - {id: ex, kind: exercise, generator: qq.late, params: {k: 2}, explain: e}\n"))
    assert [p.message for p in load_file(path)[1]] == ["card 'ex': unknown generator 'qq.late'"]
    monkeypatch.setitem(REGISTRY, "qq.late", Generator("qq.late", lambda rng, level=1, k=1: None, "", (1,), {"k": 1}))
    topic, problems = load_file(path)
    assert problems == [] and topic.cards[0].params == {"k": 2}


# --- many files -----------------------------------------------------------------------------------


def test_duplicate_ids_across_files_name_both_places(monkeypatch):
    monkeypatch.chdir(DUPLICATES)
    lib = load_paths(["."])
    assert [str(p) for p in lib.problems] == [
        "second.yaml:12: duplicate id 'shared-id' (first at first.yaml:5)",
        "second.yaml:22: duplicate id 'twice-here' (first at second.yaml:17)",
        "third.yaml:2: duplicate topic id 'dup-first' (first at first.yaml:1); this file is skipped",
    ]
    assert [t.id for t in lib.topics] == ["dup-first", "dup-second"]
    assert sorted(lib.cards) == ["kept-card", "shared-id", "twice-here"]
    assert lib.cards["shared-id"].source == "first.yaml:5"  # the first one read keeps the id
    assert isinstance(lib.cards["twice-here"], Flashcard)
    assert lib.card_topic("kept-card").id == "dup-second"
    assert lib.topic("dup-first").title == "First"
    assert lib.files == ("first.yaml", "second.yaml", "third.yaml")


def test_validate_paths_takes_files_and_folders(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert validate_paths(["good/deck.yaml", "good"]) == []  # the same file twice is read once
    problems = validate_paths(["duplicates/first.yaml", "duplicates/second.yaml"])
    assert [p.line for p in problems] == [12, 22]


def test_library_lookups_raise_keyerror_for_unknown_ids():
    lib = load_library(extra_dirs=[GOOD], include_shipped=False)
    assert lib.problems == []
    assert [t.id for t in lib.topics] == ["fake-norm"]
    with pytest.raises(KeyError):
        lib.topic("nope")
    with pytest.raises(KeyError):
        lib.card_topic("nope")


def test_missing_or_empty_content_folder_is_a_problem_not_an_exception(tmp_path):
    lib = load_library(extra_dirs=[tmp_path / "nowhere", tmp_path], include_shipped=False)
    assert [str(p) for p in lib.problems] == [
        f"{tmp_path / 'nowhere'}: no such file or folder",
        f"{tmp_path}: no deck files (*.yaml, *.yml) in this folder",
    ]
    assert lib.topics == () and lib.cards == {}


def test_broken_user_deck_does_not_hide_the_good_ones(tmp_path):
    (tmp_path / "a_good.yaml").write_text(deck("good-topic"))
    (tmp_path / "b_broken.yaml").write_text("topic: [\n")
    lib = load_library(extra_dirs=[tmp_path], include_shipped=False)
    assert list(lib.cards) == ["c1"]
    assert [p.path for p in lib.problems] == [str(tmp_path / "b_broken.yaml")]


def test_deck_files_are_sorted_by_path_and_skip_hidden_ones(tmp_path):
    for name in ["b.yaml", "a/z.yml", "a/m.yaml", ".hidden.yaml", ".git/x.yaml", "notes.txt", "c.YAML.bak"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in deck_files(tmp_path)] == ["a/m.yaml", "a/z.yml", "b.yaml"]


def test_messages_show_paths_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "x.yaml").write_text("topic: x\n")
    monkeypatch.chdir(tmp_path)
    lib = load_library(extra_dirs=[tmp_path / "decks"], include_shipped=False)
    assert [str(p) for p in lib.problems] == [
        "decks/x.yaml:1: missing 'title'",
        "decks/x.yaml:1: missing 'summary'",
        "decks/x.yaml:1: missing 'cards'",
    ]


# --- where the shipped decks are ------------------------------------------------------------------


def test_shipped_content_dir_in_a_checkout_is_the_repo_content_folder():
    repo_content = Path(quizapp.__file__).resolve().parent.parent / "content"
    if (Path(quizapp.__file__).resolve().parent / "decks").is_dir():
        pytest.skip("running from an installed wheel")
    assert shipped_content_dir() == repo_content


def test_shipped_content_dir_in_a_wheel_is_the_package_decks_folder(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "quizapp"
    (package / "decks").mkdir(parents=True)
    monkeypatch.setattr(quizapp, "__file__", str(package / "__init__.py"))
    assert shipped_content_dir() == package / "decks"
    assert loader.shipped_content_dir() == package / "decks"


def test_unknown_generator_lists_its_family_when_no_spelling_is_close(tmp_path, monkeypatch):
    from quizapp.engine.exercises.base import REGISTRY, Generator

    for gen_id in ("fakefam.alpha", "fakefam.beta"):
        monkeypatch.setitem(REGISTRY, gen_id, Generator(gen_id, lambda rng, level=1: None, "", (1,), {}))
    path = tmp_path / "d.yaml"
    path.write_text(deck(cards="  - {id: ex, kind: exercise, generator: fakefam.forward, explain: e}\n"))
    assert [p.message for p in load_file(path)[1]] == [
        "card 'ex': unknown generator 'fakefam.forward' (generators for fakefam: fakefam.alpha, fakefam.beta)"
    ]


def test_the_documented_example_is_a_valid_deck(tmp_path, monkeypatch):
    """docs/content-format.md's complete example, against the real generators and catalog."""
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "content-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    monkeypatch.setattr(references, "tasks", lambda: {"batch_norm_train": object()})  # drills may not exist yet
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    topic, problems = load_file(path)
    assert problems == []
    assert [c.kind for c in topic.cards] == ["flashcard", "choice", "truefalse", "exercise", "code"]


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzμσ²", min_size=1, max_size=30), min_size=1, max_size=40))
def test_a_card_title_is_its_question_on_one_line_cut_after_a_whole_word(words):
    question = "\n  ".join(words)
    card = Flashcard(id="c", topic="t", explain="", front=question, back="b")
    line = " ".join(words)
    if len(line) <= 120:
        assert card.title == line
    else:
        assert card.title.endswith("…") and 120 - 31 <= len(card.title) <= 120  # at most one word dropped
        kept = card.title[:-1].split(" ")
        assert kept == words[: len(kept)]  # whole words, in order

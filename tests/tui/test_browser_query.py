"""The browser's search line, without a terminal: parsing, matching, and the table's layout."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from quizapp.store import Store
from quizapp.tui.widgets.browser_query import CardIndex, Filter, parse_query
from quizapp.tui.widgets.browser_table import MIN_TITLE, Column, fit, layout_columns

from .simulated_history import make_library
from .support import NOW

TOPICS = {"batch-norm": "Batch normalization", "dropout": "Dropout", "layer-norm": "Layer normalization"}
TAGS = {"eval-mode", "axes", "variance"}


def parse(text: str):
    return parse_query(text, TOPICS, TAGS)


def test_words_phrases_and_filters():
    q = parse('Running "eval mode" topic:batch-norm tag:axes,variance -kind:choice state:new')
    assert q.problems == ()
    assert q.filters == (
        Filter("text", frozenset({"running"})),
        Filter("text", frozenset({"eval mode"})),
        Filter("topic", frozenset({"batch-norm"})),
        Filter("tag", frozenset({"axes", "variance"})),
        Filter("kind", frozenset({"choice"}), negate=True),
        Filter("state", frozenset({"new"})),
    )


def test_partial_names():
    assert parse("kind:ex").filters == (Filter("kind", frozenset({"exercise"})),)
    assert parse("state:re").filters == (Filter("state", frozenset({"review", "relearning"})),)
    assert parse("topic:norm").filters == (Filter("topic", frozenset({"batch-norm", "layer-norm"})),)
    assert parse("topic:Layer").filters == (Filter("topic", frozenset({"layer-norm"})),)  # by title


def test_unknown_values_are_reported_and_ignored():
    q = parse("kind:exam tag:eval topic:conv state:lost")
    assert q.filters == ()
    assert q.problems == (
        "kind:exam? use one of flashcard, choice, truefalse, exercise, code, cloze",
        "tag:eval? no card has this tag (did you mean eval-mode?)",
        "topic:conv? no such topic (topics: batch-norm, dropout, layer-norm)",
        "state:lost? use one of new, learning, review, relearning, leech, suspended, buried, due",
    )


def test_half_typed_and_non_filter_colons_are_text():
    assert parse("topic:").filters == ()  # still typing
    assert parse("p:0.5").filters == (Filter("text", frozenset({"p:0.5"})),)
    assert parse("https://arxiv.org").filters == (Filter("text", frozenset({"https://arxiv.org"})),)
    assert parse("-").filters == ()


@given(st.text(alphabet=st.sampled_from(list('abz:-," tkgpeoisn,.1')), max_size=30))
def test_any_line_parses_without_raising(text):
    q = parse(text)
    assert all(f.values for f in q.filters)


def test_index_of_a_fresh_store(tmp_path):
    library = make_library()
    with Store.open(tmp_path / "r.db") as store:
        index = CardIndex.build(library, store, NOW)
    assert [e.id for e in index.entries] == [c.id for t in library.topics for c in t.cards]
    assert all(e.state == "new" and e.due is None and e.due_label(NOW) == "" for e in index.entries)
    assert index.search("") == index.entries
    assert [e.id for e in index.search("state:new topic:dropout kind:truefalse")] == ["do-eval-tf"]


@given(
    key=st.sampled_from(["topic:dropout", "tag:eval-mode", "kind:flashcard", "state:new", "running", "fact"]),
    rest=st.sampled_from(["", "kind:exercise", "norm", "topic:batch-norm", "tag:axes"]),
)
def test_a_filter_and_its_negation_split_the_results(key, rest):
    index = _INDEX
    base = {e.id for e in index.search(rest)}
    with_f = {e.id for e in index.search(f"{rest} {key}")}
    without = {e.id for e in index.search(f"{rest} -{key}")}
    assert with_f | without == base and not (with_f & without)


def _index() -> CardIndex:
    import tempfile

    library = make_library()
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "r.db") as store:
        return CardIndex.build(library, store, NOW)


_INDEX = _index()


def test_fit_cuts_by_cells_not_characters():
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"
    assert fit("层归一化", 5) == "层归…"  # two cells a character: 4 cells and the ellipsis
    assert fit("x", 0) == ""


def test_layout_drops_topic_then_kind_to_keep_the_title_readable():
    columns = [Column("id", "Id", 20), Column("topic", "Topic", 16, drop_order=2),
               Column("kind", "Kind", 9, drop_order=1), Column("state", "State", 10),
               Column("due", "Due", 9), Column("title", "Title", 0)]
    wide = dict((c.key, w) for c, w in layout_columns(columns, 120))
    assert list(wide) == ["id", "topic", "kind", "state", "due", "title"]
    assert wide["title"] == 120 - (20 + 16 + 9 + 10 + 9) - 5 - 2
    assert list(dict((c.key, w) for c, w in layout_columns(columns, 90))) == ["id", "kind", "state", "due", "title"]
    at_80 = dict((c.key, w) for c, w in layout_columns(columns, 80))
    assert list(at_80) == ["id", "kind", "state", "due", "title"] and at_80["title"] == 80 - 48 - 4 - 2
    at_77 = dict((c.key, w) for c, w in layout_columns(columns, 77))  # the title would get 23
    assert list(at_77) == ["id", "state", "due", "title"] and at_77["title"] == 77 - 39 - 3 - 2
    assert at_77["title"] >= MIN_TITLE

"""Whatever is written into a deck file, loading it gives a Topic or problems: never an exception.

And the other way round: a deck that is valid is served whole, with the values that were written.
"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.content import Problem, load_file, load_library, loader, yamlnodes
from quizapp.content.model import KINDS, Topic
from quizapp.sanitize import clean

SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_well_formed(result, path):
    """The loader's promise: (Topic or None, one-line problems at real lines), nothing else."""
    topic, problems = result
    assert topic is None or isinstance(topic, Topic)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == str(path)
        assert problem.line >= 1
        assert problem.message and problem.message.isprintable(), repr(problem.message)
        assert "internal error" not in problem.message, problem.message
    if topic is None:
        assert problems, "a file that is skipped says why"


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request, monkeypatch):
    """Both safe loaders: CSafeLoader where libyaml is built in, SafeLoader where it is not."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    monkeypatch.setattr(yamlnodes, "LOADER", yaml.CSafeLoader if request.param == "libyaml" else yaml.SafeLoader)


@SETTINGS
@given(text=st.text())
def test_arbitrary_text_never_crashes_the_loader(tmp_path, yaml_loader, text):
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    assert_well_formed(load_file(path), path)


@SETTINGS
@given(lines=st.lists(st.sampled_from(["topic: t", "cards:", "  - id: x", "    kind: flashcard", "  front: [",
                                       "    - a", "  ? b", "&a x", "*a", "'", '"', "\t- z", "---", "{", "}", "- "]),
                       max_size=12))
def test_yaml_punctuation_soup_gives_syntax_problems_with_real_lines(tmp_path, yaml_loader, lines):
    text = "\n".join(lines)
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    topic, problems = load_file(path)
    assert_well_formed((topic, problems), path)
    for problem in problems:
        assert problem.line <= max(len(lines), 1) + 1


@SETTINGS
@given(data=st.binary())
def test_arbitrary_bytes_never_crash_the_loader(tmp_path, data):
    path = tmp_path / "deck.yaml"
    path.write_bytes(data)
    assert_well_formed(load_file(path), path)


YAML_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
YAML_VALUES = st.recursive(
    YAML_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10) | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(value=YAML_VALUES)
def test_arbitrary_yaml_structures_never_crash_the_loader(tmp_path, value):
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    assert_well_formed(load_file(path), path)


# --- deck-shaped input: valid cards, and cards with one thing changed ----------------------------

# No "$": text between dollars is a formula, rendered at load time (tests/content/test_math.py).
WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="$"),
                min_size=1, max_size=30).filter(str.strip)
FIELD_NAMES = sorted({"id", "kind", "explain", "tags", "refs", "level", "teaches", "concept", "front", "back", "prompt",
                      "options", "answer", "statement", "generator", "params", "intro", "task", "text", "accept", "explian"})


@st.composite
def valid_card(draw, index):
    kind = draw(st.sampled_from(KINDS))
    card = {"id": f"{draw(st.from_regex(r'[a-z0-9][a-z0-9._-]{0,10}', fullmatch=True))}-{index}",
            "kind": kind, "explain": draw(WORDS)}
    if draw(st.booleans()):
        card["tags"] = draw(st.lists(WORDS, max_size=3))
    if draw(st.booleans()):
        card["teaches"] = draw(st.lists(st.sampled_from(sorted(CATALOG)), max_size=2))
    if draw(st.booleans()):
        card["concept"] = draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True))
    if kind == "flashcard":
        card |= {"front": draw(WORDS), "back": draw(WORDS)}
    elif kind == "choice":
        options = draw(st.lists(WORDS, min_size=2, max_size=8))
        numbers = st.integers(1, len(options))
        answer = draw(numbers | st.lists(numbers, min_size=1, unique=True))
        card |= {"prompt": draw(WORDS), "options": options, "answer": answer}
    elif kind == "truefalse":
        card |= {"statement": draw(WORDS), "answer": draw(st.booleans())}
    elif kind == "cloze":
        plain = WORDS.filter(lambda w: not {"{", "}", ":"} & set(w))
        blanks = draw(st.lists(st.tuples(plain, plain), min_size=1, max_size=3))
        card["text"] = " ".join(f"{before} {{{{c{n}::{hidden}}}}}" for n, (before, hidden) in enumerate(blanks, 1))
        if draw(st.booleans()):
            card["accept"] = {"c1": draw(st.lists(WORDS, min_size=1, max_size=2))}
    elif kind == "exercise":
        card |= {"generator": "fake.mean", "level": draw(st.sampled_from([1, 2]))}
        card["params"] = draw(st.fixed_dictionaries({}, optional={"n": st.integers(1, 9), "scale": st.floats(0.5, 4)}))
    else:
        card["task"] = "fake_task"
    if kind != "exercise" and draw(st.booleans()):
        card["level"] = draw(st.sampled_from([1, 2, 3]))
    return card


@st.composite
def decks(draw, mutate):
    cards = [draw(valid_card(i)) for i in range(draw(st.integers(1, 5)))]
    if mutate:
        for card in cards:
            action = draw(st.sampled_from(["keep", "drop", "set", "add"]))
            key = draw(st.sampled_from(FIELD_NAMES))
            if action == "drop":
                card.pop(draw(st.sampled_from(sorted(card))))
            elif action in ("set", "add"):
                card[key] = draw(YAML_VALUES)
    return {"topic": "fuzz", "title": "Fuzz", "summary": "Generated.", "cards": cards}


def _text(value: str) -> str:
    """A text field as served: trimmed, with control characters shown escaped (quizapp.sanitize)."""
    return clean(value.rstrip().lstrip("\n"))


@SETTINGS
@given(deck=decks(mutate=False))
def test_a_valid_deck_is_served_whole_with_its_values(tmp_path, deck):
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(deck, allow_unicode=True), encoding="utf-8")
    topic, problems = load_file(path)
    assert problems == []
    assert [c.id for c in topic.cards] == [card_id for c in deck["cards"] for card_id in served_ids(c)]
    entries = {c["id"]: c for c in deck["cards"]}
    for card in topic.cards:
        data = entries[getattr(card, "note", "") or card.id]
        assert card.kind == data["kind"]
        assert card.explain == _text(data["explain"])
        assert card.tags == tuple(_text(t) for t in data.get("tags", []))
        if data["kind"] == "choice":
            answer = data["answer"] if isinstance(data["answer"], list) else [data["answer"]]
            assert card.answer == frozenset(n - 1 for n in answer)
            assert card.options == tuple(_text(o) for o in data["options"])
        elif data["kind"] == "truefalse":
            assert card.answer is data["answer"]
        elif data["kind"] == "exercise":
            assert card.params == data["params"] and card.level == data["level"]
        elif data["kind"] == "cloze":
            blank = re.findall(r"\{\{c(\d+)::(.*?)\}\}", data["text"])[card.number - 1]
            assert card.answer == blank[1].strip() and card.id == f"{data['id']}-c{blank[0]}"
            assert card.accept == (tuple(_text(t) for t in data.get("accept", {}).get("c1", ())) if card.number == 1 else ())


def served_ids(data: dict) -> list[str]:
    """The card ids a deck entry gives: its id, or one per blank of a cloze entry."""
    if data["kind"] != "cloze":
        return [data["id"]]
    return [f"{data['id']}-c{n}" for n in sorted({int(n) for n in re.findall(r"\{\{c(\d+)::", data["text"])})]


def entries_served(topic) -> int:
    return len({getattr(card, "note", "") or card.id for card in topic.cards})


@SETTINGS
@given(deck=decks(mutate=True))
def test_a_changed_deck_gives_cards_or_problems_and_no_problem_means_all_served(tmp_path, deck):
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(deck, allow_unicode=True), encoding="utf-8")
    topic, problems = load_file(path)
    assert_well_formed((topic, problems), path)
    assert topic is not None  # the header is always valid here
    if not problems:
        assert entries_served(topic) == len(deck["cards"])
    else:
        assert entries_served(topic) < len(deck["cards"]) or all("card" not in p.message for p in problems)


# --- YAML aliases: expanded within a bound, refused beyond it -------------------------------------


@pytest.fixture
def listy():
    """A generator with one text param, ``values``, for the aliased structures to be put in.

    No generator param accepts a list, so an aliased list within the bound is refused by the
    param's type check (which names it without walking it), and beyond the bound by the alias
    check, before anything walks it."""
    from quizapp.engine.exercises.base import REGISTRY, Draft, generator

    def listy_generator(rng, level=1, values: str = ""):
        return Draft(asks="a count", prompt="count", answer=1.0, steps=[])

    generator("fake.listy", "a text param", levels=(1,))(listy_generator)
    yield
    del REGISTRY["fake.listy"]


def alias_deck(levels: int, fanout: int) -> str:
    """One exercise card whose ``values`` are ``levels`` lists, each of ``fanout`` aliases of the one before."""
    rows = [f"        - &a0 [{', '.join(['1'] * fanout)}]"]
    rows += [f"        - &a{i} [{', '.join([f'*a{i - 1}'] * fanout)}]" for i in range(1, levels)]
    params = "\n".join(rows)
    return ("topic: t\ntitle: T\nsummary: S\ncards:\n  - id: aliased\n    kind: exercise\n"
            f"    generator: fake.listy\n    params:\n      values:\n{params}\n    explain: e\n")


def expanded_count(levels: int, fanout: int) -> int:
    """Nodes in the params with every alias expanded, worked by hand: the list at level 0 is
    itself and its ``fanout`` numbers; each level above is itself and ``fanout`` copies of the one
    before; around them, the params mapping, the key ``values`` and the list of levels."""
    sizes = [1 + fanout]
    for _ in range(1, levels):
        sizes.append(1 + fanout * sizes[-1])
    return 3 + sum(sizes)


@SETTINGS
@given(levels=st.integers(1, 7), fanout=st.integers(1, 12))
def test_aliases_are_expanded_up_to_the_bound_and_refused_beyond_it(tmp_path, listy, levels, fanout):
    path = tmp_path / "deck.yaml"
    path.write_text(alias_deck(levels, fanout), encoding="utf-8")
    topic, problems = load_file(path)
    assert_well_formed((topic, problems), path)
    if expanded_count(levels, fanout) <= 10_000:  # read, then refused for its type, not its size
        assert [(p.line, p.message) for p in problems] == [
            (10, "card 'aliased': param 'values' must be text, not a list")
        ]
    else:
        assert [(p.line, p.message) for p in problems] == [
            (9, "card 'aliased': 'params' holds more than 10,000 values once its YAML aliases are expanded")
        ]
    assert topic.cards == ()


def test_a_scalar_alias_in_params_is_served_as_its_value(tmp_path):
    path = tmp_path / "deck.yaml"
    path.write_text(
        "topic: t\ntitle: T\nsummary: S\ncards:\n"
        "  - id: first\n    kind: exercise\n    generator: blocks.pre_post_ln\n"
        "    params: {placement: &where pre}\n    explain: e\n"
        "  - id: second\n    kind: exercise\n    generator: blocks.pre_post_ln\n"
        "    params: {placement: *where}\n    explain: e\n",
        encoding="utf-8",
    )
    topic, problems = load_file(path)
    assert problems == []
    assert [card.params for card in topic.cards] == [{"placement": "pre"}, {"placement": "pre"}]


@pytest.mark.timeout(60)
def test_a_billion_laughs_is_refused_at_once(tmp_path, listy):
    path = tmp_path / "deck.yaml"
    path.write_text(alias_deck(levels=9, fanout=10), encoding="utf-8")  # 10**9 numbers once expanded
    topic, problems = load_file(path)
    assert [p.message for p in problems] == [
        "card 'aliased': 'params' holds more than 10,000 values once its YAML aliases are expanded"
    ]


# --- the deck cache gives back exactly what the loader read ----------------------------------------


@SETTINGS
@given(deck=decks(mutate=True), name=st.sampled_from(["a.yaml", "sub/b.yml"]))
def test_whatever_a_deck_holds_the_cache_gives_it_back_unchanged(tmp_path_factory, monkeypatch, deck, name):
    folder = tmp_path_factory.mktemp("decks")
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(deck, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    cold = load_library([folder], include_shipped=False, use_cache=False)
    load_library([folder], include_shipped=False)  # fills the cache
    with monkeypatch.context() as served_from_the_cache:
        served_from_the_cache.setattr(loader, "_read", lambda data, shown: pytest.fail(f"{shown} was parsed"))
        warm = load_library([folder], include_shipped=False)
        warm.topics

    def seen(library):
        cards = [(card, repr(getattr(card, "params", None))) for topic in library.topics for card in topic.cards]
        return [str(p) for p in library.problems], [(t.id, t.title, t.refs, t.order) for t in library.topics], cards

    assert seen(warm) == seen(cold)

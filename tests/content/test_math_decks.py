"""Formulas in decks: rendered once when a deck is read, so every screen shows the same text;
one that cannot be rendered is shown as written and reported by ``quizapp validate`` alone,
with its file and line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import quizapp
from quizapp.cli import main
from quizapp.content import cache as deck_cache
from quizapp.content import load_library, load_paths, loader, shipped_content_dir
from quizapp.content.lint import lint
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext

from ..tui.support import screen_text
from .conftest import FIXTURES
from .test_deck_files import run_quizapp

DECK = r"""topic: formulas
title: Formulas $\mu$ and $\sigma$
summary: Dropout scales by $1/(1-p)$; a price of $5 stays.
refs: ["https://example.org/$x$"]
cards:
  - id: f-dropout
    kind: flashcard
    tags: [x]
    front: By what does inverted dropout scale the kept units?
    back: By $\frac{1}{1-p}$ in training.
    explain: |
      So $E[y] = x$, and in code `y = x * m / (1 - p)` keeps its $-free form.

      A broken one: $\frac{a}{$ stays as written.
  - id: f-choice
    kind: choice
    prompt: Which is $\sigma^2$?
    options: ['$\mathrm{Var}[x]$', 'the mean', '$\foo$']
    answer: 1
    explain: e
  - id: f-tf
    kind: truefalse
    statement: "$\\epsilon$ sits inside the root."
    answer: true
    explain: e
"""
BROKEN = [
    "decks/formulas.yaml:14: card 'f-dropout': cannot render $\\frac{a}{$: unbalanced braces: a { is never closed",
    "decks/formulas.yaml:18: card 'f-choice': cannot render $\\foo$: unknown command \\foo",
]


@pytest.fixture
def decks(tmp_path, monkeypatch):
    """The deck above in tmp_path/decks, beside fixture decks standing in for the shipped ones."""
    monkeypatch.setattr(loader, "shipped_content_dir", lambda: FIXTURES / "shipped")
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "formulas.yaml").write_text(DECK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def test_every_text_field_is_rendered_and_ids_and_links_are_not(decks):
    library = load_paths([decks])
    topic = library.topic("formulas")
    assert topic.title == "Formulas μ and σ"
    assert topic.summary == "Dropout scales by 1/(1 − p); a price of $5 stays."
    assert topic.refs == ("https://example.org/$x$",)
    card = library.cards["f-dropout"]
    assert card.back == "By 1/(1 − p) in training."
    assert card.explain.startswith("So E[y] = x, and in code `y = x * m / (1 - p)` keeps its $-free form.")
    choice = library.cards["f-choice"]
    assert (choice.prompt, choice.options) == ("Which is σ²?", ("Var[x]", "the mean", "$\\foo$"))
    assert library.cards["f-tf"].statement == "ε sits inside the root."


def test_a_formula_that_cannot_be_rendered_skips_nothing(decks):
    library = load_paths([decks])
    assert library.problems == []
    assert sorted(library.cards) == ["f-choice", "f-dropout", "f-tf"]
    assert "A broken one: $\\frac{a}{$ stays as written." in library.cards["f-dropout"].explain
    assert [str(p) for p in library.unrendered] == BROKEN


def test_validate_reports_it_with_file_and_line(decks, capsys):
    assert main(["validate", "decks"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == BROKEN
    assert err == "1 file, 3 cards, 2 problems\n"


def test_the_line_is_the_formula_s_own_in_a_literal_block_and_the_value_s_otherwise(decks):
    (decks / "formulas.yaml").write_text(
        "topic: lines\n"
        "title: $\\bad$ title\n"          # line 2
        "summary: >\n"                    # line 3: a folded block folds its lines
        "  first line\n"
        "  then $x^$\n"
        "cards:\n"
        "  - id: l-1\n"
        "    kind: flashcard\n"
        "    front: |\n"                  # line 9
        "\n"
        "      one\n"
        "      two $}$\n"                 # line 12
        "    back: \"a $\\\\foo$ b\"\n"   # line 13, in double quotes
        "    explain: e\n",
        encoding="utf-8",
    )
    lines = [str(p) for p in load_paths([decks]).unrendered]
    assert lines == [
        "decks/formulas.yaml:2: cannot render $\\bad$: unknown command \\bad",
        "decks/formulas.yaml:4: cannot render $x^$: a command, ^ or _ is missing what follows it",
        "decks/formulas.yaml:12: card 'l-1': cannot render $}$: unbalanced braces: a } closes no {",
        "decks/formulas.yaml:13: card 'l-1': cannot render $\\foo$: unknown command \\foo "
        "(in double quotes a backslash is a YAML escape: use single quotes or a | block)",
    ]


def test_the_deck_cache_serves_the_rendered_text_and_the_same_report(decks):
    cold = load_library([decks], include_shipped=False)
    warm = load_library([decks], include_shipped=False)
    assert [str(p) for p in warm.unrendered] == [str(p) for p in cold.unrendered] == BROKEN
    assert warm.cards["f-dropout"] == cold.cards["f-dropout"]
    assert warm.topic("formulas").title == "Formulas μ and σ"


def test_a_changed_renderer_reads_every_deck_again(tmp_path, monkeypatch):
    """The cache is keyed by the code that shapes a deck; the renderer is part of it."""
    real = Path(quizapp.__file__).parent
    package = tmp_path / "quizapp"
    for name in ["__init__.py", "sanitize.py", "content/latex.py", "content/formulas.py"]:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_bytes((real / name).read_bytes())
    for folder in deck_cache.CODE:
        if not (package / folder).exists():
            (package / folder).mkdir(parents=True)
    monkeypatch.setattr(quizapp, "__file__", str(package / "__init__.py"))
    fingerprints = {deck_cache.code_fingerprint()}
    for name in ["content/latex.py", "content/formulas.py"]:
        source = package / name
        source.write_text(source.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
        fingerprints.add(deck_cache.code_fingerprint())
    assert len(fingerprints) == 3


# -- the shipped decks ----------------------------------------------------------------------------

SHIPPED = {
    "uv-formula": ("back", "σ[i] = √(1/m ∑[k∈S[i]] (x[k] − μ[i])² + ε), with m = |S[i]|."),
    "rms-formula": ("back", "y = x/√(1/d ∑[i] x[i]² + ε)·g, with a learned gain g"),
    "do-inverted-train": ("back", "every kept element is multiplied by 1/(1 − p)."),
    "ls-target": ("back", "q = (1 − ε)·one_hot(y) + ε/K: the true class gets 1 − ε + ε/K"),
    "adamw-lr-times-wd": ("back", "(1 − lr·wd): the update is p ← p − lr·wd·p before the Adam step"),
    "cutmix-uncorrected": ("explain", "λ = 1 − (x₂ − x₁)(y₂ − y₁)/(WH)"),
    "wn-formula": ("back", "w = g v/‖v‖: a learned scalar length g"),
    "sn-what": ("explain", "σ(W) = max[x≠0]‖Wx‖/‖x‖"),
    "bn-eps-placement": ("options", ("(x − μ)/√(σ² + ε)·γ + β",)),
}


def test_the_shipped_decks_show_their_key_formulas_rendered():
    library = load_paths([shipped_content_dir()])
    assert library.unrendered == []
    for card_id, (field, shown) in SHIPPED.items():
        value = getattr(library.cards[card_id], field)
        if isinstance(shown, tuple):
            assert set(shown) <= set(value), (card_id, value)
        else:
            assert shown in value, (card_id, value)


def test_no_shipped_text_still_holds_a_dollar():
    library = load_paths([shipped_content_dir()])
    for card in library.cards.values():
        for field in ("front", "back", "prompt", "statement", "explain", "intro"):
            text = getattr(card, field, "")
            outside_code = "".join(text.split("`")[::2])
            assert "$" not in outside_code, (card.id, field, text)


# -- every face shows the rendered text -----------------------------------------------------------


@pytest.mark.timeout(120)
def test_plain_mode_prints_the_unicode(decks, tmp_path):
    run = run_quizapp(tmp_path, "--content", str(decks), "drill", "f-dropout", "--plain", stdin="\nq\n")
    assert run.returncode == 0, run.stderr
    assert "A: By 1/(1 − p) in training." in run.stdout
    assert "Why: So E[y] = x" in run.stdout
    assert "\\frac{1}" not in run.stdout
    assert "cannot render" not in run.stderr  # the app reports nothing: validate does


async def test_the_study_screen_shows_the_unicode(decks, tmp_path):
    with Store.open(tmp_path / "r.db") as store:
        app = QuizApp(AppContext(library=load_paths([decks]), store=store, rng=random.Random(1)))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "Formulas μ and σ" in screen_text(app)
            assert app.start_session(cards=["f-dropout"])
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
            shown = screen_text(app)
            assert "By 1/(1 − p) in training." in shown
            assert "So E[y] = x" in shown
            assert "\\frac" not in shown.split("A broken one")[0]


def test_lint_measures_options_as_shown_not_as_written(tmp_path):
    """The right option's LaTeX is four times as long as the others, its rendering is not."""
    (tmp_path / "lint.yaml").write_text(
        "topic: lint-math\ntitle: t\nsummary: s\ncards:\n"
        "  - id: lm-1\n    kind: choice\n    prompt: Which?\n"
        "    options: ['$\\frac{\\alpha}{\\beta}$', 'a/b', 'c/d']\n    answer: 1\n    explain: e\n",
        encoding="utf-8",
    )
    library = load_paths([tmp_path])
    assert library.cards["lm-1"].options == ("α/β", "a/b", "c/d")
    assert not [w for w in lint(library.topics) if "as long as any other" in w.message]

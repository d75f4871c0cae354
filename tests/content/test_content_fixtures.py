"""Every malformed fixture deck gives exactly the problems written in it, at the right lines.

Each file in fixtures/bad/ ends with its expectations as comments:

- ``# expect: LINE: MESSAGE`` one per problem (a MESSAGE ending in ``...`` is a prefix, for
  libyaml's wording of syntax errors);
- ``# skipped`` when the whole file is unusable, or ``# served: id, id`` for the cards that still
  load despite the problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.content import load_file

FIXTURES = Path(__file__).parent / "fixtures"

BAD = sorted((FIXTURES / "bad").glob("*.yaml"))


def _expectations(path):
    expected, served = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            number, message = line[len("# expect: ") :].split(": ", 1)
            expected.append((int(number), message))
        elif line.strip() == "# skipped":
            served = "skipped"
        elif line.startswith("# served:"):
            served = [s.strip() for s in line[len("# served:") :].split(",") if s.strip()]
    return expected, served


def _matches(expected, actual):
    line, message = expected
    if message.endswith("..."):
        return actual[0] == line and actual[1].startswith(message[:-3])
    return actual == expected


def test_there_are_fixtures_for_every_promised_case():
    names = {p.stem for p in BAD}
    assert {"syntax", "missing_fields", "wrong_types", "references", "choice_answers",
            "unsafe_document", "unsafe_fields", "comments_only", "keys_and_ids", "mixed"} <= names


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_fixture_reports_its_expected_problems(path, monkeypatch):
    expected, served = _expectations(path)
    assert expected, f"{path.name} states no expectations"
    assert served is not None, f"{path.name} says neither '# skipped' nor '# served:'"
    monkeypatch.chdir(path.parent)

    topic, problems = load_file(path.name)

    assert all(p.path == path.name for p in problems)
    actual = [(p.line, p.message) for p in problems]
    unmatched = list(actual)
    missing = []
    for want in expected:
        hit = next((a for a in unmatched if _matches(want, a)), None)
        if hit is None:
            missing.append(want)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, f"missing: {missing}\nunexpected: {unmatched}"
    assert [p.line for p in problems] == sorted(p.line for p in problems), "problems come in line order"
    if served == "skipped":
        assert topic is None
    else:
        assert topic is not None
        assert [c.id for c in topic.cards] == served


def test_problem_prints_as_path_line_message(monkeypatch):
    monkeypatch.chdir(FIXTURES / "bad")
    _, problems = load_file("mixed.yaml")
    assert [str(p) for p in problems] == [
        "mixed.yaml:14: card 'mixed-broken': 'answer' 3 is out of range: there are 2 options (count from 1)"
    ]

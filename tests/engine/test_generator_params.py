"""Generator params are declared (a type or a set of choices), and make() refuses anything else
in one line that names the param, what it accepts and the value it got (issue 12 item 6)."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.engine.exercises import REGISTRY, Generator, Param, generator, make
from quizapp.engine.exercises.base import Draft

PARAMETRISED = sorted((gid, name) for gid, gen in REGISTRY.items() for name in gen.params)


def test_every_param_is_declared_with_a_type_or_choices():
    assert PARAMETRISED, "some generators take params"
    for gid, gen in REGISTRY.items():
        for name, param in gen.params.items():
            assert isinstance(param, Param)
            assert (param.type is not None) != bool(param.choices), f"{gid}: {name}"
            assert param.problem(param.default) is None, f"{gid}: the default of {name} is accepted"


def test_the_declared_choices_of_the_shipped_generators():
    assert REGISTRY["blocks.pre_post_ln"].params["placement"] == Param(None, choices=("pre", "post"))
    assert REGISTRY["norms.stat_count"].params["method"].choices == ("batch", "layer", "instance", "group")


@pytest.mark.parametrize(
    "gid,params,error,message",
    [
        ("blocks.pre_post_ln", {"placement": "sideways"}, ValueError,
         "blocks.pre_post_ln: param 'placement' must be one of 'pre', 'post', got 'sideways'"),
        ("norms.stat_count", {"method": [1, 2]}, TypeError,
         "norms.stat_count: param 'method' must be one of 'batch', 'layer', 'instance', 'group', got a list of 2 items"),
        ("norms.stat_count", {"method": 3}, TypeError,
         "norms.stat_count: param 'method' must be one of 'batch', 'layer', 'instance', 'group', got 3"),
        ("batch_norm.train_forward", {"colour": "blue"}, TypeError,
         "batch_norm.train_forward: unknown param 'colour' (it takes no params)"),
        ("blocks.pre_post_ln", {"placment": "pre"}, TypeError,
         "blocks.pre_post_ln: unknown param 'placment' (its params: placement)"),
        ("blocks.pre_post_ln", {"placement": "x" * 500}, ValueError,
         "blocks.pre_post_ln: param 'placement' must be one of 'pre', 'post', got '" + "x" * 39 + "..."),
    ],
)
def test_make_refuses_a_bad_param_in_one_line(gid, params, error, message):
    with pytest.raises(error) as caught:
        make(gid, 1, **params)
    assert str(caught.value) == message


def test_a_declared_choice_or_none_draws():
    assert make("blocks.pre_post_ln", 3, placement="post").inputs["placement"] == "post"
    assert make("norms.stat_count", 3, method="group").inputs["method"] == "group"
    assert make("norms.stat_count", 3, method=None).inputs["method"] in ("batch", "layer", "instance", "group")


# --------------------------------------------------------------------------- declaring params


@pytest.fixture
def register():
    """Register throw-away generators and remove them afterwards."""
    added = []

    def add(gen_id, func):
        added.append(gen_id)
        return generator(gen_id, "test only")(func)

    yield add
    for gen_id in added:
        REGISTRY.pop(gen_id, None)


def _draft(**inputs) -> Draft:
    return Draft("a number", "?", 1.0, [], inputs)


def test_params_are_declared_from_annotations_and_defaults(register):
    def typed(rng, level=1, mode: Literal["a", "b"] | None = None, n: int = 3, scale=1.5, flag=False, name="x",
              count: int | None = None):
        return _draft(mode=mode, n=n)

    register("test.typed", typed)
    params = REGISTRY["test.typed"].params
    assert params == {
        "mode": Param(None, choices=("a", "b")),
        "n": Param(3, type=int),
        "scale": Param(1.5, type=float),
        "flag": Param(False, type=bool),
        "name": Param("x", type=str),
        "count": Param(None, type=int),
    }
    assert str(params["mode"]) == "one of 'a', 'b' (default: drawn at random)"
    assert str(params["n"]) == "a whole number (default: 3)"
    assert make("test.typed", 0, mode="b", n=5).inputs == {"mode": "b", "n": 5}
    assert make("test.typed", 0, scale=2).inputs == {"mode": None, "n": 3}  # an int is a number
    with pytest.raises(TypeError, match=r"param 'n' must be a whole number, got 2\.5"):
        make("test.typed", 0, n=2.5)
    with pytest.raises(TypeError, match="param 'n' must be a whole number, got True"):
        make("test.typed", 0, n=True)
    with pytest.raises(ValueError, match="param 'scale' must be a finite number, got nan"):
        make("test.typed", 0, scale=float("nan"))
    with pytest.raises(TypeError, match="param 'flag' must be true or false, got 'yes'"):
        make("test.typed", 0, flag="yes")
    assert make("test.typed", 0, count=None).inputs["n"] == 3 and make("test.typed", 0, count=4)
    with pytest.raises(TypeError, match="param 'count' must be a whole number, got '4'"):
        make("test.typed", 0, count="4")


def _two_types(rng, level=1, size: int | str = 3):
    return _draft()


@pytest.mark.parametrize(
    "func,message",
    [
        (lambda rng, level=1, placement=None: None, "param 'placement' needs a declared type or choices"),
        (_two_types, "param 'size' is annotated .*; use bool, int, float, str or Literal"),
        (lambda rng, level=1, shape=(2, 3): None, "param 'shape' needs a declared type or choices"),
        (lambda rng, n, level=1: None, "param 'n' needs a default"),
    ],
)
def test_an_undeclared_param_is_refused_at_registration(register, func, message):
    with pytest.raises(TypeError, match=message):
        register("test.untyped", func)
    assert "test.untyped" not in REGISTRY


def test_a_default_outside_the_declaration_is_refused_at_registration(register):
    def wrong(rng, level=1, mode: Literal["a", "b"] = "c"):
        return _draft()

    with pytest.raises(TypeError, match="param 'mode' has default 'c', not one of 'a', 'b'"):
        register("test.wrong_default", wrong)


def test_a_generator_built_with_plain_defaults_declares_their_types():
    gen = Generator("test.plain", lambda rng, level=1, k=1: None, "", (1,), {"k": 1})
    assert gen.params == {"k": Param(1, type=int)}


# --------------------------------------------------------------------------- any value


values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["pre", "post", "batch", "layer", "instance", "group"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(case=st.sampled_from(PARAMETRISED), which=st.sampled_from(["declared", "unknown", "level"]), value=values)
def test_any_value_for_any_param_draws_or_is_refused_in_one_line(case, which, value):
    gid, declared = case
    name = {"declared": declared, "unknown": "colour", "level": "level"}[which]
    try:
        exercise = make(gid, 7, **{name: value})
    except (TypeError, ValueError) as err:
        message = str(err)
        assert "\n" not in message and message.startswith(f"{gid}: ") and len(message) < 200
        expected = {
            "declared": f"param {declared!r} must be one of ",
            "unknown": "unknown param 'colour'",
            "level": "level ",
        }[which]
        assert expected in message
    else:
        assert which != "unknown"
        if which == "declared":
            assert exercise.inputs[declared] == value or value is None
        else:
            assert exercise.level == (REGISTRY[gid].levels[0] if value is None else value)

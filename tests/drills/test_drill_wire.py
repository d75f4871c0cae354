"""The frame format: what goes in comes out exactly, and no byte string can make the reader do more
than yield frames or refuse with a FrameError."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quizapp.drills import wire

NUMBER_DTYPES = st.sampled_from([np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                                 np.int64, np.uint64, np.float16, np.float32, np.float64])
ARRAYS = st.lists(hnp.arrays(NUMBER_DTYPES, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)),
                  max_size=4)


def read_all(data: bytes, cuts: list[int], max_payload: int = 1 << 20):
    """Feed ``data`` to a reader in pieces cut at ``cuts``; every frame it yields."""
    reader, frames, start = wire.FrameReader(max_payload), [], 0
    for cut in sorted(cuts) + [len(data)]:
        reader.feed(data[start:cut])
        frames.extend(reader.frames())
        start = max(start, cut)
    return frames, reader.pending


@given(ARRAYS, st.lists(st.integers(0, 4000), max_size=8))
def test_arrays_come_out_as_they_went_in_however_the_bytes_are_cut(arrays, cuts):
    data = wire.encode({"kind": "result", "case": 3}, arrays) + wire.encode({"kind": "finished"})
    frames, pending = read_all(data, cuts)
    assert pending == 0 and [h["kind"] for h, _ in frames] == ["result", "finished"]
    header, payload = frames[0]
    assert header["case"] == 3
    back = wire.arrays_from(header, payload, max_elements=10_000)
    assert len(back) == len(arrays)
    for sent, received in zip(arrays, back):
        assert received.dtype == sent.dtype and received.shape == sent.shape
        assert received.tobytes() == np.ascontiguousarray(sent).tobytes()  # bit for bit, nan included


@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=5))
def test_any_bytes_give_frames_or_a_frame_error(data, cuts):
    try:
        frames, _ = read_all(data, cuts, max_payload=64)
        for header, payload in frames:
            assert isinstance(header, dict) and isinstance(header["kind"], str)
            wire.arrays_from(header, payload, max_elements=100)
    except wire.FrameError as err:
        assert str(err) and "\n" not in str(err)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=20))
def test_any_json_as_the_array_list_gives_arrays_or_a_frame_error(described):
    try:
        wire.arrays_from({"kind": "result", "arrays": described}, bytes(64), max_elements=100)
    except wire.FrameError:
        pass


def test_an_oversized_header_is_refused_before_it_arrives():
    reader = wire.FrameReader(max_payload=100)
    reader.feed(struct.pack(">II", wire.MAX_HEADER + 1, 0))
    with pytest.raises(wire.FrameError, match="a header of 65537 bytes"):
        list(reader.frames())


def test_an_oversized_payload_is_refused_before_it_arrives():
    reader = wire.FrameReader(max_payload=100)
    reader.feed(struct.pack(">II", 2, 101))
    with pytest.raises(wire.FrameError, match="a payload of 101 bytes"):
        list(reader.frames())


def test_a_deeply_nested_header_is_refused_not_a_crash():
    head = b"[" * 50_000 + b"]" * 50_000
    reader = wire.FrameReader(max_payload=0, max_header=len(head))
    reader.feed(struct.pack(">II", len(head), 0) + head)
    with pytest.raises(wire.FrameError):
        list(reader.frames())


@pytest.mark.parametrize("described, problem", [
    ([{"dtype": "|O", "shape": [1]}], "an array of a type that is not a number type"),
    ([{"dtype": "<c16", "shape": [1]}], "an array of a type that is not a number type"),
    ([{"dtype": "<f8", "shape": [-1]}], "an array with a malformed shape"),
    ([{"dtype": "<f8", "shape": [True]}], "an array with a malformed shape"),
    ([{"dtype": "<f8", "shape": [1.0]}], "an array with a malformed shape"),
    ([{"dtype": "<f8", "shape": [1] * 33}], "an array with a malformed shape"),
    ([{"dtype": "<f8", "shape": [10**12, 10**12]}], "an array of more than 100 numbers"),
    ([{"dtype": "<f8", "shape": [2]}], "arrays larger than the payload"),
    ([], "a payload longer than its arrays"),
    ("many", "a header without its list of arrays"),
])
def test_arrays_that_do_not_match_their_bytes_are_refused(described, problem):
    with pytest.raises(wire.FrameError, match=problem):
        wire.arrays_from({"kind": "result", "arrays": described}, bytes(8), max_elements=100)


def test_sending_an_array_that_is_not_a_number_type_is_refused():
    with pytest.raises(wire.FrameError, match="cannot send an array of dtype complex128"):
        wire.encode({"kind": "result"}, [np.zeros(2, dtype=complex)])

"""Frames: how the checker's processes talk, as plain data that the reader checks before it trusts.

A frame is an 8-byte prefix (the lengths of the header and of the payload, big-endian), a header
(a JSON object) and a payload (the raw bytes of the arrays the header lists, one after another).
Nothing is ever unpickled: an array is a dtype from :data:`DTYPES` (numbers only, this machine's
byte order), a shape and exactly as many bytes as those two say.

The same frames carry a check's request to the checker process, its answers, and the solution's
results to the app.  The app reads the solution's frames as hostile input: :class:`FrameReader`
refuses a header or payload over its size limits, and :func:`arrays_from` refuses a header whose
arrays do not add up to the payload, each with a one-line :class:`FrameError`.

This module imports only the standard library and NumPy: the checker process loads a copy of it.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any, Iterator, Sequence

import numpy as np

_PREFIX = struct.Struct(">II")
_ORDER = "<" if sys.byteorder == "little" else ">"

#: The dtypes a frame may carry: booleans, integers and floats of this machine's byte order.
DTYPES = frozenset(
    ["|b1", "|i1", "|u1"] + [f"{_ORDER}{kind}{size}" for kind in "iu" for size in (2, 4, 8)]
    + [f"{_ORDER}f{size}" for size in (2, 4, 8)]
)
MAX_HEADER = 64 << 10
MAX_DIMENSIONS = 32


class FrameError(ValueError):
    """A frame that breaks the format; ``str()`` says how, in one line."""


def encode(header: dict[str, Any], arrays: Sequence[np.ndarray] = ()) -> bytes:
    """One frame: ``header`` with the arrays' dtypes and shapes added under ``"arrays"``."""
    contiguous = [np.asarray(a, order="C") for a in arrays]  # (ascontiguousarray makes 0-d arrays 1-d)
    for array in contiguous:
        if array.dtype.str not in DTYPES:
            raise FrameError(f"cannot send an array of dtype {array.dtype}")
    described = {**header, "arrays": [{"dtype": a.dtype.str, "shape": list(a.shape)} for a in contiguous]}
    head = json.dumps(described, separators=(",", ":")).encode("utf-8")
    payload = b"".join(a.tobytes() for a in contiguous)
    return _PREFIX.pack(len(head), len(payload)) + head + payload


class FrameReader:
    """Splits a byte stream into ``(header, payload)`` pairs, refusing oversized parts.

    ``feed`` bytes as they arrive; :meth:`frames` yields every complete frame.  After a
    :class:`FrameError` the stream cannot be trusted and the reader must not be used again.
    """

    def __init__(self, max_payload: int, max_header: int = MAX_HEADER):
        self._buffer = bytearray()
        self._max_payload = max_payload
        self._max_header = max_header

    def feed(self, data: bytes) -> None:
        self._buffer += data

    @property
    def pending(self) -> int:
        """Bytes received that do not yet make a whole frame (at the end of a stream: a cut frame)."""
        return len(self._buffer)

    def frames(self) -> Iterator[tuple[dict[str, Any], bytes]]:
        while len(self._buffer) >= _PREFIX.size:
            head_size, payload_size = _PREFIX.unpack_from(self._buffer)
            if head_size > self._max_header:
                raise FrameError(f"a header of {head_size} bytes (the limit is {self._max_header})")
            if payload_size > self._max_payload:
                raise FrameError(f"a payload of {payload_size} bytes (the limit is {self._max_payload})")
            end = _PREFIX.size + head_size + payload_size
            if len(self._buffer) < end:
                return
            head = bytes(self._buffer[_PREFIX.size:_PREFIX.size + head_size])
            payload = bytes(self._buffer[_PREFIX.size + head_size:end])
            del self._buffer[:end]
            yield _header(head), payload


def _header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise FrameError("a header that is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("kind"), str):
        raise FrameError("a header without a kind")
    return header


def arrays_from(header: dict[str, Any], payload: bytes, max_elements: int) -> list[np.ndarray]:
    """The arrays a frame carries, each a fresh array that owns its memory."""
    described = header.get("arrays")
    if not isinstance(described, list):
        raise FrameError("a header without its list of arrays")
    arrays, offset = [], 0
    for item in described:
        dtype, shape = _description(item, max_elements)
        size = dtype.itemsize * _product(shape)
        if offset + size > len(payload):
            raise FrameError("arrays larger than the payload")
        arrays.append(np.frombuffer(payload, dtype=dtype, count=_product(shape), offset=offset).reshape(shape).copy())
        offset += size
    if offset != len(payload):
        raise FrameError("a payload longer than its arrays")
    return arrays


def _description(item: Any, max_elements: int) -> tuple[np.dtype, tuple[int, ...]]:
    if not isinstance(item, dict) or item.get("dtype") not in DTYPES:
        raise FrameError("an array of a type that is not a number type")
    shape = item.get("shape")
    if (not isinstance(shape, list) or len(shape) > MAX_DIMENSIONS
            or not all(type(n) is int and n >= 0 for n in shape)):
        raise FrameError("an array with a malformed shape")
    if _product(shape) > max_elements:
        raise FrameError(f"an array of more than {max_elements} numbers")
    return np.dtype(item["dtype"]), tuple(shape)


def _product(shape: Sequence[int]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total

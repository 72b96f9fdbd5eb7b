"""Struct-of-arrays the allocator works on: the database service builds them, the allocator never sees a model.

Quantities are integer thousandths (int64), dates are int32 day numbers (days since 1970-01-01).
This module imports numpy only, so building or inspecting the arrays never pulls in numba.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from core.allocator.rules import (  # noqa: F401 (the encodings the arrays carry)
    MODE_SINGLE_LOT,
    MODE_TAKE,
    REASON_COVERED,
    REASON_NO_SINGLE_LOT,
    REASON_SHORT,
)
from core.allocator.rules import NO_EXPIRY as _NO_EXPIRY

NO_EXPIRY = np.int32(_NO_EXPIRY)


def _coerce(obj, dtypes: dict[str, type]) -> int:
    """Cast every field to its dtype, contiguous, so the kernel compiles (and caches) one signature only."""
    n = None
    for f in fields(obj):
        arr = np.ascontiguousarray(getattr(obj, f.name), dtype=dtypes[f.name])
        if arr.ndim != 1:
            raise ValueError(f"{type(obj).__name__}.{f.name} must be one-dimensional")
        if n is None:
            n = len(arr)
        elif len(arr) != n:
            raise ValueError(f"{type(obj).__name__}.{f.name} has {len(arr)} entries, expected {n}")
        setattr(obj, f.name, arr)
    return n or 0


UNIT_DTYPES = {
    "item": np.int32,
    "lot": np.int32,
    "avail": np.int64,
    "expiry": np.int32,
    "opened": np.uint8,
    "received": np.int32,
    "pick_seq": np.int32,
    "track_rank": np.int32,
    "eligible": np.uint8,
}


@dataclass
class UnitArrays:
    """One entry per stock unit (container)."""

    item: np.ndarray  # item index
    lot: np.ndarray  # lot index, global across items; -1 = no lot
    avail: np.ndarray  # on hand minus reserved, thousandths
    expiry: np.ndarray  # day number, NO_EXPIRY for none
    opened: np.ndarray  # 1 = opened
    received: np.ndarray  # day number
    pick_seq: np.ndarray  # the location's walk order
    track_rank: np.ndarray  # rank of track_id among all units sorted as text; unique
    eligible: np.ndarray  # 1 = status AVAILABLE and zone STORE; 0 is never allocated

    def __post_init__(self) -> None:
        n = _coerce(self, UNIT_DTYPES)
        if n and int(self.item.min()) < 0:
            raise ValueError("UnitArrays.item holds a negative item index")
        if n and int(self.lot.min()) < -1:
            raise ValueError("UnitArrays.lot holds an index below -1 (-1 means no lot)")

    def __len__(self) -> int:
        return len(self.item)


LINE_DTYPES = {
    "item": np.int32,
    "need": np.int64,
    "min_expiry": np.int32,
    "mode": np.uint8,
}


@dataclass
class LineArrays:
    """One entry per job material line, already in rule-2 order and without kit-issue lines."""

    item: np.ndarray  # item index
    need: np.ndarray  # what the line still lacks, thousandths
    min_expiry: np.ndarray  # job start day + item.min_remaining_days
    mode: np.ndarray  # MODE_TAKE or MODE_SINGLE_LOT

    def __post_init__(self) -> None:
        n = _coerce(self, LINE_DTYPES)
        if n and int(self.item.min()) < 0:
            raise ValueError("LineArrays.item holds a negative item index")
        if n and int(self.mode.max()) > MODE_SINGLE_LOT:
            raise ValueError("LineArrays.mode must be 0 (take in rank order) or 1 (single lot)")

    def __len__(self) -> int:
        return len(self.item)


RESULT_DTYPES = {
    "res_line": np.int32,
    "res_unit": np.int32,
    "res_qty": np.int64,
    "allocated": np.int64,
    "reason": np.uint8,
}


@dataclass
class AllocationResult:
    """Reservations made by one call, plus per-line totals and why a line is short."""

    res_line: np.ndarray  # int32, line index
    res_unit: np.ndarray  # int32, unit index
    res_qty: np.ndarray  # int64, thousandths, always > 0
    allocated: np.ndarray  # int64 per line: what this call gave it
    reason: np.ndarray  # uint8 per line: REASON_*

    def __post_init__(self) -> None:
        for name, dtype in RESULT_DTYPES.items():
            setattr(self, name, np.ascontiguousarray(getattr(self, name), dtype=dtype))

    def equals(self, other: AllocationResult) -> bool:
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)
        )


def kernel_args(units: UnitArrays, lines: LineArrays) -> tuple:
    """The arguments of the compiled kernel (JIT or ahead of time), in its order and with its exact types.

    The dataclasses already hold these dtypes; re-asserting them (free when they match) keeps a field replaced
    after construction from compiling a second signature of the JIT kernel, or from being refused by the
    ahead-of-time one, which has exactly one.
    """
    u = [np.ascontiguousarray(getattr(units, name), dtype) for name, dtype in UNIT_DTYPES.items()]
    ln = [np.ascontiguousarray(getattr(lines, name), dtype) for name, dtype in LINE_DTYPES.items()]
    return (*u, *ln, np.int64(NO_EXPIRY), np.uint8(MODE_SINGLE_LOT), np.uint8(REASON_COVERED),
            np.uint8(REASON_SHORT), np.uint8(REASON_NO_SINGLE_LOT))

"""FEFO allocator over plain arrays: a Numba kernel and the pure-Python reference it is tested against.

`allocate` and `warm_up` live in `kernel`, which imports numba; they are loaded on first use so that a session
that never allocates (an operator picking or labelling) never pays numba's import time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.allocator.arrays import (
    MODE_SINGLE_LOT,
    MODE_TAKE,
    NO_EXPIRY,
    REASON_COVERED,
    REASON_NO_SINGLE_LOT,
    REASON_SHORT,
    AllocationResult,
    LineArrays,
    UnitArrays,
)
from core.allocator.reference import allocate_reference

if TYPE_CHECKING:
    from core.allocator.kernel import allocate, warm_up

__all__ = [
    "MODE_SINGLE_LOT",
    "MODE_TAKE",
    "NO_EXPIRY",
    "REASON_COVERED",
    "REASON_NO_SINGLE_LOT",
    "REASON_SHORT",
    "AllocationResult",
    "LineArrays",
    "UnitArrays",
    "allocate",
    "allocate_reference",
    "warm_up",
]

_LAZY = {"allocate", "warm_up"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from core.allocator import kernel

        return getattr(kernel, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

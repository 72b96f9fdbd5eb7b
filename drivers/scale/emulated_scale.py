"""The weighing side of an emulated scale: what is on the pan, zero, tare, motion and faults.

Protocol-free and thread-safe, so a test or the demo can script it while the emulator thread reports it.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Snapshot:
    display: Decimal  # what the display shows (net when a tare is in use), at the scale's resolution
    tare: Decimal
    net: bool
    moving: bool
    condition: str  # "ok", "over" or "under"


class EmulatedScale:
    def __init__(self, *, unit: str = "kg", decimals: int = 3, capacity: Decimal | None = None,
                 settle_ms: float = 300) -> None:
        self._lock = threading.Lock()
        self.unit = unit
        self.decimals = decimals
        self.capacity = None if capacity is None else Decimal(capacity)
        self.settle_ms = settle_ms
        self._load = Decimal(0)
        self._zero = Decimal(0)
        self._tare = Decimal(0)
        self._moving_until: float | None = None
        self._forced: str | None = None

    def set_weight(self, value: Decimal | str | int) -> None:
        with self._lock:
            self._load = Decimal(value)

    def pour(self, delta: Decimal | str | int, settle_ms: float | None = None) -> None:
        """Add (or take off, if negative) weight; the display moves, then settles after `settle_ms`."""
        with self._lock:
            self._load += Decimal(delta)
            wait = self.settle_ms if settle_ms is None else settle_ms
            self._moving_until = time.monotonic() + wait / 1000 if wait > 0 else None

    def set_motion(self, moving: bool, settle_ms: float | None = None) -> None:
        """Motion on (until turned off, or for `settle_ms`) or off."""
        with self._lock:
            if not moving:
                self._moving_until = None
            elif settle_ms is None:
                self._moving_until = math.inf
            else:
                self._moving_until = time.monotonic() + settle_ms / 1000

    def overload(self) -> None:
        with self._lock:
            self._forced = "over"

    def underload(self) -> None:
        with self._lock:
            self._forced = "under"

    def clear_fault(self) -> None:
        with self._lock:
            self._forced = None

    def zero(self) -> str:
        """Like the ZERO key: "ok", or why not ("moving", "over", "under")."""
        with self._lock:
            refusal = self._refusal(time.monotonic())
            if refusal:
                return refusal
            self._zero = self._load
            self._tare = Decimal(0)
            return "ok"

    def tare(self) -> str:
        """Like the TARE key: "ok", or why not ("moving", "over", "under" for a weight at or below zero)."""
        with self._lock:
            refusal = self._refusal(time.monotonic())
            if refusal:
                return refusal
            gross = self._round(self._load - self._zero)
            if gross <= 0:
                return "under"
            self._tare = gross
            return "ok"

    def set_tare(self, value: Decimal) -> None:
        with self._lock:
            self._tare = Decimal(value)

    def clear_tare(self) -> None:
        with self._lock:
            self._tare = Decimal(0)

    def snapshot(self, now: float | None = None) -> Snapshot:
        now = time.monotonic() if now is None else now
        with self._lock:
            return Snapshot(
                display=self._round(self._load - self._zero - self._tare),
                tare=self._round(self._tare),
                net=not self._tare.is_zero(),
                moving=self._moving(now),
                condition=self._condition(),
            )

    def _refusal(self, now: float) -> str | None:
        condition = self._condition()
        if condition != "ok":
            return condition
        return "moving" if self._moving(now) else None

    def _moving(self, now: float) -> bool:
        if self._moving_until is None:
            return False
        if now >= self._moving_until:
            self._moving_until = None
            return False
        return True

    def _condition(self) -> str:
        if self._forced:
            return self._forced
        if self.capacity is not None and self._load - self._zero > self.capacity:
            return "over"
        return "ok"

    def _round(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.decimals))

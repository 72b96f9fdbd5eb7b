"""The tare of one weighing and the net weights it gives: the one place the tare and net rule lives.

A tare is one of three kinds:

- **on the scale**: the scale took it on command (MT-SICS `T`, SMA `T`); its readings are already net.
- **kept by jobfloor**: the scale cannot tare on command (Toledo continuous output has no commands; an SMA
  indicator answers `?` to `T`; a balance answers `ES`, or in a way the driver does not understand). The gross
  of a stable reading taken after the tare key is held here and subtracted from every later reading.
- **a container's known tare** (a returned container's recorded tare): subtracted from the gross.

A weighing starts only once the net reads zero, to within one step of the scale's display, on a stable reading
taken after the tare; a quantity is confirmed from the net of a stable reading taken after the confirm key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import ScaleError, ScaleProtocolError, ScaleTareError, ScaleUnderload, ScaleUnstable, ScaleUnsupported
from .reading import Reading, milli_kg

if TYPE_CHECKING:
    from .driver import Scale

# How long a tare or a confirm waits for a steady weight before it gives up and says the scale is moving.
STEADY_WAIT = 3.0

NONE, ON_SCALE, KEPT, CONTAINER = "none", "on the scale", "kept by jobfloor", "container"


def _kg_text(kg: Decimal) -> str:
    return f"{kg:.3f} kg"


@dataclass(frozen=True)
class NetReading:
    """A reading turned into the net weight of what is in the container."""

    kg: Decimal
    reading: Reading
    tare: Tare

    @property
    def milli_kg(self) -> int:
        return milli_kg(self.kg)

    @property
    def stable(self) -> bool:
        return self.reading.stable

    @property
    def at_zero(self) -> bool:
        """The net reads zero to within one step of the scale's display."""
        return abs(self.kg) < self.reading.resolution_kg()

    def text(self) -> str:
        return f"{_kg_text(self.kg)} net {'stable' if self.stable else 'moving'}"


class Tare:
    def __init__(self, kind: str, kg: Decimal | None = None, *, gross_net_flag: bool | None = None,
                 expect_net: bool = False) -> None:
        self.kind = kind
        self.kg = kg  # None: on the scale, but the scale does not say how much
        self._gross_net_flag = gross_net_flag  # the net flag of the reading a kept tare was taken from
        self._expect_net = expect_net

    @classmethod
    def none(cls) -> Tare:
        """No tare: the net is the gross (before the tare key, or a bare pan)."""
        return cls(NONE, Decimal(0))

    @classmethod
    def on_scale(cls, taken: Reading | None) -> Tare:
        """The scale took the tare; `taken` is what it reports taking (None if it cannot say)."""
        kg = None if taken is None else taken.to_kg()
        return cls(ON_SCALE, kg, expect_net=kg is None or not kg.is_zero())

    @classmethod
    def kept(cls, gross: Reading) -> Tare:
        """A tare jobfloor keeps: the weight of this stable reading, subtracted from every later one."""
        if not gross.stable:
            raise ScaleUnstable("The weight is moving: keep the container still and tare again.")
        kg = gross.to_kg()
        if kg < 0:
            raise ScaleUnderload("The scale reads below zero: take everything off, zero the scale, put the empty "
                                 "container on and tare again.")
        return cls(KEPT, kg, gross_net_flag=gross.net)

    @classmethod
    def container(cls, milli: int) -> Tare:
        """A container whose tare is on record (in thousandths of a kg): subtracted from the scale's gross."""
        return cls(CONTAINER, Decimal(milli) / 1000)

    @property
    def kept_by_jobfloor(self) -> bool:
        return self.kind == KEPT

    def describe(self) -> str:
        """What the operator is told about the tare in use."""
        if self.kind == NONE:
            return ""
        if self.kind == CONTAINER:
            return f"container tare {_kg_text(self.kg)}"
        amount = "" if self.kg is None else f": {_kg_text(self.kg)}"
        return f"tare {self.kind}{amount}"

    def net(self, reading: Reading) -> NetReading:
        """The net of `reading`; ScaleTareError when the scale's own tare changed since this tare was taken, and
        ScaleUnitError for a unit without an exact kg."""
        kg = reading.to_kg()
        if self.kind == ON_SCALE:
            if self._expect_net and not reading.net:
                raise ScaleTareError("The scale no longer holds the tare (it was cleared on the scale, or the scale "
                                     "restarted). Tare again with the empty container on the scale.")
            return NetReading(kg, reading, self)
        if self.kind == KEPT:
            if reading.net != self._gross_net_flag:
                raise ScaleTareError("The scale was tared or zeroed on its own keys after jobfloor took the tare. "
                                     "Tare again with the empty container on the scale.")
            return NetReading(kg - self.kg, reading, self)
        if self.kind == CONTAINER:
            if reading.net:
                raise ScaleTareError("The scale has a tare of its own set, and the container's tare is subtracted "
                                     "as well. Clear the tare on the scale (empty pan, TARE or ZERO).")
            return NetReading(kg - self.kg, reading, self)
        return NetReading(kg, reading, self)


def take_tare(scale: Scale, timeout: float = STEADY_WAIT) -> tuple[Tare, NetReading]:
    """Tare what is on the scale now (the tare key was just pressed), and wait for the net to read zero.

    On the scale when it takes a tare command. Kept by jobfloor when it cannot (ScaleUnsupported), or when its
    answer cannot be understood (it may or may not have tared): the kept tare is then the first stable reading
    read after that answer, so it is whatever the scale weighs from then on, tared or not. Returns the tare and
    the first stable net reading at zero; raises a ScaleError when there is none within `timeout`.
    """
    try:
        taken = scale.tare()
    except (ScaleUnsupported, ScaleProtocolError):
        gross = scale.next_stable(time.monotonic(), timeout)
        tare = Tare.kept(gross)
        return tare, tare.net(gross)
    tare = Tare.on_scale(taken)
    return tare, wait_for_zero(scale, tare, time.monotonic(), timeout)


def wait_for_zero(scale: Scale, tare: Tare, after: float, timeout: float = STEADY_WAIT) -> NetReading:
    """The first stable net reading at zero received after `after`; ScaleTareError if the scale settles on
    anything else for `timeout` seconds."""
    settled: list[NetReading] = []

    def at_zero(reading: Reading) -> bool:
        settled.append(tare.net(reading))
        return settled[-1].at_zero

    try:
        return tare.net(scale.next_stable(after, timeout, until=at_zero))
    except ScaleUnstable:
        if not settled:
            raise ScaleUnstable("The weight did not settle after the tare. Keep the container still and tare "
                                "again.") from None
    raise ScaleTareError(f"After the tare the scale reads {_kg_text(settled[-1].kg)}, not zero: the tare did not "
                         "take. Tare again with the empty container on the scale.")


def weigh(scale: Scale, tare: Tare, pressed: float, timeout: float = STEADY_WAIT) -> NetReading:
    """The net of the first stable reading taken after the key pressed at `pressed`: what a confirm books."""
    return tare.net(scale.next_stable(pressed, timeout))


def release(scale: Scale, tare: Tare) -> None:
    """The weighing is over: a tare jobfloor set on the scale is cleared, so the scale weighs gross again."""
    if tare.kind == ON_SCALE:
        try:
            scale.clear_tare()
        except ScaleError:
            pass  # a scale without the command keeps its tare until someone clears it; the next tare replaces it

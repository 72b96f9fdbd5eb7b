"""Talking SMA to an indicator: every weight is asked for with W, so the live view polls at ~20 Hz.

An indicator without the tare command answers `?`: that is ScaleUnsupported, and the tare is then kept by
jobfloor.
"""

from __future__ import annotations

import time

from . import sma
from .errors import ScaleError, ScaleProtocolError, ScaleUnstable, ScaleUnsupported
from .reading import Reading
from .session import Framer, Session

POLL_PERIOD = 0.05


class SmaSession(Session):
    name = "SMA"

    def make_framer(self) -> Framer:
        return sma.framer()

    def read(self, stable: bool, timeout: float) -> Reading:
        self.connect()
        deadline = time.monotonic() + timeout
        moving = False
        last_error: ScaleError | None = None
        while True:
            asked = time.monotonic()
            item = self.decoded(self._exchange(sma.WEIGH), sma.decode_weight)
            if isinstance(item, Reading):
                if not stable or item.stable:
                    return item
                moving = True
            elif isinstance(item, ScaleProtocolError):
                last_error = item  # a damaged reply: ask again rather than give up on one bad frame
            else:
                raise item
            if time.monotonic() >= deadline:
                break
            self.pause_until(min(asked + POLL_PERIOD, deadline))
        if moving or last_error is None:
            raise ScaleUnstable(f"The weight did not settle within {timeout:g} s. Keep the load still and try again.")
        raise last_error

    def zero(self, timeout: float) -> None:
        self.connect()
        item = self.decoded(self._exchange(sma.ZERO, timeout), sma.decode_weight)
        if isinstance(item, ScaleError):
            raise item

    def tare(self, timeout: float) -> Reading | None:
        self.connect()
        reply = self._exchange(sma.TARE, timeout)
        if reply == sma.UNKNOWN_COMMAND:
            raise ScaleUnsupported("This scale cannot be tared from the terminal.", detail="SMA reply '?' to T")
        item = self.decoded(reply, sma.decode_weight)
        if isinstance(item, ScaleError):
            raise item
        reply = self._exchange(sma.READ_TARE)
        if reply == sma.UNKNOWN_COMMAND:
            return None  # tared, but this indicator cannot say how much
        return sma.decode_tare(reply)

    def clear_tare(self, timeout: float) -> None:
        self.connect()
        reply = self._exchange(sma.CLEAR_TARE, timeout)
        if reply == sma.UNKNOWN_COMMAND:
            raise ScaleUnsupported("This scale's tare cannot be cleared from the terminal.",
                                   detail="SMA reply '?' to C")
        item = self.decoded(reply, sma.decode_weight)
        if isinstance(item, ScaleError):
            raise item

    def pump(self) -> float:
        self.connect()
        asked = time.monotonic()
        self.decoded(self._exchange(sma.WEIGH), sma.decode_weight)
        return max(0.0, asked + POLL_PERIOD - time.monotonic())

    def _exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        self.flush()
        self.send(command)
        reply = self.next_frame(time.monotonic() + (timeout or self.reply_timeout))
        if reply is None:
            raise self.went_silent(f"no reply to {command!r}")
        return reply

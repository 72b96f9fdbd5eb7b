"""Listening to a Toledo continuous-output stream. The indicator takes no commands: zero and tare stay on its keys."""

from __future__ import annotations

import time

from . import toledo
from .errors import ScaleError, ScaleProtocolError, ScaleUnstable
from .reading import Reading
from .session import PUMP_SECONDS, Framer, Session


class ToledoSession(Session):
    name = "Toledo continuous output"

    def make_framer(self) -> Framer:
        return toledo.ToledoFramer()

    def read(self, stable: bool, timeout: float) -> Reading:
        self.connect()
        self.flush()  # frames queued while nobody listened are old weights
        self._last_rx = time.monotonic()
        deadline = self._last_rx + timeout
        moving = False
        last_error: ScaleError | None = None
        while (now := time.monotonic()) < deadline:
            if self.silent_for() > self.reply_timeout:
                raise self.went_silent("no frames")
            for frame in self.frames_until(min(deadline, now + PUMP_SECONDS)):
                item = self.decoded(frame, toledo.decode)
                if isinstance(item, Reading):
                    if not stable or item.stable:
                        return item
                    moving = True
                elif isinstance(item, ScaleProtocolError):
                    last_error = item  # one damaged frame; the next comes in a moment
                else:
                    raise item
        if moving:
            raise ScaleUnstable(f"The weight did not settle within {timeout:g} s. Keep the load still and try again.")
        if last_error is not None:
            raise last_error
        raise self.went_silent("no frames")

    def pump(self) -> float:
        self.connect()
        for frame in self.frames_until(time.monotonic() + PUMP_SECONDS):
            self.decoded(frame, toledo.decode)
        if self.silent_for() > self.reply_timeout:
            raise self.went_silent("no frames")
        return 0.0

"""Talking MT-SICS to a balance: SI/S for single weights, SIR for the live stream, Z, T and TAC.

A clone that does not know SIR (it answers ES) is polled with SI instead; one that does not know T gets a tare
kept by jobfloor (ScaleUnsupported). A reply the driver does not know is an error for that request only: the
port stays open and the next request is tried.
"""

from __future__ import annotations

import time

from . import mtsics
from .errors import ScaleBusy, ScaleError, ScaleProtocolError, ScaleUnstable, ScaleUnsupported
from .reading import Reading
from .session import PUMP_SECONDS, Framer, Session

# After `S I` (the balance gave up waiting for stability) ask again, but not in a tight loop.
_ASK_AGAIN_SECONDS = 0.05
# A balance polled with SI (no SIR) is asked this often: the same 20 readings a second SIR gives.
POLL_PERIOD = 0.05


class MtSicsSession(Session):
    name = "MT-SICS"
    _streaming = False
    _polled = False
    _net = False

    def make_framer(self) -> Framer:
        return mtsics.framer()

    def on_connect(self) -> None:
        self._streaming = False
        self._polled = False
        self._net = self._has_tare()

    def read(self, stable: bool, timeout: float) -> Reading:
        self.connect()
        start = time.monotonic()
        deadline = start + timeout
        line = self._ask(mtsics.WEIGH_NOW, "S", min(deadline, start + self.reply_timeout))
        if line is None:
            raise self.went_silent("no reply to SI")
        reading = self._weight_or_raise(line)
        if not stable or reading.stable:
            return reading
        return self._read_stable(deadline, timeout)

    def zero(self, timeout: float) -> None:
        self.connect()
        line = self._ask(mtsics.ZERO, "Z", time.monotonic() + timeout)
        if line is None:
            raise ScaleUnstable(f"The scale did not confirm the zero within {timeout:g} s. Keep the pan still "
                                "and zero again.")
        mtsics.decode_zero(line)
        self._net = self._has_tare()

    def tare(self, timeout: float) -> Reading:
        self.connect()
        line = self._ask(mtsics.TARE, "T", time.monotonic() + timeout)
        if line is None:
            raise ScaleUnstable(f"The scale did not confirm the tare within {timeout:g} s. Keep the load still "
                                "and tare again.")
        self._unknown_command(line, "tared")
        taken = mtsics.decode_tare(line)
        self._net = not taken.value.is_zero()
        return taken

    def clear_tare(self, timeout: float) -> None:
        self.connect()
        line = self._ask(mtsics.TARE_CLEAR, "TAC", time.monotonic() + timeout)
        if line is None:
            raise ScaleUnstable(f"The scale did not confirm clearing its tare within {timeout:g} s.")
        self._unknown_command(line, "told to clear its tare")
        mtsics.decode_tare_clear(line)
        self._net = False

    def pump(self) -> float:
        self.connect()
        if self._polled:
            return self._poll()
        if not self._streaming:
            self.flush()
            self.send(mtsics.WEIGH_REPEAT)
            self._streaming = True
            self._last_rx = time.monotonic()
        for line in self.frames_until(time.monotonic() + PUMP_SECONDS):
            if mtsics.reply_to(line) == "E" and line.strip() == b"ES":
                self._polled, self._streaming = True, False  # a clone without SIR: ask for each weight
                return 0.0
            if not mtsics.is_acknowledgement(line):
                self.decoded(line, self._decode_weight)
        if self.silent_for() > self.reply_timeout:
            self._streaming = False
            raise self.went_silent("no weight stream after SIR")
        return 0.0

    def _poll(self) -> float:
        asked = time.monotonic()
        line = self._ask(mtsics.WEIGH_NOW, "S", asked + self.reply_timeout)
        if line is None:
            raise self.went_silent("no reply to SI")
        self.decoded(line, self._decode_weight)
        return max(0.0, asked + POLL_PERIOD - time.monotonic())

    def _read_stable(self, deadline: float, timeout: float) -> Reading:
        self.flush()
        self.send(mtsics.WEIGH_STABLE)
        self._streaming = False
        while (line := self.next_frame(deadline)) is not None:
            if mtsics.is_acknowledgement(line):
                continue
            item = self.decoded(line, self._decode_weight)
            if isinstance(item, Reading):
                if item.stable:
                    return item
                continue  # a line of an SIR stream still on its way
            if isinstance(item, ScaleBusy) and mtsics.reply_to(line) == "S":
                self.pause_until(min(time.monotonic() + _ASK_AGAIN_SECONDS, deadline))
                self.flush()
                self.send(mtsics.WEIGH_STABLE)
                continue
            if isinstance(item, ScaleProtocolError) and mtsics.reply_to(line) != "E":
                continue  # noise, not an answer
            raise item
        raise ScaleUnstable(f"The weight did not settle within {timeout:g} s. Keep the load still and try again.")

    def _ask(self, command: bytes, answer: str, deadline: float) -> bytes | None:
        """Send a command; its reply line (or a general error), or None if nothing came before `deadline`.

        Weight lines of a stream still on its way are passed on to the monitor. A line that answers nothing
        known is kept: if no proper answer follows, it is returned, so the caller reports a reply it does not
        understand rather than a scale that says nothing.
        """
        self.flush()
        self.send(command)
        self._streaming = False  # any command ends SIR
        unknown: bytes | None = None
        while (line := self.next_frame(deadline)) is not None:
            if mtsics.is_acknowledgement(line):
                continue
            replying_to = mtsics.reply_to(line)
            if replying_to in (answer, "E"):
                return line
            if replying_to == "S":
                self.decoded(line, self._decode_weight)
            else:
                unknown = line
        return unknown

    def _unknown_command(self, line: bytes, done: str) -> None:
        if line.strip() == b"ES":
            raise ScaleUnsupported(f"This scale cannot be {done} from the terminal.", detail=repr(line))

    def _has_tare(self) -> bool:
        # MT-SICS replies do not say gross or net; a tare in use means the weights are net.
        line = self._ask(mtsics.TARE_QUERY, "TA", time.monotonic() + self.reply_timeout)
        if line is None:
            return False  # a clone that ignores TA: SI will show soon enough whether it talks at all
        try:
            return not mtsics.decode_tare_value(line).value.is_zero()
        except ScaleError:
            return False  # basic balances answer ES to TA and have no tare memory to ask about

    def _decode_weight(self, line: bytes) -> Reading:
        return mtsics.decode_weight(line, net=self._net)

    def _weight_or_raise(self, line: bytes) -> Reading:
        item = self.decoded(line, self._decode_weight)
        if isinstance(item, ScaleError):
            raise item
        return item

"""What every protocol conversation shares: framing the port's bytes and reporting what arrives.

A session is used by one thread at a time (the Scale holds a lock around every call). Every weight or weight
error it decodes from the line is passed to `emit` as well as used for the call at hand, so a monitor sees the
readings a `read()` in another thread pulls off the port.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from .errors import ScaleError, ScaleOffline, ScaleUnsupported
from .port import Port
from .reading import Reading

Item = Reading | ScaleError
Emit = Callable[[Item], None]

# The monitor's share of the port per step; short so a command from another thread waits little for it.
PUMP_SECONDS = 0.05


class Framer(Protocol):
    def feed(self, chunk: bytes) -> list[bytes]: ...

    def reset(self) -> None: ...


class Session:
    name = ""

    def __init__(self, port: Port, emit: Emit, reply_timeout: float) -> None:
        self.port = port
        self.emit = emit
        self.reply_timeout = reply_timeout
        self.framer = self.make_framer()
        self._frames: deque[bytes] = deque()
        self._generation = 0
        self._last_rx = time.monotonic()

    # -- what each protocol provides ---------------------------------------------------------------------------

    def make_framer(self) -> Framer:
        raise NotImplementedError

    def read(self, stable: bool, timeout: float) -> Reading:
        raise NotImplementedError

    def zero(self, timeout: float) -> None:
        raise ScaleUnsupported("This scale cannot be zeroed from the terminal. Press ZERO on the scale.")

    def tare(self, timeout: float) -> Reading | None:
        raise ScaleUnsupported("This scale cannot be tared from the terminal. Press TARE on the scale.")

    def pump(self) -> float:
        """One monitor step: keep the scale sending and emit what arrives. Returns seconds the monitor may rest."""
        raise NotImplementedError

    def on_connect(self) -> None:
        """Called once per (re)opened port, before the first exchange on it."""

    # -- shared plumbing ---------------------------------------------------------------------------------------

    def connect(self) -> None:
        generation = self.port.ensure_open()
        if generation != self._generation:
            self._generation = generation
            self._forget_input()
            self._last_rx = time.monotonic()
            self.on_connect()

    def flush(self) -> None:
        """Drop everything already received: it answers nothing asked from now on."""
        self.port.flush_input()
        self._forget_input()

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def next_frame(self, deadline: float) -> bytes | None:
        """The next whole frame, or None when `deadline` (monotonic) passes first."""
        while not self._frames:
            if time.monotonic() >= deadline:
                return None
            chunk = self.port.read_chunk()
            if chunk:
                self._frames.extend(self.framer.feed(chunk))
        self._last_rx = time.monotonic()
        return self._frames.popleft()

    def frames_until(self, deadline: float) -> list[bytes]:
        """Every frame that arrives before `deadline`, returning early once some have come."""
        first = self.next_frame(deadline)
        if first is None:
            return []
        rest = list(self._frames)
        self._frames.clear()
        return [first, *rest]

    def silent_for(self) -> float:
        return time.monotonic() - self._last_rx

    def went_silent(self, what: str) -> ScaleOffline:
        """The port is open but the scale says nothing: treat it as gone, so the port is reopened."""
        self.port.lose(f"no data from the scale for {self.silent_for():.1f} s ({what})")
        return ScaleOffline(
            f"The scale on {self.port.url} is not answering. Check it is switched on and set to {self.name}.",
            detail=what,
        )

    def decoded(self, frame: bytes, decode: Callable[[bytes], Reading]) -> Item:
        """Decode a frame, emit the result, and return it (a Reading or the error it decodes to)."""
        try:
            item: Item = decode(frame)
        except ScaleError as exc:
            item = exc
        self.emit(item)
        return item

    def _forget_input(self) -> None:
        self._frames.clear()
        self.framer.reset()

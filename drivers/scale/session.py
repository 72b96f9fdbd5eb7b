"""What every protocol conversation shares: framing the port's bytes and reporting what arrives.

A session is used by one thread at a time (the Scale holds a lock around every call). Every weight or weight
error it decodes from the line is passed to `emit` as well as used for the call at hand, so a monitor sees the
readings a `read()` in another thread pulls off the port. Each Reading is stamped with the port's connection
generation and a moment its first byte is known to have come in after (drivers.scale.arrivals), not the moment it
was read: a weight sent before a key press and read after it must not pass for the weight after the key.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Protocol

from .arrivals import Arrivals
from .errors import ScaleError, ScaleOffline, ScaleProtocolError, ScaleUnsupported
from .port import Port
from .reading import Reading

Item = Reading | ScaleError
Emit = Callable[[Item], None]

# The monitor's share of the port per step; short so a command from another thread waits little for it.
PUMP_SECONDS = 0.05


class Framer(Protocol):
    def feed(self, chunk: bytes) -> list[bytes]: ...

    @property
    def pending(self) -> bool: ...

    def reset(self) -> None: ...


class Session:
    name = ""

    def __init__(self, port: Port, emit: Emit, reply_timeout: float) -> None:
        self.port = port
        self.emit = emit
        self.reply_timeout = reply_timeout
        self.framer = self.make_framer()
        self._frames: deque[tuple[bytes, float]] = deque()
        self._generation = 0
        self._last_rx = time.monotonic()  # the last whole frame
        self._last_bytes = self._last_rx  # the last bytes of any kind
        self._arrivals = Arrivals(self._last_rx)
        self._partial_from: float | None = None  # the stamp of a frame begun in an earlier chunk
        self._frame_at = 0.0

    # -- what each protocol provides ---------------------------------------------------------------------------

    def make_framer(self) -> Framer:
        raise NotImplementedError

    def read(self, stable: bool, timeout: float) -> Reading:
        raise NotImplementedError

    def zero(self, timeout: float) -> None:
        raise ScaleUnsupported("This scale cannot be zeroed from the terminal. Press ZERO on the scale.")

    def tare(self, timeout: float) -> Reading | None:
        raise ScaleUnsupported("This scale cannot be tared from the terminal. Press TARE on the scale.")

    def clear_tare(self, timeout: float) -> None:
        raise ScaleUnsupported("This scale's tare cannot be cleared from the terminal. Clear it on the scale.")

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
            self._last_rx = self._last_bytes = time.monotonic()
            self._arrivals.reset(self._last_rx)
            self.on_connect()

    def flush(self) -> None:
        """Drop everything already received: it answers nothing asked from now on."""
        flushed = time.monotonic()  # taken before: bytes that come in meanwhile are dropped too, or came after it
        self.port.flush_input()
        self._forget_input()
        self._arrivals.reset(flushed)

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def next_frame(self, deadline: float) -> bytes | None:
        """The next whole frame, or None when `deadline` (monotonic) passes first."""
        while not self._frames:
            if time.monotonic() >= deadline:
                return None
            looked = time.monotonic()
            self._arrivals.seen(self.port.waiting(), looked)
            chunk = self.port.read_chunk()
            if chunk:
                self._last_bytes = time.monotonic()
                came_after = self._arrivals.took(len(chunk))
                frames = self.framer.feed(chunk)
                # The first frame may have begun in an earlier chunk; the others began in this one.
                first = came_after if self._partial_from is None else self._partial_from
                self._frames.extend((frame, first if i == 0 else came_after) for i, frame in enumerate(frames))
                if not self.framer.pending:
                    self._partial_from = None
                elif frames or self._partial_from is None:
                    self._partial_from = came_after
        frame, self._frame_at = self._frames.popleft()
        self._last_rx = time.monotonic()
        return frame

    def frames_until(self, deadline: float) -> Iterator[bytes]:
        """Every frame that arrives before `deadline`, returning early once some have come.

        A generator: decode each frame with `decoded` before taking the next, so each is stamped with its own
        moment (the one it is known to have come in after).
        """
        first = self.next_frame(deadline)
        if first is None:
            return
        yield first
        while self._frames:
            frame, self._frame_at = self._frames.popleft()
            yield frame

    def pause_until(self, deadline: float) -> None:
        """Let time pass in blocking reads rather than a sleep; what arrives meanwhile answers nothing asked."""
        while self.next_frame(deadline) is not None:
            pass

    def silent_for(self) -> float:
        return time.monotonic() - self._last_rx

    def went_silent(self, what: str) -> ScaleError:
        """No frame for too long. Bytes that frame as nothing are a wrong setting, not a missing scale: the port
        stays open and the operator is told to check the protocol. Without any bytes the scale is treated as
        gone, so the port is reopened."""
        now = time.monotonic()
        if now - self._last_bytes < now - self._last_rx:
            self._last_rx = now  # one report per silence, not one per read
            return ScaleProtocolError(
                f"The scale sends data the terminal cannot read. Check it is set to {self.name} and the serial "
                "settings (baud rate, parity) match.",
                detail=f"bytes but no {self.name} frame for {now - self._last_bytes:.1f} s ({what})",
            )
        self.port.lose(f"no data from the scale for {self.silent_for():.1f} s ({what})", ScaleOffline.SILENT)
        return ScaleOffline(
            f"The scale on {self.port.url} is not answering. Check it is switched on and set to {self.name}.",
            detail=what,
            state=ScaleOffline.SILENT,
        )

    def decoded(self, frame: bytes, decode: Callable[[bytes], Reading]) -> Item:
        """Decode a frame, emit the result, and return it (a Reading or the error it decodes to)."""
        try:
            item: Item = replace(decode(frame), received=self._frame_at, generation=self._generation)
        except ScaleError as exc:
            item = exc
        self.emit(item)
        return item

    def _forget_input(self) -> None:
        self._frames.clear()
        self.framer.reset()
        self._partial_from = None

"""Cutting a byte stream from a serial line into text frames.

Serial data arrives in arbitrary chunks: a frame can be split across reads, several can arrive in one, and line
noise or a half-sent frame after a reconnect shows up as bytes that belong to nothing. The framer keeps partial
frames between chunks and throws away what cannot be part of a frame, counting it in `discarded`.
"""

from __future__ import annotations

_PRINTABLE = range(0x20, 0x7F)


class DelimitedFramer:
    """Frames of printable ASCII ended by one of `ends`, optionally opened by a `start` byte.

    Without a start byte (MT-SICS lines) a control or 8-bit byte drops the partial frame and framing picks up
    again right after it, so noise just before a good line does not cost the line. With a start byte (SMA)
    nothing counts until the next start byte. A frame longer than `max_length` is dropped whole.
    """

    def __init__(self, *, ends: bytes, max_length: int, start: int | None = None) -> None:
        self._ends = frozenset(ends)
        self._start = start
        self._max = max_length
        self._buf = bytearray()
        self._inside = start is None
        self._skipping = False
        self.discarded = 0

    def reset(self) -> None:
        self.discarded += len(self._buf)
        self._buf.clear()
        self._inside = self._start is None
        self._skipping = False

    @property
    def pending(self) -> bool:
        """A frame has begun and not ended yet."""
        return bool(self._buf) or (self._start is not None and self._inside)

    def feed(self, chunk: bytes) -> list[bytes]:
        frames: list[bytes] = []
        for byte in chunk:
            if self._start is not None and byte == self._start:
                self.reset()
                self._inside = True
            elif byte in self._ends:
                self._end_frame(frames)
            elif not self._inside or self._skipping:
                self.discarded += 1
            elif byte not in _PRINTABLE:
                self.reset()
                self.discarded += 1
            elif len(self._buf) >= self._max:
                self.reset()
                self.discarded += 1
                self._inside = True
                self._skipping = True
            else:
                self._buf.append(byte)
        return frames

    def _end_frame(self, frames: list[bytes]) -> None:
        if self._skipping or not self._inside:
            self.discarded += 1
        elif self._buf or self._start is not None:
            # An opened but empty frame (SMA `LF CR`) is still a frame, and a wrong one: let the decoder say so.
            frames.append(bytes(self._buf))
        self._buf.clear()
        self._inside = self._start is None
        self._skipping = False

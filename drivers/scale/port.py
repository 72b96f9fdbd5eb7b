"""A serial connection that reopens itself after it is lost.

Anything pyserial can open works (`/dev/ttyUSB0`, `rfc2217://`, `socket://`, `loop://`). Every I/O failure turns
into ScaleOffline and closes the port; the next use reopens it, but no sooner than the backoff allows, so a
screen polling an unplugged scale does not hammer the OS or a device server.
"""

from __future__ import annotations

import time
from array import array

import serial

from .errors import ScaleOffline

try:
    from fcntl import ioctl
    from termios import FIONREAD
    from termios import error as _TermiosError
except ImportError:  # not a POSIX system
    ioctl = FIONREAD = None
    _TermiosError = OSError

# A hung-up tty raises termios.error (not an OSError) from flush and settings calls.
_LOST = (serial.SerialException, OSError, _TermiosError)

# How long one read waits for the first byte: short, so callers can keep their own deadlines and the monitor
# can give way to a command between reads.
POLL_SECONDS = 0.02
_WRITE_TIMEOUT = 1.0
_DRAIN_LIMIT = 4096


class Port:
    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        self.url = url
        # Built unopened now so a bad URL scheme or setting fails at once, as a ValueError, not as "offline".
        self._serial = serial.serial_for_url(
            url,
            do_not_open=True,
            baudrate=baudrate,
            bytesize=bytesize,
            parity=parity,
            stopbits=stopbits,
            timeout=POLL_SECONDS,
            write_timeout=_WRITE_TIMEOUT,
            exclusive=True,
        )
        self._first_delay, self._max_delay = backoff
        self._delay = self._first_delay
        self._retry_at = 0.0
        self._reason = "not opened yet"
        self._state = ScaleOffline.default_state
        self._closed = False
        self.generation = 0  # bumped on each successful open, so sessions know to start over

    @property
    def is_open(self) -> bool:
        return self._serial.is_open

    def seconds_until_retry(self) -> float:
        return max(0.0, self._retry_at - time.monotonic())

    def ensure_open(self) -> int:
        """Open the port if it is closed and the backoff allows; the generation of the connection now open."""
        if self._serial.is_open:
            return self.generation
        if self._closed:
            raise ScaleOffline("The scale connection was closed.", detail=self.url)
        if time.monotonic() < self._retry_at:
            raise self._offline()
        try:
            self._serial.open()
        except _LOST as exc:
            self._state = ScaleOffline.default_state  # the device is not there (any more): unplugged
            self._schedule_retry(str(exc))
            raise self._offline() from exc
        self._delay = self._first_delay
        self.generation += 1
        return self.generation

    def waiting(self) -> int:
        """How many bytes have arrived and not been read yet."""
        try:
            # pyserial's socket:// says only whether any byte waits (1 or 0); the socket itself knows how many.
            sock = getattr(self._serial, "_socket", None)
            if sock is not None and ioctl is not None:
                count = array("i", [0])
                ioctl(sock.fileno(), FIONREAD, count)
                return count[0]
            return self._serial.in_waiting
        except _LOST as exc:
            raise self.lose(str(exc)) from exc

    def read_chunk(self) -> bytes:
        """What has arrived, waiting up to POLL_SECONDS for the first byte."""
        try:
            data = self._serial.read(1)
            while data and len(data) < _DRAIN_LIMIT:
                waiting = self._serial.in_waiting
                if not waiting:
                    break
                data += self._serial.read(waiting)
            return data
        except _LOST as exc:
            raise self.lose(str(exc)) from exc

    def write(self, data: bytes) -> None:
        try:
            self._serial.write(data)
        except _LOST as exc:
            raise self.lose(str(exc)) from exc

    def flush_input(self) -> None:
        try:
            self._serial.reset_input_buffer()
        except _LOST as exc:
            raise self.lose(str(exc)) from exc

    def lose(self, reason: str, state: str = ScaleOffline.default_state) -> ScaleOffline:
        """Close after a failure and schedule the reopen; returns the error for the caller to raise. `state` says
        in a few words what the floor sees meanwhile (unplugged, or not answering)."""
        self._close_quietly()
        self._state = state
        self._schedule_retry(reason)
        return self._offline()

    def close(self) -> None:
        self._closed = True
        self._close_quietly()

    def _schedule_retry(self, reason: str) -> None:
        self._reason = reason
        self._retry_at = time.monotonic() + self._delay
        self._delay = min(self._delay * 2, self._max_delay)

    def _close_quietly(self) -> None:
        try:
            self._serial.close()
        except _LOST:
            pass  # the device is already gone; closing is only to free our side

    def _offline(self) -> ScaleOffline:
        if self._state == ScaleOffline.SILENT:
            message = f"The scale on {self.url} is not answering. Check it is switched on."
        else:
            message = f"The scale on {self.url} is not connected. Check its cable and power."
        return ScaleOffline(message, detail=self._reason, state=self._state)

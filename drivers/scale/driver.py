"""The scale as the app sees it: read a weight, zero, tare, watch it live; reconnection is handled inside."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import ScaleOffline, ScaleProtocolError, ScaleUnstable
from .feed import Feed
from .monitor import ScaleMonitor
from .port import Port
from .reading import Reading
from .registry import session_class
from .session import Item

STABLE_TIMEOUT = 10.0


class Scale:
    """One scale on one port, safe to use from several threads.

    `timeout` is how long the scale may take to answer before it counts as offline. Nothing opens until the
    first use; every method raises a ScaleError subclass for the floor to show, never a serial exception.
    While anyone listens (`monitor`, `next_stable`), a feed thread keeps the readings coming; a command from
    another thread (read, zero, tare) takes the port between two of the feed's steps.
    """

    def __init__(
        self,
        url: str,
        protocol: str,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        timeout: float = 2.0,
        *,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        session_type = session_class(protocol)
        self.url = url
        self.protocol = protocol
        self.timeout = timeout
        self._port = Port(url, baudrate=baudrate, bytesize=bytesize, parity=parity, stopbits=stopbits,
                          backoff=backoff)
        self._session = session_type(self._port, self._emit, timeout)
        self._lock = threading.RLock()  # the conversation on the port: one at a time
        # Commands waiting for the port; the feed waits on this condition while there are any, so a command never
        # queues behind more than one feed step.
        self._turns = threading.Condition()
        self._waiting = 0
        self._listeners: tuple[ScaleMonitor, ...] = ()
        self._feed: Feed | None = None

    @property
    def online(self) -> bool:
        return self._port.is_open

    @property
    def generation(self) -> int:
        """Which connection of the port is open: it goes up each time the port is reopened after a loss."""
        return self._port.generation

    def read(self, stable: bool = False, timeout: float | None = None) -> Reading:
        """The current weight, or with `stable` the first settled one within `timeout` (ScaleUnstable if none).

        Without `stable` the answer comes at once, moving or not; `timeout` then only bounds a slow scale.
        """
        if timeout is None:
            timeout = STABLE_TIMEOUT if stable else self.timeout
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        with self._turn():
            return self._session.read(stable, timeout)

    def next_stable(self, after: float, timeout: float,
                    until: Callable[[Reading], bool] | None = None) -> Reading:
        """The first stable reading that came in after `after` (a time.monotonic() value, e.g. a key press), on
        the port's current connection, and accepted by `until` when given.

        Nothing that had come in before `after` counts, even if read off the port later (Reading.received), nor
        anything from before the port was lost and reopened. Raises
        ScaleUnstable if no such reading came in `timeout` seconds while readings did, and at once any error the
        scale reports meanwhile (offline, overload, ...), except single damaged frames, which the next frame
        replaces.
        """
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        items: queue.SimpleQueue[Item] = queue.SimpleQueue()
        deadline = time.monotonic() + timeout
        moving = False
        damaged: ScaleProtocolError | None = None
        with self.monitor(items.put):
            while (left := deadline - time.monotonic()) > 0:
                try:
                    item = items.get(timeout=left)
                except queue.Empty:
                    break
                if isinstance(item, Reading):
                    if item.received < after or item.generation != self._port.generation:
                        continue
                    if item.stable and (until is None or until(item)):
                        return item
                    moving = True
                elif isinstance(item, ScaleProtocolError):
                    damaged = item
                else:
                    raise item
        if moving:
            raise ScaleUnstable(f"The weight is still moving after {timeout:g} s. Wait until it is steady, then "
                                "try again.")  # or, with `until`, it kept settling where it was not wanted
        if damaged is not None:
            raise damaged
        raise ScaleOffline(f"No weight came from the scale on {self.url} in {timeout:g} s.",
                           state=ScaleOffline.SILENT)

    def zero(self, timeout: float | None = None) -> None:
        with self._turn():
            self._session.zero(self.timeout if timeout is None else timeout)

    def tare(self, timeout: float | None = None) -> Reading | None:
        """Tare what is on the scale; the tare taken, when the protocol reports it. ScaleUnsupported when the
        scale takes no tare command (then `drivers.scale.tare` keeps the tare itself)."""
        with self._turn():
            return self._session.tare(self.timeout if timeout is None else timeout)

    def clear_tare(self, timeout: float | None = None) -> None:
        """Clear the scale's own tare, so it weighs gross again (ScaleUnsupported where it has no command)."""
        with self._turn():
            self._session.clear_tare(self.timeout if timeout is None else timeout)

    def monitor(self, callback: Callable[[Item], None]) -> ScaleMonitor:
        """Pass `callback` every Reading and ScaleError from now on, reconnecting by itself; `stop()` ends it.

        The callback runs on the driver's feed thread (hand it to the UI thread yourself) and must not call back
        into this Scale.
        """
        listener = ScaleMonitor(callback, self._unsubscribe)
        with self._turns:
            self._listeners = (*self._listeners, listener)
            if self._feed is None:
                self._feed = Feed(f"scale feed {self.url}", self._feed_step, self._port.seconds_until_retry,
                                  self._emit).start()
        return listener

    def stream(self) -> Iterator[Item]:
        """Readings and errors as they come, for scripts; ends the subscription when the loop ends."""
        items: queue.SimpleQueue[Item] = queue.SimpleQueue()
        with self.monitor(items.put):
            while True:
                yield items.get()

    def close(self) -> None:
        for listener in self._listeners:
            listener.stop()
        with self._lock:
            self._port.close()

    def __enter__(self) -> Scale:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Scale({self.url!r}, {self.protocol!r})"

    def _unsubscribe(self, listener: ScaleMonitor) -> None:
        with self._turns:
            self._listeners = tuple(one for one in self._listeners if one is not listener)
            feed, self._feed = (self._feed, None) if not self._listeners else (None, self._feed)
        if feed is not None:
            feed.stop()

    def _feed_step(self) -> float:
        with self._turns:
            self._turns.wait_for(lambda: not self._waiting)
        with self._lock:
            return self._session.pump()

    def _emit(self, item: Item) -> None:
        for listener in self._listeners:
            listener.deliver(item)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        with self._turns:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._turns:
                self._waiting -= 1
                self._turns.notify_all()
        try:
            yield
        finally:
            self._lock.release()


def read_once(url: str, protocol: str, stable: bool = False, timeout: float = STABLE_TIMEOUT) -> Reading:
    """One weight for `jobfloor scale read`: print it with `reading.text()`.

    Raises a ScaleError subclass (ScaleOffline, ScaleUnstable, ScaleOverload, ScaleUnderload, ScaleFault,
    ScaleBusy, ScaleProtocolError), whose str() is the message to show, and ValueError for an unknown protocol
    name or serial setting.
    """
    with Scale(url, protocol, timeout=min(timeout, 2.0)) as scale:
        return scale.read(stable=stable, timeout=timeout)

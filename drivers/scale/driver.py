"""The scale as the app sees it: read a weight, zero, tare, watch it live; reconnection is handled inside."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
        self._lock = threading.RLock()
        self._queued = 0  # threads waiting for the lock; the monitor steps aside for them
        self._queued_lock = threading.Lock()
        self._listeners: tuple[Callable[[Item], None], ...] = ()
        self._monitors: list[ScaleMonitor] = []

    @property
    def online(self) -> bool:
        return self._port.is_open

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

    def zero(self, timeout: float | None = None) -> None:
        with self._turn():
            self._session.zero(self.timeout if timeout is None else timeout)

    def tare(self, timeout: float | None = None) -> Reading | None:
        """Tare what is on the scale; the tare taken, when the protocol reports it."""
        with self._turn():
            return self._session.tare(self.timeout if timeout is None else timeout)

    def monitor(self, callback: Callable[[Item], None]) -> ScaleMonitor:
        """Start a thread that passes `callback` every Reading and ScaleError, and keeps reconnecting.

        The callback runs on a driver thread (hand it to the UI thread yourself) and must not call back into
        this Scale. Use one monitor per scale.
        """
        return ScaleMonitor(self, callback).start()

    def stream(self) -> Iterator[Item]:
        """Readings and errors as they come, for scripts; stops the monitor behind it when the loop ends."""
        items: queue.SimpleQueue[Item] = queue.SimpleQueue()
        monitor = self.monitor(items.put)
        try:
            while True:
                yield items.get()
        finally:
            monitor.stop()

    def close(self) -> None:
        for monitor in list(self._monitors):
            monitor.stop()
        with self._lock:
            self._port.close()

    def __enter__(self) -> Scale:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Scale({self.url!r}, {self.protocol!r})"

    # -- used by ScaleMonitor ----------------------------------------------------------------------------------

    def _subscribe(self, monitor: ScaleMonitor) -> None:
        with self._queued_lock:
            self._monitors.append(monitor)
            self._listeners = (*self._listeners, monitor.deliver)

    def _unsubscribe(self, monitor: ScaleMonitor) -> None:
        with self._queued_lock:
            if monitor in self._monitors:
                self._monitors.remove(monitor)
            self._listeners = tuple(cb for cb in self._listeners if cb != monitor.deliver)

    def _pump(self) -> float:
        """One monitor step, taken only when no command is waiting for the port."""
        while self._queued:
            time.sleep(0.001)
        with self._lock:
            return self._session.pump()

    def _retry_in(self) -> float:
        return self._port.seconds_until_retry()

    def _emit(self, item: Item) -> None:
        for listener in self._listeners:
            listener(item)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        with self._queued_lock:
            self._queued += 1
        try:
            self._lock.acquire()
        finally:
            with self._queued_lock:
                self._queued -= 1
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

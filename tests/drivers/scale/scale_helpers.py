"""Shared by the scale driver tests: protocol lists, short timeouts, polling with deadlines, a recording callback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from drivers.scale import Reading, ScaleError

PROTOCOLS = ("mt-sics", "sma", "toledo")
TRANSPORTS = ("pty", "socket")

# Short waits so fault tests stay fast; production defaults are 2 s and 0.2..5 s.
REPLY_TIMEOUT = 0.5
BACKOFF = (0.02, 0.1)


def wait_until(predicate: Callable[[], object], timeout: float = 3.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s")
        time.sleep(0.005)


class Recorder:
    """A monitor callback keeping every item with the time it arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: list[tuple[float, Reading | ScaleError]] = []

    def __call__(self, item: Reading | ScaleError) -> None:
        with self._lock:
            self.items.append((time.monotonic(), item))

    def mark(self) -> int:
        with self._lock:
            return len(self.items)

    def since(self, mark: int = 0) -> list[Reading | ScaleError]:
        with self._lock:
            return [item for _, item in self.items[mark:]]

    def arrivals(self, kind: type, mark: int = 0) -> list[float]:
        """When each item of `kind` arrived (time.monotonic)."""
        with self._lock:
            return [at for at, item in self.items[mark:] if isinstance(item, kind)]

    def readings(self, mark: int = 0) -> list[Reading]:
        return [item for item in self.since(mark) if isinstance(item, Reading)]

    def errors(self, kind: type[ScaleError] = ScaleError, mark: int = 0) -> list[ScaleError]:
        return [item for item in self.since(mark) if isinstance(item, kind)]

    def wait_for_reading(self, mark: int = 0, check: Callable[[Reading], bool] = lambda r: True,
                         timeout: float = 3.0) -> Reading:
        wait_until(lambda: any(check(r) for r in self.readings(mark)), timeout, "a matching reading")
        return next(r for r in self.readings(mark) if check(r))

    def wait_for_error(self, kind: type[ScaleError], mark: int = 0, timeout: float = 3.0) -> ScaleError:
        wait_until(lambda: self.errors(kind, mark), timeout, f"a {kind.__name__}")
        return self.errors(kind, mark)[0]

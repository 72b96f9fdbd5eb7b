"""The thread that keeps a scale talking while anyone listens, and keeps reopening its port when it is lost."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .errors import ScaleError, ScaleOffline
from .session import Item

log = logging.getLogger(__name__)

# Rest after an error that is not about the port, so a scale that keeps failing cannot spin a core.
_ERROR_REST = 0.05
# Rest after an error nobody expected (a bug): long enough not to flood the log.
_BUG_REST = 1.0


class Feed:
    """Runs `step` again and again on its own thread: MT-SICS via SIR, Toledo as it streams, SMA by polling W.

    `step` returns how long it may rest. While the port is gone every attempt to reopen it (0.2 s, doubling to
    5 s by default, as `retry_in` says) emits a ScaleOffline, so listeners know at once and keep knowing.
    """

    def __init__(self, name: str, step: Callable[[], float], retry_in: Callable[[], float],
                 emit: Callable[[Item], None]) -> None:
        self._step = step
        self._retry_in = retry_in
        self._emit = emit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Feed:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rest = self._step()
            except ScaleOffline as exc:
                self._emit(exc)
                rest = max(self._retry_in(), _ERROR_REST)
            except ScaleError as exc:
                self._emit(exc)
                rest = _ERROR_REST
            except Exception:
                log.exception("scale feed step failed (%s)", self._thread.name)
                rest = _BUG_REST
            if rest:
                self._stop.wait(rest)

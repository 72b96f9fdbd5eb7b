"""A background thread that keeps a scale talking and hands every reading or error to a callback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import ScaleError, ScaleOffline
from .session import Item

if TYPE_CHECKING:
    from .driver import Scale

log = logging.getLogger(__name__)

# Rest after an error that is not about the port, so a scale that keeps failing cannot spin a core.
_ERROR_REST = 0.05


class ScaleMonitor:
    """Live weights for a gauge: MT-SICS via SIR, Toledo as it streams, SMA by polling W at ~20 Hz.

    While the scale is unreachable the callback gets a ScaleOffline at every reconnect attempt (0.2 s, doubling
    to 5 s by default) and readings again once the port is back. `latest` holds the last item delivered.
    """

    def __init__(self, scale: Scale, callback: Callable[[Item], None]) -> None:
        self._scale = scale
        self._callback = callback
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.latest: Item | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> ScaleMonitor:
        if self._thread is None:
            self._scale._subscribe(self)
            self._thread = threading.Thread(target=self._run, name=f"scale monitor {self._scale.url}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._scale._unsubscribe(self)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def deliver(self, item: Item) -> None:
        self.latest = item
        try:
            self._callback(item)
        except Exception:
            log.exception("scale monitor callback failed on %r", item)

    def __enter__(self) -> ScaleMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rest = self._scale._pump()
            except ScaleOffline as exc:
                self._scale._emit(exc)
                rest = max(self._scale._retry_in(), _ERROR_REST)
            except ScaleError as exc:
                self._scale._emit(exc)
                rest = _ERROR_REST
            except Exception:
                log.exception("scale monitor step failed on %s", self._scale.url)
                rest = 1.0
            if rest:
                self._stop.wait(rest)

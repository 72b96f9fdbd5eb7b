"""One listener on a scale's live feed: every Reading and ScaleError goes to its callback.

The Scale creates these (`Scale.monitor`) and runs the thread that feeds them; a monitor knows nothing of the
Scale beyond the function that ends its subscription.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .session import Item

log = logging.getLogger(__name__)


class ScaleMonitor:
    """Live weights for a gauge. `latest` holds the last item delivered; `stop()` ends the subscription."""

    def __init__(self, callback: Callable[[Item], None], cancel: Callable[[ScaleMonitor], None]) -> None:
        self._callback = callback
        self._cancel = cancel
        self._stopped = False
        self.latest: Item | None = None

    @property
    def running(self) -> bool:
        return not self._stopped

    def deliver(self, item: Item) -> None:
        if self._stopped:
            return
        self.latest = item
        try:
            self._callback(item)
        except Exception:
            log.exception("scale monitor callback failed on %r", item)

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._cancel(self)

    def __enter__(self) -> ScaleMonitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

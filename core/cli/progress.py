"""A progress line on standard error for long commands, only when it is a terminal (a cron job's log stays clean)."""
from __future__ import annotations

import sys
import time


class ProgressLine:
    """Call it with (done, total, what); it redraws one line at most five times a second and ends it on close."""

    def __init__(self, label: str, stream=None, interval: float = 0.2):
        self.label = label
        self.stream = stream or sys.stderr
        self.interval = interval
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        pct = f" ({100 * done // total}%)" if total else ""
        self.stream.write(f"\r{self.label}: {done:,} of {total:,} {what}{pct}\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def progress_line(label: str, stream=None) -> ProgressLine | None:
    """A ProgressLine when `stream` (default standard error) is a terminal, else None (no progress shown)."""
    stream = stream or sys.stderr
    try:
        is_tty = stream.isatty()
    except (AttributeError, ValueError):
        is_tty = False
    return ProgressLine(label, stream) if is_tty else None

"""The one clock every rule reads: what day and time it is on the floor.

Nothing else in jobfloor calls `date.today()` or `datetime.now()`, so a test (or a training site) can run on a
fixed day: `JOBFLOOR_CLOCK=2026-11-25T07:00:00` starts the clock at that local time when the process starts, and
it runs on from there at the real pace (leases, back-offs and lockouts still expire). Tests set it for every
process they start, so nothing they check depends on the day they run.
"""
from __future__ import annotations

import datetime as dt
import os
import time

ENV = "JOBFLOOR_CLOCK"


class _Clock:
    def __init__(self) -> None:
        self.start: dt.datetime | None = None
        self._t0 = 0.0
        # Local time minus UTC, read once and in whole minutes (zones are): a fixed clock keeps the machine's zone.
        offset = dt.datetime.now() - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self._utc_offset = dt.timedelta(minutes=round(offset.total_seconds() / 60))
        value = os.environ.get(ENV, "").strip()
        if value:
            self.set(parse(value))

    def set(self, start: dt.datetime | None) -> None:
        """Run from `start` (local time) from now on; None goes back to the real clock."""
        self.start, self._t0 = start, time.monotonic()

    def now(self) -> dt.datetime:
        if self.start is None:
            return dt.datetime.now()
        return self.start + dt.timedelta(seconds=time.monotonic() - self._t0)


def parse(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{ENV}={value!r} is not a date and time: write it as 2026-11-25T07:00:00") from None


_clock = _Clock()


def set_clock(start: dt.datetime | None) -> None:
    _clock.set(start)


def now() -> dt.datetime:
    """Local wall time, naive: shifts, due times, job start dates."""
    return _clock.now()


def utcnow() -> dt.datetime:
    """UTC, naive: what the database stores."""
    if _clock.start is None:
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return _clock.now() - _clock._utc_offset


def today() -> dt.date:
    return now().date()

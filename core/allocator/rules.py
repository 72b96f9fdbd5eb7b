"""The default allocation rules (FEFO): the one home of which stock a job line may take and in what order.

docs/interchange.md lists the rules by number; this module states each once, and everything that chooses stock
calls it: the release and the Release screen's what-if plan (through `core.allocator.loading`), the plain-Python
reference allocator, a picker's substitute container (`core.jobs.picking`) and a kit-bin fill's suggested sources
(`core.kitbins`). The Numba kernel cannot call Python: it implements `rank_key` and `expiry_ok` over arrays, and
`tests/core/allocator` holds it to the reference, which calls them.

Dates here are day numbers (days since 1970-01-01) or dates; `NO_EXPIRY` stands for "does not expire".
"""
from __future__ import annotations

import datetime as dt

from core.qty import fmt_qty

# How the arrays encode the rules (core.allocator.arrays); plain ints, so this module needs no numpy.
NO_EXPIRY = 2**31 - 1  # the largest int32: a unit without expiry sorts after every real date
MODE_TAKE = 0  # rule 5: take units in rank order
MODE_SINGLE_LOT = 1  # rule 6: fill from one lot or not at all
REASON_COVERED = 0
REASON_SHORT = 1
REASON_NO_SINGLE_LOT = 2

# Rule 3, the parts that do not depend on the line: what a unit must be to be allocated at all.
ELIGIBLE_STATUS = "AVAILABLE"
ALLOCATABLE_ZONE = "STORE"
ACTIVE_STATE = "ACTIVE"  # in a location with stock; ISSUED units belong to a job, EMPTY ones hold nothing

NO_SINGLE_LOT = "no single lot covers the line"

_EPOCH = dt.date(1970, 1, 1).toordinal()


def day_number(d: dt.date) -> int:
    return d.toordinal() - _EPOCH


UNIT = "u"  # the name a query gives stock_unit for `unit_sql`


def unit_sql() -> str:
    """Rule 3 as an SQL condition on stock_unit, named `UNIT` in the query (the zone is the location's)."""
    return (f"{UNIT}.status = '{ELIGIBLE_STATUS}' AND {UNIT}.state = '{ACTIVE_STATE}' "
            f"AND {UNIT}.on_hand > {UNIT}.reserved")


def cutoff(start: dt.date, min_remaining_days: int | None) -> dt.date:
    """Rule 3: a unit must expire on or after the job's start date plus the item's min_remaining_days."""
    return start + dt.timedelta(days=min_remaining_days or 0)


def cutoff_day(start_day: int, min_remaining_days: int | None) -> int:
    return start_day + (min_remaining_days or 0)


def expiry_ok(expiry_day: int, cutoff_day_: int) -> bool:
    """Rule 3: no expiry, or expiring on the cut-off day or later."""
    return expiry_day == NO_EXPIRY or expiry_day >= cutoff_day_


def refusal(status: str, zone: str, state: str, expiry: dt.date | None, cut: dt.date) -> str | None:
    """Why rule 3 rules a unit out for a line, in floor words; None when it may be used."""
    if status != ELIGIBLE_STATUS:
        return f"it is {status.lower()}"
    if state != ACTIVE_STATE or zone != ALLOCATABLE_ZONE:
        return "it is not in store stock"
    if expiry is not None and expiry < cut:
        return f"it expires {expiry}: too soon for this job"
    return None


def rank_key(expiry_day: int | None, opened: bool, received_day: int, pick_seq: int, track_key) -> tuple:
    """Rule 4: expiry ascending (no expiry last), opened before unopened, received ascending, the location's
    pick_seq ascending, then the TrackID as text (`track_key`: the TrackID, or its rank among TrackIDs)."""
    none = expiry_day is None or expiry_day == NO_EXPIRY
    return (none, 0 if none else expiry_day, 0 if opened else 1, received_day, pick_seq, track_key)


def job_key(priority: int, start, job: str) -> tuple:
    """Rule 2: jobs in order of priority (lower first), start date, then job number as text."""
    return (priority, start, job)


def line_mode(single_lot: bool, held: int) -> int:
    """Rules 6 and 7: a single-lot line is filled from one lot, unless it already holds some (a top-up takes
    in rank order, from any lot the rules allow)."""
    return MODE_SINGLE_LOT if single_lot and held == 0 else MODE_TAKE


def single_lot_refusal(single_lot: bool, held_lots: set, lot) -> object | None:
    """Rule 6 for a container chosen by hand: a single-lot line stays on the lot it holds. Returns the lot to use
    instead, or None when this one is allowed."""
    held = set(held_lots) - {None}
    if single_lot and held and lot not in held:
        return next(iter(held))
    return None


def short_reason(mode_reason: int, need: int, got: int) -> str:
    """Why a line is short, in words (the release's JSON `reason`)."""
    if mode_reason == REASON_NO_SINGLE_LOT:
        return NO_SINGLE_LOT
    return f"not enough eligible stock: {fmt_qty(need - got)} short"

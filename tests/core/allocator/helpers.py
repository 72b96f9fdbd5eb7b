"""Small builders for allocator inputs: name only the fields a case is about."""
from __future__ import annotations

from core.allocator.arrays import MODE_SINGLE_LOT, MODE_TAKE, NO_EXPIRY, LineArrays, UnitArrays

DAY = 20_000  # a day number somewhere in 2024; cases count days from it


def unit(item=0, lot=-1, avail=1000, expiry=NO_EXPIRY, opened=0, received=DAY - 100, pick_seq=0,
         track_rank=None, eligible=1) -> dict:
    return dict(item=item, lot=lot, avail=avail, expiry=expiry, opened=opened, received=received,
                pick_seq=pick_seq, track_rank=track_rank, eligible=eligible)


def units(*rows: dict) -> UnitArrays:
    """UnitArrays from unit() rows; a missing track_rank is the row's position, which keeps ranks unique."""
    cols = {k: [] for k in ("item", "lot", "avail", "expiry", "opened", "received", "pick_seq", "track_rank",
                            "eligible")}
    for i, row in enumerate(rows):
        for k in cols:
            v = row[k]
            cols[k].append(i if (k == "track_rank" and v is None) else v)
    return UnitArrays(**cols)


def take(item=0, need=1000, min_expiry=DAY) -> tuple:
    """A rule-5 line."""
    return (item, need, min_expiry, MODE_TAKE)


def single(item=0, need=1000, min_expiry=DAY) -> tuple:
    """A rule-6 (single-lot) line."""
    return (item, need, min_expiry, MODE_SINGLE_LOT)


def lines(*rows: tuple) -> LineArrays:
    return LineArrays(
        item=[r[0] for r in rows],
        need=[r[1] for r in rows],
        min_expiry=[r[2] for r in rows],
        mode=[r[3] for r in rows],
    )


def takes(result, line=None) -> list[tuple[int, int]]:
    """(unit, qty) reservations of one line, or (line, unit, qty) of all, in the order made."""
    rows = list(zip(result.res_line.tolist(), result.res_unit.tolist(), result.res_qty.tolist()))
    if line is None:
        return rows
    return [(u, q) for ln, u, q in rows if ln == line]

"""From the database to the allocator's arrays, fast: columns, no model objects, no Python object per cell.

A release reads every available unit of every item its lines need (100,000 at a big site). Fetched as rows, that
is close to a million Python objects, which costs several times the query; so each column comes back as one
string (`group_concat` on SQLite, `string_agg` on PostgreSQL) that numpy splits and parses in C.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.allocator import rules
from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays
from core.allocator.rules import UNIT
from core.data.db import db, is_postgres, placeholder

# Codes (TrackIDs, items, locations) never hold a control character (the imports refuse them), so this one can
# separate them.
_SEP = "\x1f"
# Above this many items one scan of all available units and a filter in numpy beats a long IN (...) list.
ITEM_FILTER_MAX = 300


# Days since 1970-01-01 computed by the database (no date objects in Python), and one column of many rows as one
# string: codes separated by _SEP (chr 31), numbers by commas.
_PG_DAYS = "({} - DATE '1970-01-01')"
_SQLITE_DAYS = "CAST(julianday({}) - 2440587.5 AS INTEGER)"
_PG_UNITS = ("SELECT count(*), string_agg(track_id, chr(31)), string_agg(item, chr(31)), "
             "string_agg(COALESCE(lot, -1)::text, ','), string_agg((on_hand - reserved)::text, ','), "
             f"string_agg(COALESCE({_PG_DAYS.format('expiry')}, {NO_EXPIRY})::text, ','), "
             f"string_agg({_PG_DAYS.format('received')}::text, ','), string_agg(opened::int::text, ','), "
             "string_agg(location, chr(31))")
_SQLITE_UNITS = ("SELECT count(*), group_concat(track_id, char(31)), group_concat(item, char(31)), "
                 "group_concat(COALESCE(lot, -1)), group_concat(on_hand - reserved), "
                 f"group_concat(COALESCE({_SQLITE_DAYS.format('expiry')}, {NO_EXPIRY})), "
                 f"group_concat({_SQLITE_DAYS.format('received')}), group_concat(opened), "
                 "group_concat(location, char(31))")


def _ints(text: str | None, n: int) -> np.ndarray:
    out = np.fromstring(text, dtype=np.int64, sep=",") if n else np.empty(0, np.int64)
    if len(out) != n:
        raise RuntimeError(f"read {len(out)} numbers where {n} were sent")
    return out


def _codes(text: str | None, n: int) -> list[str]:
    out = text.split(_SEP) if n else []
    if len(out) != n:
        raise RuntimeError(f"read {len(out)} codes where {n} were sent: a code holds a control character")
    return out


@dataclass
class UnitTable:
    track_ids: list[str]
    arrays: UnitArrays
    lot_ids: np.ndarray  # int64, the lot's row id; -1 for none
    pick_seqs: np.ndarray  # int32

    def lot_codes(self, unit_indexes: np.ndarray) -> dict[int, str | None]:
        """Lot codes of just the units that were reserved (fetching them for every unit costs a join)."""
        units = np.unique(unit_indexes)
        ids = np.unique(self.lot_ids[units])
        ids = ids[ids >= 0].tolist()
        codes: dict[int, str] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join([placeholder()] * len(chunk))
            codes.update(db.execute_sql(f"SELECT id, code FROM lot WHERE id IN ({marks})", chunk).fetchall())
        return {u: codes.get(lot) for u, lot in zip(units.tolist(), self.lot_ids[units].tolist())}


def _empty() -> UnitTable:
    return UnitTable([], UnitArrays(*(np.empty(0) for _ in range(9))), np.empty(0, np.int64),
                     np.empty(0, np.int32))


def load_units(items: list[str], lock: bool = False) -> UnitTable:
    """The units rule 3 allows for any line (`rules.unit_sql`, in a STORE location) of the given items.

    With lock=True on PostgreSQL the rows are locked in track_id order, so concurrent releases queue instead of
    deadlocking; on SQLite the caller already holds the write lock. Locations are few: their zone and walk order
    are joined in Python rather than in SQL.
    """
    if not items:
        return _empty()
    inner = f"SELECT * FROM stock_unit {UNIT} WHERE {rules.unit_sql()}"
    params: list = []
    if len(items) <= ITEM_FILTER_MAX:
        inner += f" AND item IN ({','.join([placeholder()] * len(items))})"
        params = list(items)
    if lock and is_postgres():
        inner += " ORDER BY track_id FOR UPDATE"
    head = _PG_UNITS if is_postgres() else _SQLITE_UNITS
    n, *columns = db.execute_sql(f"{head} FROM ({inner}) {UNIT}", params).fetchone()
    if not n:
        return _empty()
    places = {code: seq for code, zone, seq in db.execute_sql("SELECT code, zone, pick_seq FROM location").fetchall()
              if zone == rules.ALLOCATABLE_ZONE}
    item_index = {code: i for i, code in enumerate(items)}
    track_ids, unit_items, lots, avail, expiries, received, opened_, location = columns
    item = np.fromiter((item_index.get(c, -1) for c in _codes(unit_items, n)), np.int64, n)
    missing = 2**40
    seq = np.fromiter((places.get(c, missing) for c in _codes(location, n)), np.int64, n)
    keep = (item >= 0) & (seq != missing)
    tids = np.array(_codes(track_ids, n))[keep]
    if not len(tids):
        return _empty()
    lot_ids = _ints(lots, n)[keep]
    _, lot_dense = np.unique(lot_ids, return_inverse=True)
    lot_dense = lot_dense.astype(np.int32) - (1 if (lot_ids == -1).any() else 0)
    lot_dense[lot_ids == -1] = -1
    # Rank track_ids by code point, the same on every database whatever its collation.
    order = np.argsort(tids, kind="stable")
    rank = np.empty(len(tids), np.int32)
    rank[order] = np.arange(len(tids), dtype=np.int32)
    seqs = seq[keep].astype(np.int32)
    arrays = UnitArrays(
        item=item[keep],
        lot=lot_dense,
        avail=_ints(avail, n)[keep],
        expiry=_ints(expiries, n)[keep],
        opened=_ints(opened_, n)[keep],
        received=_ints(received, n)[keep],
        pick_seq=seqs,
        track_rank=rank,
        eligible=np.ones(len(tids), np.uint8),
    )
    return UnitTable(tids.tolist(), arrays, lot_ids, seqs)


@dataclass
class LineRow:
    """A material line of a job as the allocator needs it, with what it already holds."""

    line_id: int
    job: str
    line: int
    item: str
    qty_reqd: int
    held: int  # reserved + net issued
    min_expiry: int
    single_lot: bool
    priority: int
    start: int


@dataclass
class LineTable:
    """Non-kit material lines as columns, in rule-2 order; `row(k)` gives one line as a LineRow."""

    line_id: np.ndarray  # int64
    job: list[str]
    line: np.ndarray  # int32
    item: list[str]
    qty_reqd: np.ndarray  # int64
    held: np.ndarray  # int64, reserved + net issued
    min_expiry: np.ndarray  # int32 day number
    single_lot: np.ndarray  # bool
    priority: np.ndarray  # int64
    start: np.ndarray  # int32 day number

    def __len__(self) -> int:
        return len(self.line_id)

    def row(self, k: int) -> LineRow:
        return LineRow(int(self.line_id[k]), self.job[k], int(self.line[k]), self.item[k], int(self.qty_reqd[k]),
                       int(self.held[k]), int(self.min_expiry[k]), bool(self.single_lot[k]), int(self.priority[k]),
                       int(self.start[k]))

    def take(self, order: np.ndarray) -> LineTable:
        """The lines in `order` (an index array)."""
        picked = order.tolist()
        return LineTable(self.line_id[order], [self.job[k] for k in picked], self.line[order],
                         [self.item[k] for k in picked], self.qty_reqd[order], self.held[order],
                         self.min_expiry[order], self.single_lot[order], self.priority[order], self.start[order])

    def need(self) -> np.ndarray:
        return np.maximum(self.qty_reqd - self.held, 0)

    def modes(self) -> np.ndarray:
        return np.fromiter((rules.line_mode(s, h) for s, h in zip(self.single_lot.tolist(), self.held.tolist())),
                           np.uint8, len(self))

    def arrays(self, item_index: dict[str, int]) -> LineArrays:
        return LineArrays(item=np.fromiter((item_index[i] for i in self.item), np.int32, len(self)),
                          need=self.need(), min_expiry=self.min_expiry, mode=self.modes())


def load_lines(jobs: list[str] | None = None, states=("IMPORTED",)) -> LineTable:
    """Non-kit lines of the named jobs (or of every job in `states`), with item rules joined in."""
    ph = placeholder()
    start = _PG_DAYS.format("j.start_date") if is_postgres() else _SQLITE_DAYS.format("j.start_date")
    sql = (f"SELECT jl.id, j.job, jl.line, jl.stock_code, jl.qty_reqd, jl.allocated + jl.issued, {start}, "
           "i.min_remaining_days, i.single_lot, j.priority "
           "FROM job_line jl JOIN job j ON j.job = jl.job JOIN item i ON i.code = jl.stock_code "
           "WHERE jl.kit_issue = " + ("false" if is_postgres() else "0"))
    params: list = []
    if jobs is not None:
        sql += f" AND j.job IN ({','.join([ph] * len(jobs))})" if jobs else " AND 1 = 0"
        params += list(jobs)
    else:
        sql += f" AND j.state IN ({','.join([ph] * len(states))})"
        params += list(states)
    rows = db.execute_sql(sql, params).fetchall()
    n = len(rows)
    cols = list(zip(*rows)) if n else [()] * 10
    starts = np.array(cols[6], np.int64)
    cutoff = np.fromiter((rules.cutoff_day(s, m) for s, m in zip(starts.tolist(), cols[7])), np.int64, n)
    table = LineTable(np.array(cols[0], np.int64), list(cols[1]), np.array(cols[2], np.int32), list(cols[3]),
                      np.array(cols[4], np.int64), np.array(cols[5], np.int64), cutoff.astype(np.int32),
                      np.array(cols[8], bool), np.array(cols[9], np.int64), starts.astype(np.int32))
    # Rule 2: jobs in order, then lines by number. A job's key is the same on each of its lines, so the jobs are
    # ranked once and the lines sorted by (job rank, line) in numpy.
    keys = {job: rules.job_key(p, s, job) for job, p, s in zip(table.job, table.priority.tolist(), starts.tolist())}
    job_rank = {job: r for r, job in enumerate(sorted(keys, key=keys.__getitem__))}
    ranks = np.fromiter((job_rank[j] for j in table.job), np.int64, n)
    return table.take(np.lexsort((table.line, ranks)))

"""Lot genealogy, read from the ledger: no second copy of the facts is kept anywhere.

What a job consumed of a lot is what was issued to it less what came back: ISSUE rows with a positive quantity
(into WIP) minus RETURN rows with a positive quantity (back to store), both carrying the job. A job's output lot
is fixed at release (Job.output_lot, Lot.made_by_job). Forward follows a lot into the jobs that consumed it and on
through their output lots; backward follows the job that made a lot back to its component lots.

Kit-issued items are drawn from a floor bin, not from a lot, so for them the answer is a window: from the first
ledger row that put the lot into a bin until the lot's balance in that bin reached zero (or still open), every
job that drew from the bin in that window *may* contain the lot.

Each level of a trace is one query over a batch of lots or jobs, so a deep trace costs a few index lookups per
level, not one per lot.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.data.db import db, is_postgres, placeholder
from core.data.models import Item
from core.trace.lookup import resolve
from core.trace.result import JobInfo, KitLot, KitWindow, Link, LotKey, TraceResult, Where, as_datetime

MAX_DEPTH = 50  # a genealogy deeper than this is a loop in the data, not a bill of materials
# SQLite (3.40 here) stops driving the index from a VALUES list of 200 rows or more and gets ~50x slower, so a
# batch of lots is cut below that; PostgreSQL's arrays have no such edge.
_CHUNK = 150

def _chunks(seq: list, size: int | None = None):
    size = size or (5000 if is_postgres() else _CHUNK)
    for k in range(0, len(seq), size):
        yield seq[k:k + size]


# --- the ledger queries ------------------------------------------------------------------------------------------

def _lots_cte(pairs: list[LotKey]) -> tuple[str, list]:
    """`lots(item, lot)` as a CTE, to join the ledger to a batch of lots in one index-driven query.

    PostgreSQL takes the batch as two arrays (one small plan whatever the batch size); SQLite as VALUES rows.
    """
    if is_postgres():
        return ("lots(item, lot) AS (SELECT * FROM unnest(%s::text[], %s::text[]))",
                [[i for i, _ in pairs], [c for _, c in pairs]])
    return (f"lots(item, lot) AS (VALUES {','.join(['(?, ?)'] * len(pairs))})", [v for pair in pairs for v in pair])


def _consumers(lots: list[LotKey]) -> dict[LotKey, dict[str, tuple[int, str, str | None]]]:
    """For each lot: the jobs that consumed it, net of returns, with the item and lot each job makes."""
    out: dict[LotKey, dict[str, tuple[int, str, str | None]]] = defaultdict(dict)
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT m.item, m.lot, m.job, "
               "SUM(CASE WHEN m.kind = 'ISSUE' THEN m.qty ELSE -m.qty END), j.stock_code, j.output_lot "
               "FROM lots JOIN movement m ON m.item = lots.item AND m.lot = lots.lot "
               "LEFT JOIN job j ON j.job = m.job "
               "WHERE m.kind IN ('ISSUE', 'RETURN') AND m.qty > 0 AND m.job IS NOT NULL "
               "GROUP BY m.item, m.lot, m.job, j.stock_code, j.output_lot")
        for item, lot, job, net, out_item, out_lot in db.execute_sql(sql, params).fetchall():
            if int(net) > 0:
                out[(item, lot)][job] = (int(net), out_item or "", out_lot)
    return out


def _components(jobs: list[str]) -> dict[str, list[tuple[str, str, int, str | None]]]:
    """For each job: the component lots it consumed, net of returns, and the job that made each (if any)."""
    out: dict[str, list[tuple[str, str, int, str | None]]] = defaultdict(list)
    ph = placeholder()
    for part in _chunks(jobs):
        sql = ("SELECT m.job, m.item, m.lot, SUM(CASE WHEN m.kind = 'ISSUE' THEN m.qty ELSE -m.qty END), "
               "lt.made_by_job FROM movement m LEFT JOIN lot lt ON lt.item = m.item AND lt.code = m.lot "
               f"WHERE m.job IN ({','.join([ph] * len(part))}) AND m.kind IN ('ISSUE', 'RETURN') AND m.qty > 0 "
               "AND m.lot IS NOT NULL GROUP BY m.job, m.item, m.lot, lt.made_by_job")
        for job, item, lot, net, maker in db.execute_sql(sql, part).fetchall():
            if int(net) > 0:
                out[job].append((item, lot, int(net), maker))
    return out


def _makers(lots: list[LotKey]) -> dict[LotKey, str]:
    out = {}
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT lt.item, lt.code, lt.made_by_job FROM lots "
               "JOIN lot lt ON lt.item = lots.item AND lt.code = lots.lot WHERE lt.made_by_job IS NOT NULL")
        for item, code, job in db.execute_sql(sql, params).fetchall():
            out[(item, code)] = job
    return out


def _job_info(jobs) -> dict[str, JobInfo]:
    out = {}
    ph = placeholder()
    for part in _chunks(sorted(set(jobs))):
        sql = ("SELECT job, description, stock_code, output_lot, state, start_date, completed_at FROM job "
               f"WHERE job IN ({','.join([ph] * len(part))})")
        for job, desc, item, lot, state, start, done in db.execute_sql(sql, part).fetchall():
            out[job] = JobInfo(job, desc, item, lot, state, _day(start), as_datetime(done))
    return out


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _forward(root: LotKey) -> list[Link]:
    links = []
    seen = {root}
    level = [root]
    depth = 1
    while level and depth <= MAX_DEPTH:
        used = _consumers(level)
        nxt = []
        for lot in level:
            for job, (qty, out_item, out_lot) in sorted(used.get(lot, {}).items()):
                links.append(Link(depth, job, out_item, out_lot, qty, lot))
                if out_lot is not None and (out_item, out_lot) not in seen:
                    seen.add((out_item, out_lot))
                    nxt.append((out_item, out_lot))
        level, depth = nxt, depth + 1
    return links


def _backward(root: LotKey, maker: str | None) -> tuple[list[Link], list[tuple[int, str]]]:
    links = []
    made_here: list[tuple[int, str]] = []  # (depth, job) of every job in the backward tree
    seen = {root}
    level: list[tuple[LotKey, str]] = [(root, maker)] if maker else []
    depth = 1
    while level and depth <= MAX_DEPTH:
        made_here += [(depth, job) for _, job in level]
        parts = _components([job for _, job in level])
        nxt = []
        for lot, job in level:
            for item, code, qty, made_by in sorted(parts.get(job, []), key=lambda p: p[:3]):
                links.append(Link(depth, job, item, code, qty, lot))
                if (item, code) not in seen:
                    seen.add((item, code))
                    if made_by:
                        nxt.append(((item, code), made_by))
        level = nxt
        depth += 1
    return links, made_here


def _kit_windows(root: LotKey) -> list[tuple[str, dt.datetime, dt.datetime | None, object, object]]:
    """The spans the lot spent in kit bins: (bin, from, to, raw from, raw to)."""
    ph = placeholder()
    sql = ("SELECT m.location, m.at, m.qty FROM movement m JOIN location l ON l.code = m.location "
           f"WHERE m.item = {ph} AND m.lot = {ph} AND l.zone = 'KITBIN' ORDER BY m.location, m.at, m.id")
    spans = []
    balance: dict[str, int] = {}
    opened: dict[str, object] = {}
    for loc, at, qty in db.execute_sql(sql, list(root)).fetchall():
        before = balance.get(loc, 0)
        balance[loc] = before + int(qty)
        if before <= 0 < balance[loc]:
            opened[loc] = at
        elif before > 0 >= balance[loc] and loc in opened:
            start = opened.pop(loc)
            spans.append((loc, as_datetime(start), as_datetime(at), start, at))
    for loc, start in opened.items():
        spans.append((loc, as_datetime(start), None, start, None))
    return sorted(spans, key=lambda s: (s[0], s[1]))


def _kit_bins(root: LotKey) -> list[KitWindow]:
    ph = placeholder()
    out = []
    for loc, start, end, raw_start, raw_end in _kit_windows(root):
        sql = (f"SELECT DISTINCT job FROM movement WHERE location = {ph} AND kind = 'CONSUME' AND at >= {ph} "
               "AND job IS NOT NULL")
        params = [loc, raw_start]
        if raw_end is not None:
            sql += f" AND at <= {ph}"
            params.append(raw_end)
        for (job,) in sorted(db.execute_sql(sql, params).fetchall()):
            out.append(KitWindow(job, loc, start, end))
    return out


def _kit_lots(jobs: list[tuple[int, str]]) -> list[KitLot]:
    """For each job of the backward tree that drew from a kit bin: the lots in that bin at the time."""
    if not jobs:
        return []
    ph = placeholder()
    depth_of = {}
    for depth, job in jobs:
        depth_of.setdefault(job, depth)
    out = set()
    for part in _chunks(list(depth_of)):
        sql = ("SELECT m.job, m.location, m.item, m.lot, MIN(m.at) FROM movement m "
               "JOIN location l ON l.code = m.location "
               f"WHERE m.job IN ({','.join([ph] * len(part))}) AND m.kind = 'CONSUME' AND l.zone = 'KITBIN' "
               "GROUP BY m.job, m.location, m.item, m.lot")
        draws = db.execute_sql(sql, part).fetchall()
        firsts: dict[tuple[str, str, str], object] = {}
        for job, loc, item, lot, at in draws:
            key = (job, loc, item)
            if key not in firsts or as_datetime(at) < as_datetime(firsts[key]):
                firsts[key] = at
            if lot is not None:  # the units drawn carried this lot: it was certainly in the bin
                out.add(KitLot(depth_of[job], job, loc, item, lot))
        for (job, loc, item), at in firsts.items():
            sql = (f"SELECT lot FROM movement WHERE location = {ph} AND item = {ph} AND at < {ph} "
                   "AND lot IS NOT NULL GROUP BY lot HAVING SUM(qty) > 0")
            for (lot,) in db.execute_sql(sql, [loc, item, at]).fetchall():
                out.add(KitLot(depth_of[job], job, loc, item, lot))
    return sorted(out, key=lambda k: (k.depth, k.job, k.location, k.item, k.lot))


def whereabouts(lots: list[LotKey]) -> dict[LotKey, Where]:
    """Where each lot is now: on hand by zone (held stock apart) and what jobs consumed."""
    out = {lot: Where() for lot in lots}
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT lt.item, lt.code, u.location, l.zone, u.status, SUM(u.on_hand) FROM lots "
               "JOIN lot lt ON lt.item = lots.item AND lt.code = lots.lot "
               "JOIN stock_unit u ON u.lot = lt.id JOIN location l ON l.code = u.location "
               "WHERE u.on_hand > 0 GROUP BY lt.item, lt.code, u.location, l.zone, u.status "
               "ORDER BY u.location")
        for item, code, loc, zone, status, qty in db.execute_sql(sql, params).fetchall():
            w, q = out[(item, code)], int(qty)
            w.places.append((loc, zone, status, q))
            if status != "AVAILABLE" or zone == "QUARANTINE":
                w.held += q
            elif zone == "STORE":
                w.store += q
            elif zone == "WIP":
                w.wip += q
            elif zone == "KITBIN":
                w.kitbin += q
            else:
                w.dispatch += q
        # Used up = issued to jobs net of returns, less what is still in WIP, plus what jobs drew from kit bins.
        # (A return takes the whole container out of WIP and puts back only what was left, so the job's use is
        # not a CONSUME row of its own.)
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT m.item, m.lot, SUM(CASE WHEN m.kind = 'ISSUE' AND m.qty > 0 THEN m.qty "
               "WHEN m.kind = 'RETURN' AND m.qty > 0 THEN -m.qty "
               "WHEN m.kind = 'CONSUME' AND l.zone = 'KITBIN' THEN -m.qty ELSE 0 END) "
               "FROM lots JOIN movement m ON m.item = lots.item AND m.lot = lots.lot "
               "JOIN location l ON l.code = m.location "
               "WHERE m.kind IN ('ISSUE', 'RETURN', 'CONSUME') GROUP BY m.item, m.lot")
        for item, code, qty in db.execute_sql(sql, params).fetchall():
            w = out[(item, code)]
            w.consumed = max(0, int(qty or 0) - w.wip - sum(q for _l, z, s, q in w.places
                                                             if z == "WIP" and s != "AVAILABLE"))
    return out


def trace(lot: str, item: str | None = None, *, where: bool = True) -> TraceResult:
    """Forward and backward genealogy of a lot (or of the lot of a TrackID or SSCC), with kit-bin windows.

    With where=False only the genealogy is read (what `jobfloor trace --json` prints); with it, also the jobs'
    dates and where every lot reached is now, for the screen and the recall report.
    """
    root = resolve(lot, item)
    maker = _makers([root]).get(root)
    forward = _forward(root)
    backward, made = _backward(root, maker)
    result = TraceResult(root[0], root[1], maker, forward, backward, _kit_bins(root), _kit_lots(made))
    if not where:
        return result
    result.jobs = _job_info([x.job for x in forward + backward] + [k.job for k in result.kit_bins]
                            + [k.job for k in result.kit_lots] + ([maker] if maker else []))
    lots = result.lots()
    result.where = whereabouts(lots)
    result.uoms = {i.code: i.uom for i in Item.select(Item.code, Item.uom)
                   .where(Item.code.in_({i for i, _ in lots}))}
    return result

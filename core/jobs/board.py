"""The supervisor's job board: every released job with due time, assignee, progress, shortages and state."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from core import clock
from core.clock import utcnow
from core.data.models import Job, JobLine, Lot, PickTask, StockUnit
from core.data.setting_store import setting

STATES = ("LATE", "AT RISK", "SHORT", "PICKING", "NOT STARTED", "PICKED", "CLOSED SHORT")
#: A job completed short stays on the board this long, so the shift sees it and why (JobLine.short_reason).
CLOSED_SHORT_HOURS = 24


@dataclass(frozen=True)
class BoardRow:
    job: str
    description: str
    area: str
    due: dt.datetime
    assignee: str | None
    assignee_kind: str | None
    lines_done: int
    lines_total: int
    kg_done: int
    kg_total: int
    short_lines: int
    state: str

    @property
    def progress(self) -> float:
        return self.lines_done / self.lines_total if self.lines_total else 1.0


def due_time(start: dt.date) -> dt.datetime:
    """Material must be at the line when the job's shift starts: JobStartDate at the shift start (local time)."""
    hh, mm = (int(x) for x in setting("shift_start").split(":"))
    return dt.datetime.combine(start, dt.time(hh, mm))


def _state(row: BoardRow, now: dt.datetime) -> str:
    if row.lines_done == row.lines_total:
        return "PICKED"
    if now > row.due:
        return "LATE"
    hours_left = (row.due - now).total_seconds() / 3600
    if hours_left < float(setting("at_risk_hours")) and row.progress < 0.5:
        return "AT RISK"
    if row.short_lines:
        return "SHORT"
    return "PICKING" if row.lines_done else "NOT STARTED"


def board(now: dt.datetime | None = None) -> list[BoardRow]:
    """One query for the lines, one pass in Python: cheap enough to redo on every change from another terminal."""
    now = now or clock.now()
    since = utcnow() - dt.timedelta(hours=CLOSED_SHORT_HOURS)
    jobs = {j.job: j for j in Job.select().where(
        (Job.state == "RELEASED") | ((Job.state == "COMPLETED") & Job.closed_short.is_null(False)
                                     & (Job.completed_at >= since)))}
    if not jobs:
        return []
    lines = (JobLine.select(JobLine.job, JobLine.qty_reqd, JobLine.issued, JobLine.uom, JobLine.short_reason,
                            JobLine.kit_issue)
             .where(JobLine.job.in_(list(jobs)) & (JobLine.kit_issue == False)).tuples())  # noqa: E712
    agg: dict[str, list[int]] = {code: [0, 0, 0, 0, 0] for code in jobs}
    for job, reqd, issued, uom, short, _kit in lines:
        a = agg[job]
        a[1] += 1
        done = issued >= reqd
        a[0] += 1 if done else 0
        if uom.upper() == "KG":
            a[2] += min(issued, reqd)
            a[3] += reqd
        a[4] += 1 if (short and not done) else 0
    out = []
    for code, j in jobs.items():
        a = agg[code]
        row = BoardRow(code, j.description, j.area, due_time(j.start_date), j.assignee, j.assignee_kind,
                       a[0], a[1], a[2], a[3], a[4], "")
        state = "CLOSED SHORT" if j.state == "COMPLETED" else _state(row, now)
        out.append(BoardRow(**{**row.__dict__, "state": state}))
    out.sort(key=lambda r: (STATES.index(r.state), r.due, r.job))
    return out


def job_detail(job: str) -> list[dict]:
    """Drill-down: each line and who picked what and when."""
    out = []
    for ln in JobLine.select().where(JobLine.job == job).order_by(JobLine.line):
        picks = (PickTask.select(PickTask, StockUnit, Lot)
                 .join(StockUnit, on=(PickTask.unit == StockUnit.track_id))
                 .join(Lot, JOIN.LEFT_OUTER, on=(StockUnit.lot == Lot.id))
                 .where(PickTask.job_line == ln.id).order_by(PickTask.picked_at, PickTask.id))
        out.append({"line": ln.line, "item": ln.item_id, "required": ln.qty_reqd, "issued": ln.issued,
                    "uom": ln.uom, "kit_issue": ln.kit_issue, "short": ln.short_reason,
                    "picks": [{"track_id": p.unit_id, "lot": p.unit.lot.code if p.unit.lot_id else None,
                               "qty": p.picked or p.qty, "state": p.state, "by": p.picked_by, "at": p.picked_at,
                               "reason": p.reason} for p in picks]})
    return out



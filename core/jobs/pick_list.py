"""What a picker sees: released jobs with open picks, and the next task in walk order."""
from __future__ import annotations

from dataclasses import dataclass, replace

from peewee import JOIN, fn

from core.data.models import Item, Job, JobLine, Location, Lot, PickTask, Reservation, StockUnit, User
from core.jobs import tolerance
from core.jobs.assignment import is_mine


@dataclass(frozen=True)
class JobToPick:
    job: str
    description: str
    start: object
    priority: int
    open_tasks: int
    assignee: str | None
    short_lines: int = 0


@dataclass(frozen=True)
class Task:
    id: int
    job: str
    line: int
    item: str
    description: str
    uom: str
    weighed: bool
    tolerance_milli_pct: int
    track_id: str
    location: str
    lot: str | None
    target: int  # what is left to take from this container for this line
    unit_on_hand: int
    tare: int
    low: int
    high: int

    @property
    def whole_container(self) -> bool:
        """The container holds exactly what is wanted: take it as it is, nothing to dispense."""
        return self.unit_on_hand == self.target

    def as_state(self) -> dict:
        return {"job": self.job, "task": self.id}


def jobs_to_pick(user: str | None = None, area: str | None = None, station: str | None = None) -> list[JobToPick]:
    """Released jobs with open picks: assigned to this picker (or their team or station) first, then free ones.

    Jobs assigned to someone else are left out: they are that person's work.
    """
    rows = (Job.select(Job.job, Job.description, Job.start_date, Job.priority, Job.assignee, Job.assignee_kind,
                       fn.COUNT(PickTask.id).alias("n"))
            .join(JobLine, on=(JobLine.job == Job.job))
            .join(PickTask, on=(PickTask.job_line == JobLine.id))
            .where((Job.state == "RELEASED") & (PickTask.state == "OPEN"))
            .group_by(Job.job, Job.description, Job.start_date, Job.priority, Job.assignee, Job.assignee_kind))
    if area:
        rows = rows.where((Job.area == area) | (Job.area == ""))
    team = User.select(User.team).where(User.code == user).scalar() if user else None
    out = []
    for r in rows:
        if not is_mine(r.assignee_kind, r.assignee, user, team, station):
            continue
        out.append(JobToPick(r.job, r.description, r.start_date, r.priority, r.n, r.assignee))
    shorts = dict(JobLine.select(JobLine.job, fn.COUNT(JobLine.id))
                  .where(JobLine.job.in_([j.job for j in out]) & JobLine.short_reason.is_null(False)
                         & (JobLine.short_reason != "") & (JobLine.issued < JobLine.qty_reqd))
                  .group_by(JobLine.job).tuples()) if out else {}
    out = [replace(j, short_lines=shorts.get(j.job, 0)) for j in out]
    out.sort(key=lambda j: (0 if j.assignee else 1, j.priority, j.start, j.job))
    return out


def _tasks_query():
    return (PickTask.select(PickTask, JobLine, Item, StockUnit, Location, Lot)
            .join(JobLine).join(Item, on=(JobLine.item == Item.code))
            .switch(PickTask).join(StockUnit, on=(PickTask.unit == StockUnit.track_id))
            .join(Location, on=(StockUnit.location == Location.code))
            .switch(StockUnit).join(Lot, JOIN.LEFT_OUTER, on=(StockUnit.lot == Lot.id))
            .where(PickTask.state == "OPEN"))


def _task(t: PickTask) -> Task:
    item, unit = t.job_line.item, t.unit
    target = t.qty - t.picked
    mine = Reservation.select(Reservation.qty).where((Reservation.job_line == t.job_line_id)
                                                     & (Reservation.unit == unit.track_id)).scalar() or 0
    low, high = tolerance.pick_band(target, item.weighed, item.tolerance_milli_pct, unit.on_hand - unit.reserved + mine)
    return Task(t.id, t.job_line.job_id, t.job_line.line, item.code, item.description, item.uom, item.weighed,
                item.tolerance_milli_pct, unit.track_id, unit.location_id, unit.lot.code if unit.lot_id else None,
                target, unit.on_hand, unit.tare_milli_kg, low, high)


def open_tasks(job: str) -> list[Task]:
    """The job's open picks in walk order: location pick sequence, then TrackID."""
    rows = _tasks_query().where(JobLine.job == job).order_by(PickTask.seq, JobLine.line, PickTask.unit)
    return [_task(t) for t in rows]


def short_lines(job: str) -> list[str]:
    """The job's lines left short by a short pick and not made up since, in floor words."""
    rows = (JobLine.select(JobLine.line, JobLine.item, JobLine.short_reason)
            .where((JobLine.job == job) & JobLine.short_reason.is_null(False) & (JobLine.short_reason != "")
                   & (JobLine.issued < JobLine.qty_reqd)).order_by(JobLine.line))
    return [f"line {r.line} {r.item_id}: {r.short_reason}" for r in rows]


def task_by_id(task_id: int) -> Task | None:
    row = _tasks_query().where(PickTask.id == task_id).first()
    return _task(row) if row else None


def unit_for_scan(track_id: str | None, gtin: str | None, lot: str | None, task: Task) -> str | None:
    """The TrackID a scan points at: the TrackID itself, or the container of the GTIN and lot scanned."""
    if track_id:
        return track_id
    if not gtin:
        return None
    item = Item.get_or_none(Item.gtin == gtin)
    if item is None or item.code != task.item:
        return None
    if lot == task.lot or (lot is None and task.lot is None):
        return task.track_id
    unit = (StockUnit.select().join(Lot, JOIN.LEFT_OUTER, on=(StockUnit.lot == Lot.id))
            .where((StockUnit.item == item.code) & (Lot.code == lot) & (StockUnit.state == "ACTIVE"))
            .order_by(StockUnit.track_id).first())
    return unit.track_id if unit else None

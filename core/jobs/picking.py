"""Picking: confirm what was taken from a container for a job line, in one transaction.

A pick moves stock from its store location into the job's WIP location: the whole container when all of it is
taken, else a new dispensed portion with its own TrackID and the same lot. The reservation is consumed, the task
done, the ERP gets a PostMaterial and the audit trail an event. The Pick screen and `jobfloor pick` both call this.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from core import clock
from core.allocator import rules
from core.clock import utcnow
from core.data.db import locked, retrying, write_txn
from core.data.models import AuditEvent, Item, Job, JobLine, Location, Lot, PickTask, Reservation, StockUnit
from core.data.schema import setting
from core.data.serials import new_track_id
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import reservations, tolerance
from core.labels.kinds import TRACKID
from core.labels.queue import enqueue, trackid_label_content
from core.qty import fmt_qty, fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.stock import ledger

REASONS = {
    "DAMAGED": "suggested container damaged",
    "NOT_FOUND": "suggested container not at its location",
    "CLOSER": "another eligible container is closer",
    "OPENED": "use up an opened container first",
    "QUALITY": "quality concern with the suggested container",
}
SHORT_REASONS = {
    "NO_STOCK": "nothing left at the location",
    "DAMAGED": "stock damaged",
    "SCALE": "could not weigh the rest",
    "OTHER": "other",
}


@dataclass
class PickResult:
    job: str
    line: int
    item: str
    source: str
    portion: str  # the TrackID that now holds the picked stock in WIP (the source itself for a whole container)
    qty: int
    lot: str | None
    line_done: bool
    posting: str
    repeated: bool = False

    def text(self) -> str:
        return (f"Picked {fmt_short(self.qty)} {self.item} from {self.source}"
                + (f" into {self.portion}" if self.portion != self.source else "") + f" for job {self.job}")


def wip_location(job: Job) -> str:
    code = setting(f"wip_location.{job.warehouse}")
    if code:
        return code
    loc = Location.select().where(Location.zone == "WIP").order_by(Location.pick_seq, Location.code).first()
    if loc is None:
        raise BusinessRefusal("there is no WIP location to issue to: ask a supervisor to import one")
    return loc.code


def _previous(request_id: str | None):
    if not request_id:
        return None
    return AuditEvent.get_or_none((AuditEvent.subject == request_id) & (AuditEvent.action == "pick"))


def _check_substitute(line: JobLine, job: Job, unit: StockUnit, item: Item, zone: str) -> None:
    """Another container than the suggested one: it must be one the allocation rules would allow."""
    why = rules.refusal(unit.status, zone, unit.state, unit.expiry, rules.cutoff(job.start_date,
                                                                                  item.min_remaining_days))
    if why:
        raise BusinessRefusal(f"TrackID {unit.track_id} cannot be used: {why}. Use the suggested one")
    if item.single_lot:
        held = {r.unit.lot_id for r in Reservation.select(Reservation, StockUnit).join(StockUnit)
                .where(Reservation.job_line == line.id)}
        held |= {u.lot_id for u in StockUnit.select().where((StockUnit.job == job.job) & (StockUnit.item == item.code))}
        other = rules.single_lot_refusal(True, held, unit.lot_id)
        if other is not None:
            lot = Lot.get_by_id(other).code
            raise BusinessRefusal(f"{item.code} must come from one lot for this line: use a container of lot {lot}")


def _move_to_substitute(actor: Actor, line: JobLine, job: Job, unit: StockUnit, item: Item, zone: str,
                        reason: str | None, qty: int) -> tuple[PickTask, Reservation]:
    """Another container than the suggested one: allowed when the rules allow it, with a reason code; the open
    task and its reservation move to the container actually used."""
    job_no, line_no, track_id = job.job, line.line, unit.track_id
    task = PickTask.select().where((PickTask.job_line == line.id) & (PickTask.state == "OPEN")).order_by(
        PickTask.seq).first()
    if task is None:
        raise BusinessRefusal(f"line {line_no} of job {job_no} has nothing left to pick")
    if not reason:
        raise UserInputError(f"TrackID {track_id} is not the suggested container: give a reason code "
                             f"({', '.join(REASONS)})")
    if reason not in REASONS:
        raise UserInputError(f"unknown reason '{reason}': use one of {', '.join(REASONS)}")
    _check_substitute(line, job, unit, item, zone)
    suggested = task.unit_id
    task, reservation = reservations.move(line, task, unit, qty, item.uom)
    PickTask.update(reason=reason).where(PickTask.id == task.id).execute()
    record(actor, "pick.substitute", f"{job_no}/{line_no}", suggested=suggested, used=track_id, reason=reason)
    return task, reservation


def _checked(job_no: str, line_no: int, track_id: str, qty: int) -> tuple[JobLine, Job, StockUnit, Item, str]:
    """The line and the container, locked, with every refusal that does not depend on the line's tasks."""
    line = locked(JobLine.select().where((JobLine.job == job_no) & (JobLine.line == line_no))).first()
    if line is None:
        raise NotFound(f"job {job_no} has no line {line_no}")
    job = Job.get(Job.job == job_no)
    if job.state != "RELEASED":
        raise BusinessRefusal(f"job {job_no} is {job.state.lower()}: only released jobs are picked")
    if line.kit_issue:
        raise BusinessRefusal(f"line {line_no} ({line.item_id}) is kit-issued from the floor bin: not picked")
    unit = locked(StockUnit.select().where(StockUnit.track_id == track_id)).first()
    if unit is None:
        raise NotFound(f"TrackID {track_id} is not known: scan the container's label again")
    item = Item.get(Item.code == line.item_id)
    if unit.item_id != item.code:
        raise BusinessRefusal(f"TrackID {track_id} holds {unit.item_id}, not {item.code}: take the right "
                              "container")
    if unit.status != rules.ELIGIBLE_STATUS:
        raise BusinessRefusal(f"TrackID {track_id} is on {unit.status.lower()}: take it back to quarantine "
                              "and scan another")
    zone = Location.get(Location.code == unit.location_id).zone
    if unit.state != rules.ACTIVE_STATE or zone != rules.ALLOCATABLE_ZONE:
        raise BusinessRefusal(f"TrackID {track_id} is not in store stock (it is in {unit.location_id}): "
                              "scan a container from the store")
    if qty <= 0:
        raise UserInputError("the quantity must be above zero")
    return line, job, unit, item, zone


def _issue(actor: Actor, unit: StockUnit, item: Item, qty: int, job: Job, line_no: int) -> tuple[str, object]:
    """Move what was picked into the job's WIP location: the whole container, which keeps its TrackID, or a
    dispensed portion with a TrackID of its own and the same lot. Returns the TrackID in WIP and its movement."""
    wip = wip_location(job)
    if qty == unit.on_hand:
        _out, into = ledger.relocate(unit, wip, "ISSUE", actor, job=job.job, line=line_no, ref=unit.track_id)
        StockUnit.update(state="ISSUED", job=job.job).where(StockUnit.track_id == unit.track_id).execute()
        return unit.track_id, into
    portion_id = new_track_id()
    StockUnit.update(opened=True).where(StockUnit.track_id == unit.track_id).execute()
    ledger.post(unit, -qty, "PICK", actor, job=job.job, line=line_no, ref=portion_id)
    portion = StockUnit.create(track_id=portion_id, item=item.code, lot=unit.lot_id, location=wip, on_hand=0,
                               status="AVAILABLE", state="ISSUED", expiry=unit.expiry, received=clock.today(),
                               parent=unit.track_id, job=job.job, opened=True)
    return portion_id, ledger.post(portion, qty, "ISSUE", actor, job=job.job, line=line_no, ref=unit.track_id)


def _confirm(actor: Actor, job_no: str, line_no: int, track_id: str, qty: int, reason: str | None,
             request_id: str | None, weighed: dict | None, label: bool) -> PickResult:
    with write_txn():
        earlier = _previous(request_id)
        if earlier is not None:
            d = json.loads(earlier.detail)
            return PickResult(d["job"], d["line"], d["item"], d["source"], d["portion"], d["qty"], d["lot"],
                              d["line_done"], d["posting"], repeated=True)
        line, job, unit, item, zone = _checked(job_no, line_no, track_id, qty)
        task = PickTask.select().where((PickTask.job_line == line.id) & (PickTask.unit == track_id)
                                       & (PickTask.state == "OPEN")).first()
        reservation = reservations.held(line.id, track_id)
        if task is None:
            task, reservation = _move_to_substitute(actor, line, job, unit, item, zone, reason, qty)
        target = task.qty - task.picked
        reserved_here = reservation.qty if reservation else 0
        tolerance.check_pick(qty, target, item.weighed, item.tolerance_milli_pct, item.uom, track_id,
                             unit.on_hand - (unit.reserved - reserved_here))
        # A weighed pick inside the band finishes the task; a count below the target leaves it open for the rest.
        done = item.weighed or qty >= target
        reservations.consume(line, reservation, unit, min(reserved_here, target if done else qty), issued=qty)
        source = unit.location_id  # the bin the ERP posting names, before the unit moves
        portion_id, issue_move = _issue(actor, unit, item, qty, job, line_no)
        PickTask.update(state="DONE" if done else "OPEN", picked=task.picked + qty, picked_by=actor.user,
                        picked_at=utcnow()).where(PickTask.id == task.id).execute()
        line_done = not PickTask.select().where((PickTask.job_line == line.id) & (PickTask.state == "OPEN")).exists()
        lot = unit.lot.code if unit.lot_id else None
        posting = add_posting(issue_move, job=job_no, line=line_no, warehouse=line.warehouse, qty=qty, lot=lot,
                              reference=track_id, kind="PICK", bin=source)
        if label:
            enqueue(TRACKID, trackid_label_content(StockUnit.get(StockUnit.track_id == portion_id)),
                    station=actor.station, job=job_no, track_id=portion_id, user=actor.user)
        record(actor, "pick", request_id or f"{job_no}/{line_no}", job=job_no, line=line_no, item=item.code,
               source=track_id, portion=portion_id, qty=qty, lot=lot, line_done=line_done, posting=posting.key,
               weighed=weighed or {})
    return PickResult(job_no, line_no, item.code, track_id, portion_id, qty, lot, line_done, posting.key)


def confirm_pick(actor: Actor, job: str, line: int, track_id: str, qty: int, *, reason: str | None = None,
                 request_id: str | None = None, weighed: dict | None = None, label: bool = True) -> PickResult:
    """Confirm a pick. `request_id` makes a repeated confirmation (a double Enter, a retry) do nothing twice."""
    require(actor, "pick")
    return retrying(_confirm, actor, job, line, (track_id or "").strip(), qty, reason, request_id, weighed, label)


def short_pick(actor: Actor, job: str, line: int, track_id: str, reason: str) -> None:
    """Nothing (more) can be taken from this container: record why, give back its reservation, keep the line open."""
    require(actor, "pick")
    if reason not in SHORT_REASONS:
        raise UserInputError(f"unknown reason '{reason}': use one of {', '.join(SHORT_REASONS)}")
    retrying(_short, actor, job, line, track_id, reason)


def _short(actor: Actor, job: str, line: int, track_id: str, reason: str) -> None:
    with write_txn():
        ln = locked(JobLine.select().where((JobLine.job == job) & (JobLine.line == line))).first()
        if ln is None:
            raise NotFound(f"job {job} has no line {line}")
        task = PickTask.select().where((PickTask.job_line == ln.id) & (PickTask.unit == track_id)
                                       & (PickTask.state == "OPEN")).first()
        if task is None:
            raise NotFound(f"no open pick of {track_id} on line {line} of job {job}")
        given = sum(r.qty for r in reservations.give_back([ln.id], track_id))
        PickTask.update(state="SHORT", reason=reason, picked_by=actor.user, picked_at=utcnow()).where(
            PickTask.id == task.id).execute()
        missing = ln.qty_reqd - ln.issued - (ln.allocated - given)
        JobLine.update(short_reason=f"short pick: {SHORT_REASONS[reason]} ({fmt_qty(missing)} missing)").where(
            JobLine.id == ln.id).execute()
        record(actor, "pick.short", f"{job}/{line}", track_id=track_id, reason=reason, released=given)

"""Picking: confirm what was taken from a container for a job line, in one transaction.

A pick moves stock from its store location into the job's WIP location: the whole container when all of it is
taken, else a new dispensed portion with its own TrackID and the same lot. The reservation is consumed, the task
done, the ERP gets a PostMaterial and the audit trail an event. The Pick screen and `jobfloor pick` both call this.
"""
from __future__ import annotations

from dataclasses import dataclass

from core import clock
from core.allocator.loading import day_number
from core.data.db import locked, retrying, write_txn
from core.data.models import AuditEvent, Item, Job, JobLine, Location, Lot, PickTask, Reservation, StockUnit, utcnow
from core.data.schema import setting
from core.data.serials import new_track_id
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.print_queue import enqueue, trackid_label_content
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


def tolerance_band(target: int, tolerance_milli_pct: int) -> tuple[int, int]:
    """Low and high limits (inclusive) around a target, in thousandths."""
    delta = target * tolerance_milli_pct // 100_000
    return max(0, target - delta), target + delta


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


def _check_substitute(line: JobLine, job: Job, unit: StockUnit, item: Item) -> None:
    """Another container than the suggested one: it must be one the allocation rules would allow."""
    if unit.status != "AVAILABLE":
        raise BusinessRefusal(f"TrackID {unit.track_id} is {unit.status.lower()}: take it back and use the "
                              "suggested one")
    cutoff = day_number(job.start_date) + item.min_remaining_days
    if unit.expiry and day_number(unit.expiry) < cutoff:
        raise BusinessRefusal(f"TrackID {unit.track_id} expires {unit.expiry}: too soon for this job")
    if item.single_lot:
        held = {r.unit.lot_id for r in Reservation.select(Reservation, StockUnit).join(StockUnit)
                .where(Reservation.job_line == line.id)}
        held |= {u.lot_id for u in StockUnit.select().where((StockUnit.job == job.job) & (StockUnit.item == item.code))}
        held.discard(None)
        if held and unit.lot_id not in held:
            lot = Lot.get_by_id(next(iter(held))).code
            raise BusinessRefusal(f"{item.code} must come from one lot for this line: use a container of lot {lot}")


def _move_to_substitute(actor: Actor, line: JobLine, job: Job, unit: StockUnit, item: Item, reason: str | None,
                        reservation: Reservation | None, qty: int) -> tuple[PickTask, Reservation]:
    """Another container than the suggested one: allowed when the rules allow it, with a reason code; the open
    task and its reservation move to the container actually used."""
    job_no, line_no, track_id = job.job, line.line, unit.track_id
    if not reason:
        raise UserInputError(f"TrackID {track_id} is not the suggested container: give a reason code "
                             f"({', '.join(REASONS)})")
    if reason not in REASONS:
        raise UserInputError(f"unknown reason '{reason}': use one of {', '.join(REASONS)}")
    _check_substitute(line, job, unit, item)
    task = PickTask.select().where((PickTask.job_line == line.id) & (PickTask.state == "OPEN")).order_by(
        PickTask.seq).first()
    if task is None:
        raise BusinessRefusal(f"line {line_no} of job {job_no} has nothing left to pick")
    old = Reservation.get_or_none((Reservation.job_line == line.id) & (Reservation.unit == task.unit_id))
    moved = min(task.qty - task.picked, old.qty if old else 0)
    if old is not None:
        locked(StockUnit.select().where(StockUnit.track_id == task.unit_id)).first()
        StockUnit.update(reserved=StockUnit.reserved - moved).where(
            StockUnit.track_id == task.unit_id).execute()
        if old.qty - moved:
            Reservation.update(qty=old.qty - moved).where(Reservation.id == old.id).execute()
        else:
            Reservation.delete().where(Reservation.id == old.id).execute()
    free = unit.on_hand - unit.reserved
    if free < min(moved, qty):
        raise BusinessRefusal(f"TrackID {track_id} has only {fmt_short(free)} {item.uom} free: scan "
                              "another container")
    take = min(moved, free)
    if take < moved:
        # The substitute holds less than the suggested container gave up: the rest is no longer reserved for the
        # line, so the line must stop counting it, or a top-up would take it for covered.
        JobLine.update(allocated=JobLine.allocated - (moved - take)).where(JobLine.id == line.id).execute()
    StockUnit.update(reserved=StockUnit.reserved + take).where(StockUnit.track_id == track_id).execute()
    unit.reserved += take
    if reservation:
        Reservation.update(qty=Reservation.qty + take).where(Reservation.id == reservation.id).execute()
    else:
        reservation = Reservation.create(job_line=line.id, unit=track_id, qty=take)
    reservation = Reservation.get(Reservation.id == reservation.id)
    old_unit = task.unit_id
    PickTask.update(unit=track_id, reason=reason).where(PickTask.id == task.id).execute()
    task = PickTask.get(PickTask.id == task.id)
    record(actor, "pick.substitute", f"{job_no}/{line_no}", suggested=old_unit, used=track_id,
           reason=reason)
    return task, reservation


def _confirm(actor: Actor, job_no: str, line_no: int, track_id: str, qty: int, reason: str | None,
             request_id: str | None, weighed: dict | None, label: bool) -> PickResult:
    with write_txn():
        earlier = _previous(request_id)
        if earlier is not None:
            import json

            d = json.loads(earlier.detail)
            return PickResult(d["job"], d["line"], d["item"], d["source"], d["portion"], d["qty"], d["lot"],
                              d["line_done"], d["posting"], repeated=True)
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
        if unit.status != "AVAILABLE":
            raise BusinessRefusal(f"TrackID {track_id} is on {unit.status.lower()}: take it back to quarantine "
                                  "and scan another")
        zone = Location.get(Location.code == unit.location_id).zone
        if unit.state != "ACTIVE" or zone != "STORE":
            raise BusinessRefusal(f"TrackID {track_id} is not in store stock (it is in {unit.location_id}): "
                                  "scan a container from the store")
        if qty <= 0:
            raise UserInputError("the quantity must be above zero")
        task = PickTask.select().where((PickTask.job_line == line.id) & (PickTask.unit == track_id)
                                       & (PickTask.state == "OPEN")).first()
        reservation = Reservation.get_or_none((Reservation.job_line == line.id) & (Reservation.unit == track_id))
        if task is None and not PickTask.select().where((PickTask.job_line == line.id)
                                                        & (PickTask.state == "OPEN")).exists():
            raise BusinessRefusal(f"line {line_no} of job {job_no} has nothing left to pick")
        if task is None:
            task, reservation = _move_to_substitute(actor, line, job, unit, item, reason, reservation, qty)
        target = task.qty - task.picked
        reserved_here = reservation.qty if reservation else 0
        low, high = tolerance_band(target, item.tolerance_milli_pct if item.weighed else 0)
        if item.weighed:
            if not low <= qty <= high:
                raise BusinessRefusal(f"{fmt_short(qty)} kg is outside the tolerance "
                                      f"{fmt_short(low)}-{fmt_short(high)} kg: add or take away, then confirm")
        elif qty > target:
            raise BusinessRefusal(f"{fmt_short(qty)} is more than the {fmt_short(target)} {item.uom} to pick here")
        free_for_us = unit.on_hand - (unit.reserved - reserved_here)
        if qty > free_for_us:
            raise BusinessRefusal(f"TrackID {track_id} holds only {fmt_short(free_for_us)} {item.uom} for this job")
        # A weighed pick inside the band finishes the task; a count below the target leaves it open for the rest.
        done = item.weighed or qty >= target
        consumed = min(reserved_here, target) if done else min(reserved_here, qty)
        wip = wip_location(job)
        lot = unit.lot.code if unit.lot_id else None
        if qty == unit.on_hand:
            # The whole container goes to the job: it keeps its TrackID.
            StockUnit.update(reserved=StockUnit.reserved - consumed).where(StockUnit.track_id == track_id).execute()
            unit.reserved -= consumed
            out, into = ledger.relocate(unit, wip, "ISSUE", actor, job=job_no, line=line_no, ref=track_id)
            StockUnit.update(state="ISSUED", job=job_no).where(StockUnit.track_id == track_id).execute()
            portion_id = track_id
            issue_move = into
        else:
            portion_id = new_track_id()
            StockUnit.update(reserved=StockUnit.reserved - consumed, opened=True).where(
                StockUnit.track_id == track_id).execute()
            unit.reserved -= consumed
            ledger.post(unit, -qty, "PICK", actor, job=job_no, line=line_no, ref=portion_id)
            portion = StockUnit.create(track_id=portion_id, item=item.code, lot=unit.lot_id, location=wip,
                                       on_hand=0, status="AVAILABLE", state="ISSUED", expiry=unit.expiry,
                                       received=clock.today(), parent=track_id, job=job_no, opened=True)
            issue_move = ledger.post(portion, qty, "ISSUE", actor, job=job_no, line=line_no, ref=track_id)
        left = reserved_here - consumed
        if left:
            Reservation.update(qty=left).where(Reservation.id == reservation.id).execute()
        elif reservation is not None:
            Reservation.delete().where(Reservation.id == reservation.id).execute()
        PickTask.update(state="DONE" if done else "OPEN", picked=task.picked + qty, picked_by=actor.user, picked_at=utcnow()).where(
            PickTask.id == task.id).execute()
        JobLine.update(issued=JobLine.issued + qty, allocated=JobLine.allocated - consumed).where(
            JobLine.id == line.id).execute()
        line_done = not PickTask.select().where((PickTask.job_line == line.id) & (PickTask.state == "OPEN")).exists()
        posting = add_posting(issue_move, job=job_no, line=line_no, warehouse=line.warehouse, qty=qty, lot=lot,
                              reference=track_id, kind="PICK")
        if label:
            enqueue("trackid", trackid_label_content(StockUnit.get(StockUnit.track_id == portion_id)),
                    station=actor.station, job=job_no, track_id=portion_id, user=actor.user)
        result = PickResult(job_no, line_no, item.code, track_id, portion_id, qty, lot, line_done, posting.key)
        record(actor, "pick", request_id or f"{job_no}/{line_no}", job=job_no, line=line_no, item=item.code,
               source=track_id, portion=portion_id, qty=qty, lot=lot, line_done=line_done, posting=posting.key,
               weighed=weighed or {})
    return result


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
        res = Reservation.get_or_none((Reservation.job_line == ln.id) & (Reservation.unit == track_id))
        given = res.qty if res else 0
        if res:
            locked(StockUnit.select().where(StockUnit.track_id == track_id)).first()
            StockUnit.update(reserved=StockUnit.reserved - given).where(StockUnit.track_id == track_id).execute()
            Reservation.delete().where(Reservation.id == res.id).execute()
        PickTask.update(state="SHORT", reason=reason, picked_by=actor.user, picked_at=utcnow()).where(
            PickTask.id == task.id).execute()
        missing = ln.qty_reqd - ln.issued - (ln.allocated - given)
        JobLine.update(allocated=JobLine.allocated - given,
                       short_reason=f"short pick: {SHORT_REASONS[reason]} ({fmt_qty(missing)} missing)").where(
            JobLine.id == ln.id).execute()
        record(actor, "pick.short", f"{job}/{line}", track_id=track_id, reason=reason, released=given)

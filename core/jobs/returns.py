"""Job returns: what is left of a container issued to a job comes back, weighed, and its TrackID lives again.

In one transaction: the unit leaves WIP (what the job used stays consumed), comes back into a store location
with the returned quantity, marked opened so FEFO uses it first; the job line's net issue drops; the ERP gets a
negative PostMaterial; a relabel is queued. The Return screen and `jobfloor return` both call this.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from peewee import fn

from core.data.db import locked, retrying, write_txn
from core.data.models import AuditEvent, Job, JobLine, Location, Movement, StockUnit
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import tolerance
from core.labels.kinds import TRACKID
from core.labels.queue import enqueue, trackid_label_content
from core.qty import fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.stock import ledger


@dataclass
class IssuedUnit:
    track_id: str
    job: str
    line: int | None
    item: str
    description: str
    uom: str
    lot: str | None
    issued: int  # what this unit gave the job, net of earlier returns
    tare: int
    weighed: bool
    tolerance_milli_pct: int


@dataclass
class ReturnResult:
    track_id: str
    job: str
    qty: int
    location: str
    posting: str
    repeated: bool = False


def issued_to_job(track_id: str) -> IssuedUnit:
    """What the Return screen shows after a scan: the job, item, lot and what was issued."""
    unit = StockUnit.get_or_none(StockUnit.track_id == (track_id or "").strip())
    if unit is None:
        raise NotFound(f"TrackID {track_id} is not known: scan the label again or type the TrackID")
    if unit.state != "ISSUED" or not unit.job:
        if Movement.select().where((Movement.unit == unit.track_id) & (Movement.kind == "RETURN")).exists():
            raise BusinessRefusal(f"TrackID {unit.track_id} is already back in {unit.location_id}: "
                                  "nothing more to return")
        raise BusinessRefusal(f"TrackID {unit.track_id} was never issued to a job: it is not a return "
                              f"(it is in {unit.location_id})")
    # Only the arrivals in WIP: a whole container's move also writes an ISSUE row out of its store location,
    # and counting that one too would net a whole-container issue to nothing.
    issued = (Movement.select(fn.COALESCE(fn.SUM(Movement.qty), 0))
              .where((Movement.unit == unit.track_id) & (Movement.job == unit.job) & (Movement.kind == "ISSUE")
                     & (Movement.qty > 0)).scalar())
    returned = (Movement.select(fn.COALESCE(fn.SUM(Movement.qty), 0))
                .where((Movement.unit == unit.track_id) & (Movement.job == unit.job) & (Movement.kind == "RETURN")
                       & (Movement.qty > 0)).scalar())
    line = (Movement.select(Movement.line).where((Movement.unit == unit.track_id) & (Movement.kind == "ISSUE")
                                                  & (Movement.job == unit.job)).order_by(Movement.id.desc()).scalar())
    item = unit.item
    return IssuedUnit(unit.track_id, unit.job, line, item.code, item.description, item.uom,
                      unit.lot.code if unit.lot_id else None, int(issued) - int(returned), unit.tare_milli_kg,
                      item.weighed, item.tolerance_milli_pct)


def net_from_gross(gross: int, tare: int) -> int:
    return gross - tare


def check_return_qty(info: IssuedUnit, qty: int) -> None:
    """Refuse a returned quantity the job cannot give back: at the weight (or count) on the Return screen, and
    again when it is booked. `info.issued` is what the unit gave the job net of its earlier returns."""
    if qty <= 0:
        raise UserInputError("the returned quantity must be above zero: weigh it again on a steady scale")
    if qty > tolerance.return_limit(info.issued, info.weighed, info.tolerance_milli_pct):
        raise BusinessRefusal(f"{fmt_short(qty)} {info.uom} is more than the {fmt_short(info.issued)} "
                              f"{info.uom} job {info.job} holds of {info.track_id}: take off what is not "
                              "this TrackID's, weigh it again, or check the TrackID")


def _return(actor: Actor, track_id: str, qty: int, location: str, request_id: str | None,
            weighed: dict | None, tare: int | None) -> ReturnResult:
    with write_txn():
        if request_id:
            earlier = AuditEvent.get_or_none((AuditEvent.subject == request_id) & (AuditEvent.action == "return"))
            if earlier is not None:
                d = json.loads(earlier.detail)
                return ReturnResult(d["track_id"], d["job"], d["qty"], d["location"], d["posting"], repeated=True)
        unit = locked(StockUnit.select().where(StockUnit.track_id == track_id)).first()
        if unit is None:
            raise NotFound(f"TrackID {track_id} is not known: scan the label again or type the TrackID")
        info = issued_to_job(track_id)
        check_return_qty(info, qty)
        if tare is not None and tare < 0:
            raise UserInputError("a tare cannot be negative: tare the empty container again or type its tare")
        loc = Location.get_or_none(Location.code == (location or "").strip())
        if loc is None:
            raise NotFound(f"location {location} is not known: scan the location label")
        if loc.zone != "STORE":
            raise BusinessRefusal(f"{loc.code} is a {loc.zone} location: put returns away in a store location")
        qty = min(qty, info.issued)  # within the scale's tolerance: the job cannot get back more than it had
        job = Job.get(Job.job == info.job)
        if unit.on_hand:
            ledger.post(unit, -unit.on_hand, "RETURN", actor, job=info.job, line=info.line, ref="out of WIP")
        unit.location = loc.code
        # The container it came back in is its container from now on: its tare is the one weighed against.
        kept = {} if tare is None else {"tare_milli_kg": tare}
        StockUnit.update(location=loc.code, state="ACTIVE", opened=True, job=None, status="AVAILABLE", **kept).where(
            StockUnit.track_id == track_id).execute()
        back = ledger.post(unit, qty, "RETURN", actor, location=loc.code, job=info.job, line=info.line,
                           ref="back to store")
        if info.line is not None:
            JobLine.update(issued=JobLine.issued - qty).where(
                (JobLine.job == info.job) & (JobLine.line == info.line)).execute()
            warehouse = JobLine.get((JobLine.job == info.job) & (JobLine.line == info.line)).warehouse
        else:
            warehouse = job.warehouse
        posting = add_posting(back, job=info.job, line=info.line, warehouse=warehouse, qty=-qty, lot=info.lot,
                              reference=track_id, kind="RETURN")
        enqueue(TRACKID, trackid_label_content(StockUnit.get(StockUnit.track_id == track_id)),
                station=actor.station, track_id=track_id, user=actor.user)
        record(actor, "return", request_id or track_id, track_id=track_id, job=info.job, line=info.line, qty=qty,
               location=loc.code, posting=posting.key, weighed=weighed or {})
    return ReturnResult(track_id, info.job, qty, loc.code, posting.key)


def return_unit(actor: Actor, track_id: str, qty: int, location: str, *, request_id: str | None = None,
                weighed: dict | None = None, tare: int | None = None) -> ReturnResult:
    """`tare` (thousandths of kg), when given, is the tare of the container it came back in, recorded on the
    unit; `weighed` is how the weight was taken, for the audit row."""
    require(actor, "return")
    return retrying(_return, actor, (track_id or "").strip(), qty, location, request_id, weighed, tare,
                    replay_safe=request_id is not None)


def correct_tare(actor: Actor, track_id: str, tare: int) -> None:
    """A supervisor re-weighs an empty container and corrects its tare."""
    require(actor, "tare.correct")
    if tare < 0:
        raise UserInputError("a tare cannot be negative")
    with write_txn():
        unit = locked(StockUnit.select().where(StockUnit.track_id == track_id)).first()
        if unit is None:
            raise NotFound(f"TrackID {track_id} is not known")
        StockUnit.update(tare_milli_kg=tare).where(StockUnit.track_id == track_id).execute()
        record(actor, "tare.correct", track_id, before=unit.tare_milli_kg, after=tare)



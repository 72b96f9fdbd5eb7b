"""The print queue: a label is stored before it is sent, so a printer that is off loses nothing. Putting a label
in the queue and listing what is owed to printers; the sending is core.labels.sender's.

Light on purpose: picking and returns queue their TrackID labels through here without loading the renderers.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from core.data.models import LabelJob, Station
from core.labels.kinds import OPEN_STATES, QUEUED, SENDING, TRACKID
from drivers.printer.facts import QL


def enqueue(kind: str, content: dict, *, station: str | None, job: str | None = None, track_id: str | None = None,
            sscc: str | None = None, seq: int = 1, user: str | None = None, reprint_of: int | None = None,
            printer: Station | None = None) -> LabelJob:
    """Called inside the caller's transaction: the label exists exactly when the event that needs it does."""
    target = printer or (Station.get_or_none(Station.code == station) if station else None)
    return LabelJob.create(
        job=job, kind=kind, seq=seq, sscc=sscc, track_id=track_id, content=json.dumps(content, default=str),
        printer_url=target.printer_url if target else None, language=target.printer_language if target else QL,
        model=target.printer_model if target else None, label_size=target.label_size if target else None,
        station=station, created_by=user, reprint_of=reprint_of,
    )


def trackid_label_content(unit) -> dict:
    """What a TrackID label says about a container, taken as the unit stands now."""
    item = unit.item
    return {"track_id": unit.track_id, "item": item.code, "description": item.description, "uom": item.uom,
            "lot": unit.lot.code if unit.lot_id else None, "qty": unit.on_hand,
            "expiry": unit.expiry.isoformat() if unit.expiry else None, "job": unit.job}


@dataclass(frozen=True)
class QueueRow:
    id: int
    job: str | None
    kind: str
    seq: int
    of: int | None
    state: str
    attempts: int
    next_try_at: dt.datetime | None
    last_error: str | None
    printer_url: str | None
    track_id: str | None
    reprint: bool
    sscc: str | None

    @property
    def name(self) -> str:
        if self.kind == TRACKID:
            return f"TrackID {self.track_id}"
        return f"{self.kind} {self.seq}" + (f"/{self.of}" if self.of else "")


def queue(printer_url: str | None = None, job: str | None = None, states: Iterable[str] | None = OPEN_STATES,
          limit: int = 200) -> list[QueueRow]:
    """Labels owed to printers (or, with `states` None, every label), oldest first."""
    q = LabelJob.select()
    if states is not None:
        q = q.where(LabelJob.state.in_(list(states)))
    if printer_url:
        q = q.where(LabelJob.printer_url == printer_url)
    if job:
        q = q.where(LabelJob.job == job)
    out = []
    for r in q.order_by(LabelJob.id).limit(limit):
        try:
            content = json.loads(r.content)
        except (TypeError, ValueError):
            content = {}
        error = r.last_error
        if r.state == QUEUED and not r.printer_url:
            error = "no printer: this label was queued at a station without one"
        out.append(QueueRow(r.id, r.job, r.kind, r.seq, content.get("of"), r.state, r.attempts, r.next_try_at,
                            error, r.printer_url, r.track_id, r.reprint_of is not None,
                            r.sscc or content.get("sscc")))
    return out


def states_of(ids: Iterable[int]) -> dict[str, int]:
    """How many of these labels are in each state now: a screen that said they wait in the queue checks whether
    that is still so."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    out: dict[str, int] = {}
    for (state,) in LabelJob.select(LabelJob.state).where(LabelJob.id.in_(wanted)).tuples():
        out[state] = out.get(state, 0) + 1
    return out


def still_waiting(ids: Iterable[int]) -> set[int]:
    """Which of these labels wait in the print queue now (queued, or being sent)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return set()
    return {i for (i,) in LabelJob.select(LabelJob.id).where(
        LabelJob.id.in_(wanted) & LabelJob.state.in_((QUEUED, SENDING))).tuples()}

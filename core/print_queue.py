"""The print queue: a label is stored before it is sent, so a printer that is off loses nothing."""
from __future__ import annotations

import json

from core.data.models import LabelJob, Station


def enqueue(kind: str, content: dict, *, station: str | None, job: str | None = None, track_id: str | None = None,
            sscc: str | None = None, seq: int = 1, user: str | None = None, reprint_of: int | None = None,
            printer: Station | None = None) -> LabelJob:
    """Called inside the caller's transaction: the label exists exactly when the event that needs it does."""
    target = printer or (Station.get_or_none(Station.code == station) if station else None)
    return LabelJob.create(
        job=job, kind=kind, seq=seq, sscc=sscc, track_id=track_id, content=json.dumps(content, default=str),
        printer_url=target.printer_url if target else None, language=target.printer_language if target else "ql",
        model=target.printer_model if target else None, label_size=target.label_size if target else None,
        station=station, created_by=user, reprint_of=reprint_of,
    )


def trackid_label_content(unit) -> dict:
    """What a TrackID label says about a container, taken as the unit stands now."""
    item = unit.item
    return {"track_id": unit.track_id, "item": item.code, "description": item.description, "uom": item.uom,
            "lot": unit.lot.code if unit.lot_id else None, "qty": unit.on_hand,
            "expiry": unit.expiry.isoformat() if unit.expiry else None, "job": unit.job}

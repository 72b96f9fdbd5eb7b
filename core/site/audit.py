"""The audit trail: who did what, where, when. Written inside the service's own transaction."""
from __future__ import annotations

import json

from core.clock import utcnow
from core.data.db import run_sql
from core.data.models import AuditEvent
from core.site.actor import Actor


def record(actor: Actor, action: str, subject: str = "", **detail) -> AuditEvent:
    if actor.via:
        detail["via"] = actor.via  # the command line's credential: a PIN typed, from a file, or a station token
    # Plain SQL: every pick and return writes one, and building the peewee insert cost more than sending it.
    event = AuditEvent(at=utcnow(), user=actor.user, station=actor.station, action=action, subject=str(subject)[:60],
                       detail=json.dumps(detail, default=str, sort_keys=True))
    run_sql('INSERT INTO audit_event (at, "user", station, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)',
            (event.at, event.user, event.station, event.action, event.subject, event.detail))
    return event

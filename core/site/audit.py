"""The audit trail: who did what, where, when. Written inside the service's own transaction."""
from __future__ import annotations

import json

from core.data.models import AuditEvent
from core.site.actor import Actor


def record(actor: Actor, action: str, subject: str = "", **detail) -> AuditEvent:
    return AuditEvent.create(user=actor.user, station=actor.station, action=action, subject=str(subject)[:60],
                             detail=json.dumps(detail, default=str, sort_keys=True))

"""Resume what a user was in the middle of: saved on logout or idle timeout, offered at the next login."""
from __future__ import annotations

import json

from core.clock import utcnow
from core.data.models import ResumeState


def save(user: str, screen: str, state: dict) -> None:
    payload = json.dumps(state, default=str)
    if ResumeState.get_or_none(ResumeState.user == user):
        ResumeState.update(screen=screen, state=payload, updated_at=utcnow()).where(ResumeState.user == user).execute()
    else:
        ResumeState.create(user=user, screen=screen, state=payload)


def take(user: str) -> tuple[str, dict] | None:
    row = ResumeState.get_or_none(ResumeState.user == user)
    if row is None:
        return None
    ResumeState.delete().where(ResumeState.user == user).execute()
    try:
        return row.screen, json.loads(row.state)
    except ValueError:
        return None


def clear(user: str) -> None:
    ResumeState.delete().where(ResumeState.user == user).execute()

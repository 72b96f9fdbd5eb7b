"""Numbers that are never reused: new TrackIDs, SSCC serial references.

The counter row is updated and read in the caller's write transaction: on SQLite the transaction already holds
the write lock; on PostgreSQL the UPDATE takes the row lock until commit, so two terminals never get one number.
"""
from __future__ import annotations

from core.data.models import Counter, StockUnit
from core.data.schema import setting

STARTS = {"track_id": 1_000_000, "sscc": 0}


def next_value(name: str) -> int:
    updated = Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    if not updated:
        # Two terminals taking the very first number would both create the row and one would fail: the other
        # waits for the first one's row here and then counts on from it.
        Counter.insert(name=name, value=STARTS.get(name, 0)).on_conflict_ignore().execute()
        Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    return Counter.get(Counter.name == name).value


def new_track_id() -> str:
    prefix = setting("track_id_prefix")
    while True:  # an imported TrackID may already use the number: skip it
        candidate = f"{prefix}{next_value('track_id'):07d}"
        if not StockUnit.select().where(StockUnit.track_id == candidate).exists():
            return candidate

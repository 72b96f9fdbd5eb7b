"""Numbers that are never reused: new TrackIDs, SSCC serial references.

A counter row is updated and read in the caller's write transaction: on SQLite the transaction already holds the
write lock; on PostgreSQL the UPDATE takes the row lock until commit, so two terminals never get one number.
SSCCs stay on their counter: GS1 wants every serial used, none skipped. TrackIDs only have to be unique, and every
pick that dispenses a portion takes one, so on PostgreSQL they come from a sequence instead: a counter row would
be locked by one picker from its UPDATE to its commit while the others queue behind it. A sequence never waits;
it skips the numbers of a transaction that rolls back, which a TrackID may do.
"""
from __future__ import annotations

from core.data.db import db, is_postgres, run_sql
from core.data.models import Counter, StockUnit
from core.data.setting_store import setting

STARTS = {"track_id": 1_000_000, "sscc": 0}
TRACK_ID_SEQUENCE = "track_id_seq"


def next_value(name: str) -> int:
    row = run_sql("UPDATE counter SET value = value + 1 WHERE name = ? RETURNING value", (name,)).fetchone()
    if row is None:
        # Two terminals taking the very first number would both create the row and one would fail: the other
        # waits for the first one's row here and then counts on from it.
        Counter.insert(name=name, value=STARTS.get(name, 0)).on_conflict_ignore().execute()
        row = run_sql("UPDATE counter SET value = value + 1 WHERE name = ? RETURNING value", (name,)).fetchone()
    return row[0]


# PostgreSQL databases whose TrackID sequence exists, by connection (`jobfloor init` makes it; a database not yet
# upgraded keeps using the counter row until then).
_SEQUENCE: dict[int, tuple[object, bool]] = {}


def next_track_number() -> int:
    if is_postgres():
        conn = db.connection()
        owner, ready = _SEQUENCE.get(id(conn), (None, False))
        if owner is not conn:
            ready = run_sql("SELECT to_regclass('track_id_seq')").fetchone()[0] is not None
            _SEQUENCE[id(conn)] = (conn, ready)
        if ready:
            return run_sql("SELECT nextval('track_id_seq')").fetchone()[0]
    return next_value("track_id")


def track_id_text(prefix: str, number: int) -> str:
    return f"{prefix}{number:07d}"


def next_track_id(prefix: str) -> str:
    """A TrackID no terminal was given before; an imported TrackID may still use it (see new_track_id)."""
    return track_id_text(prefix, next_track_number())


def new_track_id() -> str:
    prefix = setting("track_id_prefix")
    while True:  # an imported TrackID may already use the number: skip it
        candidate = next_track_id(prefix)
        if not StockUnit.select().where(StockUnit.track_id == candidate).exists():
            return candidate


def ensure_track_id_sequence() -> None:
    """PostgreSQL: the TrackID sequence, counting on from the counter an older schema used. Idempotent."""
    if not is_postgres() or run_sql("SELECT to_regclass('track_id_seq')").fetchone()[0] is not None:
        return
    row = Counter.get_or_none(Counter.name == "track_id")
    last = max(row.value if row else 0, STARTS["track_id"])
    db.execute_sql(f"CREATE SEQUENCE track_id_seq START WITH {int(last) + 1}")

"""Create the schema, or upgrade an older one in place, keeping its data."""
from __future__ import annotations

from playhouse.migrate import SchemaMigrator, migrate

from core.data.db import db, is_postgres
from core.data.models import (
    ALL_MODELS,
    REDUNDANT_INDEXES,
    SCHEMA_VERSION,
    ApiToken,
    JobLine,
    KioskLink,
    Movement,
    Posting,
    SchemaVersion,
    Setting,
)
from core.data.serials import ensure_track_id_sequence
from core.data.setting_store import DEFAULT_SETTINGS
from core.errors import UserInputError

# PostgreSQL: room left in each page of the tables every release and pick updates, so an update that changes no
# indexed column writes its new row version in the same page and touches none of the table's indexes (a "HOT"
# update). A bulk-loaded table has full pages: there 10,000 reservations took 400 ms to update instead of 20.
FILLFACTOR = (("stock_unit", 70), ("job_line", 80), ("reservation", 80), ("pick_task", 90), ("counter", 50))


def keep_room_for_updates() -> None:
    """Idempotent; applies to pages written from now on. Only where the setting differs (it takes a lock)."""
    if not is_postgres():
        return
    have = dict(db.execute_sql("SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
                               "WHERE relkind = 'r' AND relname = ANY(%s) AND pg_table_is_visible(oid)",
                               ([table for table, _ in FILLFACTOR],)).fetchall())
    for table, percent in FILLFACTOR:
        if table in have and f"fillfactor={percent}" not in (have[table] or ""):
            db.execute_sql(f'ALTER TABLE "{table}" SET (fillfactor = {int(percent)})')


def add_missing_columns() -> list[str]:
    """Additive upgrades: every model field that its table lacks is added, with its default for old rows."""
    migrator = SchemaMigrator.from_database(db.obj)
    added = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if not db.table_exists(table):
            continue
        have = {c.name for c in db.get_columns(table)}
        for field in model._meta.sorted_fields:
            if field.column_name not in have:
                migrate(migrator.add_column(table, field.column_name, field))
                added.append(f"{table}.{field.column_name}")
    return added


def add_kiosk_links() -> None:
    db.create_tables([KioskLink], safe=True)


def widen_label_state() -> None:
    """label_job.state holds UNCONFIRMED (a label sent without the printer's proof): 12 characters, not 8.
    SQLite does not enforce the length; PostgreSQL's varchar does."""
    if is_postgres() and db.table_exists("label_job"):
        db.execute_sql("ALTER TABLE label_job ALTER COLUMN state TYPE VARCHAR(12)")


def add_api_tokens() -> None:
    db.create_tables([ApiToken], safe=True)


def _v5_postings_and_exact_unit_qty() -> None:
    """posting.bin for the WIPTMI <Bins> of pending postings, and job_line.unit_qty in millionths.

    Runs once, in the upgrade's transaction (the version row is written in the same one): unit_qty goes from
    thousandths to millionths, so a job released before the upgrade still equals its re-imported export. Pending
    postings keep their keys; their bin is read back from the ledger: a pick's is where the container was
    (the TrackID's last outgoing movement for the job and line before the posting's), a return's and a kit
    consumption's is the movement's own location.
    """
    add_missing_columns()
    JobLine.update(unit_qty=JobLine.unit_qty * 1000).execute()
    for p in Posting.select().where(Posting.exported_at.is_null() & Posting.bin.is_null()):
        move = Movement.get_or_none(Movement.id == p.movement) if p.movement else None
        if move is None:
            continue
        where = move.location
        if p.key.startswith("PICK-"):
            source = (Movement.select(Movement.location)
                      .where((Movement.unit == p.reference) & (Movement.qty < 0) & (Movement.id < move.id)
                             & (Movement.job == p.job) & (Movement.line == p.line))
                      .order_by(Movement.id.desc()).first())
            where = source.location if source else None
        Posting.update(bin=where).where(Posting.key == p.key).execute()


def drop_redundant_indexes() -> None:
    for name in REDUNDANT_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


# version -> function that takes the database from version-1 to version, inside init_schema's transaction.
UPGRADES: dict[int, callable] = {
    2: add_missing_columns,  # user.team, job.assigned_at: assignment and the job board
    3: add_kiosk_links,  # kiosk_link: one browser link per station (jobfloor serve --web)
    4: widen_label_state,  # label_job.state: UNCONFIRMED
    5: _v5_postings_and_exact_unit_qty,  # posting.bin (WIPTMI <Bins>), job_line.unit_qty in millionths
    6: add_api_tokens,  # api_token: station tokens for headless commands (jobfloor token add)
    7: add_missing_columns,  # job.closed_short, posting.notation: a job closed short with a supervisor's reason
    8: drop_redundant_indexes,  # single-column indexes a composite index already covers
}


def current_version() -> int | None:
    if not db.table_exists("schema_version"):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def init_schema() -> tuple[int | None, int]:
    """Returns (version before, version after)."""
    before = current_version()
    with db.atomic():
        if before is not None and before > SCHEMA_VERSION:
            raise UserInputError(
                f"this database is at schema version {before}, newer than this jobfloor ({SCHEMA_VERSION}): "
                "upgrade jobfloor before using it"
            )
        if before is not None:
            for version in range(before + 1, SCHEMA_VERSION + 1):
                UPGRADES[version]()
        db.create_tables(ALL_MODELS, safe=True)
        keep_room_for_updates()
        ensure_track_id_sequence()
        for key, value in DEFAULT_SETTINGS.items():
            if not Setting.get_or_none(Setting.key == key):
                Setting.create(key=key, value=value)
        if before != SCHEMA_VERSION:
            SchemaVersion.create(version=SCHEMA_VERSION)
    return before, SCHEMA_VERSION

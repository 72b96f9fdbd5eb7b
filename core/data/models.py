"""The data model, designed once for every module.

Quantities are BigIntegerField thousandths of the item's unit (see core.qty). Times are UTC.
A stock unit's on_hand is a cached balance: the ledger (Movement) is the truth, and every service writes the
movement in the same transaction as the balance it changes.
"""
from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from core.clock import utcnow  # the column defaults
from core.data.db import db

SCHEMA_VERSION = 8
# Indexes that schema 7 and older made on a column that a composite index already leads with: every look-up they
# served, the composite serves, and each one cost a write per row (stock imports insert 100,000 units; a release
# inserts a reservation per container taken). Version 8 drops them; the models no longer make them.
REDUNDANT_INDEXES = ("lot_item", "stock_unit_item", "job_line_job", "reservation_job_line")

ROLES = ("operator", "picker", "supervisor", "planner", "admin")
ZONES = ("STORE", "WIP", "KITBIN", "QUARANTINE", "DISPATCH")
UNIT_STATUSES = ("AVAILABLE", "QUARANTINE", "HOLD")
# A unit's life: ACTIVE in a location with stock; ISSUED when all of it went to a job (WIP); EMPTY when used up.
UNIT_STATES = ("ACTIVE", "ISSUED", "EMPTY")
JOB_STATES = ("IMPORTED", "RELEASED", "COMPLETED")


class Base(Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(Base):
    version = IntegerField()
    upgraded_at = DateTimeField(default=utcnow)


class Setting(Base):
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Counter(Base):
    """Never-reused serials (SSCC serial references, TrackIDs, posting numbers)."""

    name = CharField(primary_key=True, max_length=32)
    value = BigIntegerField(default=0)


class Item(Base):
    code = CharField(primary_key=True, max_length=30)
    description = CharField(max_length=200, default="")
    uom = CharField(max_length=10)
    lot_tracked = BooleanField(default=False)
    weighed = BooleanField(default=False)
    tolerance_milli_pct = IntegerField(default=0)  # 2.5 % -> 2500
    shelf_life_days = IntegerField(null=True)
    min_remaining_days = IntegerField(default=0)
    single_lot = BooleanField(default=False)
    gtin = CharField(max_length=14, null=True)


class Location(Base):
    code = CharField(primary_key=True, max_length=30)
    zone = CharField(max_length=12, index=True)
    pick_seq = IntegerField(default=0)
    kit_item = ForeignKeyField(Item, null=True, backref="kit_bins", column_name="kit_item", object_id_name="kit_item_id")
    min_qty = BigIntegerField(null=True)
    max_qty = BigIntegerField(null=True)


class Lot(Base):
    id = AutoField()
    # index=False: the unique (item, code) index serves every look-up by item (see REDUNDANT_INDEXES)
    item = ForeignKeyField(Item, backref="lots", column_name="item", object_id_name="item_id", index=False)
    code = CharField(max_length=40)
    made_by_job = CharField(max_length=30, null=True, index=True)  # set for a job's output lot
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("item", "code"), True),)


class User(Base):
    code = CharField(primary_key=True, max_length=30)
    name = CharField(max_length=100, default="")
    role = CharField(max_length=12)
    pin_hash = CharField(max_length=200)
    badge = CharField(max_length=60, null=True, unique=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    team = CharField(max_length=30, null=True)


class Station(Base):
    code = CharField(primary_key=True, max_length=30)
    name = CharField(max_length=100, default="")
    area = CharField(max_length=30, default="")
    ssh_address = CharField(max_length=60, null=True, index=True)
    scale_url = CharField(max_length=200, null=True)
    scale_protocol = CharField(max_length=12, null=True)
    scale_baud = IntegerField(default=9600)
    scale_parity = CharField(max_length=1, default="N")
    scale_bytesize = IntegerField(default=8)
    scale_stopbits = IntegerField(default=1)
    printer_url = CharField(max_length=200, null=True)
    printer_language = CharField(max_length=4, default="ql")
    printer_model = CharField(max_length=20, default="QL-820NWB")
    label_size = CharField(max_length=12, default="62")


class StockUnit(Base):
    """A container with a TrackID label: a bag, tote, drum, roll, a dispensed portion, a kit-bin fill."""

    track_id = CharField(primary_key=True, max_length=30)
    item = ForeignKeyField(Item, backref="units", column_name="item", object_id_name="item_id", index=False)
    lot = ForeignKeyField(Lot, null=True, backref="units", column_name="lot", object_id_name="lot_id")
    location = ForeignKeyField(Location, backref="units", column_name="location", object_id_name="location_id")
    on_hand = BigIntegerField(default=0)
    reserved = BigIntegerField(default=0)
    status = CharField(max_length=12, default="AVAILABLE")
    state = CharField(max_length=8, default="ACTIVE")
    expiry = DateField(null=True)
    received = DateField()
    tare_milli_kg = BigIntegerField(default=0)
    opened = BooleanField(default=False)
    parent = CharField(max_length=30, null=True)  # the container a dispensed portion came from
    job = CharField(max_length=30, null=True, index=True)  # the job a unit in WIP was issued to
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("item", "status"), False),)
        # The database itself refuses what must never happen, whatever the code above it does.
        constraints = [Check("on_hand >= 0"), Check("reserved >= 0"), Check("reserved <= on_hand")]


class Job(Base):
    job = CharField(primary_key=True, max_length=30)
    description = CharField(max_length=200, default="")
    item = ForeignKeyField(Item, column_name="stock_code", object_id_name="item_id")
    warehouse = CharField(max_length=10, default="")
    qty_to_make = BigIntegerField()
    start_date = DateField()
    delivery_date = DateField(null=True)
    priority = IntegerField(default=0)
    units_per_carton = IntegerField(null=True)
    cartons_per_pallet = IntegerField(null=True)
    state = CharField(max_length=10, default="IMPORTED", index=True)
    output_lot = CharField(max_length=40, null=True)
    released_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    assignee = CharField(max_length=30, null=True)  # a user code, a team name or a station code
    assignee_kind = CharField(max_length=8, null=True)  # user, team, station
    assigned_at = DateTimeField(null=True)
    area = CharField(max_length=30, default="")
    imported_at = DateTimeField(default=utcnow)
    closed_short = CharField(max_length=200, null=True)  # a supervisor's reason to complete it with lines unpicked


class JobLine(Base):
    id = AutoField()
    job = ForeignKeyField(Job, backref="lines", column_name="job", on_delete="CASCADE", object_id_name="job_id",
                          index=False)
    line = IntegerField()
    item = ForeignKeyField(Item, column_name="stock_code", object_id_name="item_id")
    warehouse = CharField(max_length=10, default="")
    # Millionths, not thousandths: SYSPRO's UnitQtyReqd is decimal(18,6) and is kept exact (it is shown, not
    # allocated; the requirement is qty_reqd, in thousandths like every quantity).
    unit_qty = BigIntegerField()
    qty_reqd = BigIntegerField()
    uom = CharField(max_length=10)
    kit_issue = BooleanField(default=False)
    allocated = BigIntegerField(default=0)  # reserved and not yet picked
    issued = BigIntegerField(default=0)  # net issued to the job: picks minus returns
    short_reason = CharField(max_length=200, null=True)

    class Meta:
        indexes = ((("job", "line"), True),)


class Reservation(Base):
    id = AutoField()
    job_line = ForeignKeyField(JobLine, backref="reservations", column_name="job_line", on_delete="CASCADE",
                               object_id_name="job_line_id", index=False)
    unit = ForeignKeyField(StockUnit, backref="reservations", column_name="track_id", object_id_name="unit_id")
    qty = BigIntegerField()

    class Meta:
        indexes = ((("job_line", "unit"), True),)


class PickTask(Base):
    id = AutoField()
    job_line = ForeignKeyField(JobLine, backref="tasks", column_name="job_line", on_delete="CASCADE", object_id_name="job_line_id")
    unit = ForeignKeyField(StockUnit, column_name="track_id", object_id_name="unit_id")
    seq = IntegerField()  # walk order: location pick_seq, then track_id
    qty = BigIntegerField()  # planned
    picked = BigIntegerField(default=0)
    state = CharField(max_length=8, default="OPEN", index=True)  # OPEN, DONE, SHORT, VOID
    reason = CharField(max_length=60, null=True)
    picked_by = CharField(max_length=30, null=True)
    picked_at = DateTimeField(null=True)
    taken_by = CharField(max_length=30, null=True)


class Movement(Base):
    """The ledger. One row per change of one unit's quantity in one location; a unit's on_hand is their sum."""

    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    kind = CharField(max_length=12)  # OPENING, RECEIPT, PICK, ISSUE, RETURN, TRANSFER, CONSUME, COUNT, ADJUST
    unit = ForeignKeyField(StockUnit, backref="movements", column_name="track_id", object_id_name="unit_id")
    item = CharField(max_length=30)
    lot = CharField(max_length=40, null=True)
    location = CharField(max_length=30)
    qty = BigIntegerField()  # signed
    job = CharField(max_length=30, null=True)
    line = IntegerField(null=True)
    user = CharField(max_length=30)
    station = CharField(max_length=30, null=True)
    ref = CharField(max_length=60, null=True)

    class Meta:
        indexes = ((("item", "lot"), False), (("job",), False), (("location", "at"), False))


class Posting(Base):
    """ERP outbox: one PostMaterial document per event, exported exactly once."""

    key = CharField(primary_key=True, max_length=60)
    job = CharField(max_length=30)
    warehouse = CharField(max_length=10, default="")
    stock_code = CharField(max_length=30)
    line = IntegerField(null=True)
    qty = BigIntegerField()  # signed: picks positive, returns negative
    lot = CharField(max_length=40, null=True)
    reference = CharField(max_length=30, default="")
    txn_date = DateField()
    movement = IntegerField(null=True)
    bin = CharField(max_length=30, null=True)  # the location the material left (a pick) or went back to
    notation = CharField(max_length=50, null=True)  # WIPTMIDOC <Notation>: why a job was closed short
    created_at = DateTimeField(default=utcnow)
    exported_at = DateTimeField(null=True, index=True)


class LabelJob(Base):
    """The print queue: a label is stored before it is sent, so a printer that is off loses nothing."""

    id = AutoField()
    job = CharField(max_length=30, null=True, index=True)
    kind = CharField(max_length=10)  # pallet, carton, product, trackid
    seq = IntegerField(default=1)  # the label's number within its kind for the job
    sscc = CharField(max_length=18, null=True, unique=True)
    track_id = CharField(max_length=30, null=True)
    content = TextField()  # JSON: what is on the label
    printer_url = CharField(max_length=200, null=True)
    language = CharField(max_length=4, default="ql")
    model = CharField(max_length=20, null=True)
    label_size = CharField(max_length=12, null=True)
    state = CharField(max_length=12, default="QUEUED", index=True)  # core.labels.kinds: QUEUED ... UNCONFIRMED
    reprint_of = IntegerField(null=True)
    attempts = IntegerField(default=0)
    next_try_at = DateTimeField(null=True)
    last_error = TextField(null=True)
    station = CharField(max_length=30, null=True)
    created_by = CharField(max_length=30, null=True)
    created_at = DateTimeField(default=utcnow)
    printed_at = DateTimeField(null=True)


class KitTask(Base):
    """Fill a kit bin to its max: created once when the bin falls below min, while no other task is open."""

    id = AutoField()
    location = ForeignKeyField(Location, column_name="location", object_id_name="location_id")
    item = CharField(max_length=30)
    qty = BigIntegerField()
    state = CharField(max_length=8, default="OPEN", index=True)
    created_at = DateTimeField(default=utcnow)
    due_at = DateTimeField(null=True)
    done_at = DateTimeField(null=True)
    done_by = CharField(max_length=30, null=True)


class AuditEvent(Base):
    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    user = CharField(max_length=30)
    station = CharField(max_length=30, null=True)
    action = CharField(max_length=40)
    subject = CharField(max_length=60, default="", index=True)
    detail = TextField(default="{}")


class ResumeState(Base):
    """What a user was in the middle of, so the next login picks it up."""

    user = CharField(primary_key=True, max_length=30)
    screen = CharField(max_length=40)
    state = TextField(default="{}")
    updated_at = DateTimeField(default=utcnow)


class KioskLink(Base):
    """A station's kiosk link: the browser that opens <public-url>/station/<token> is that station.

    One current link per station; a replaced link keeps its row (revoked_at set), so its page can say it is no
    longer valid instead of "not found".
    """

    token = CharField(primary_key=True, max_length=64)
    station = ForeignKeyField(Station, backref="kiosk_links", column_name="station", object_id_name="station_id",
                              on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    created_by = CharField(max_length=30)
    revoked_at = DateTimeField(null=True, index=True)


class ApiToken(Base):
    """A station's credential for headless commands (`jobfloor token add`): acts as its user, from its station.

    Only a SHA-256 of the secret is kept: the secret is 256 random bits, shown once, so no salt or slow hash is
    needed to make a stolen table useless. A revoked token keeps its row, so the audit trail can still name it.
    """

    id = AutoField()
    digest = CharField(max_length=64, unique=True)
    station = CharField(max_length=30)
    user = CharField(max_length=30)
    note = CharField(max_length=100, default="")
    created_at = DateTimeField(default=utcnow)
    created_by = CharField(max_length=30)
    revoked_at = DateTimeField(null=True)
    revoked_by = CharField(max_length=30, null=True)
    last_used_at = DateTimeField(null=True)


ALL_MODELS = [
    SchemaVersion, Setting, Counter, Item, Location, Lot, User, Station, StockUnit, Job, JobLine, Reservation,
    PickTask, Movement, Posting, LabelJob, KitTask, AuditEvent, ResumeState, KioskLink, ApiToken,
]

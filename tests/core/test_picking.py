"""Picking on both databases: the transaction, tolerance, substitutes, short picks, idempotency, roles."""
import threading

import pytest

from core.data.models import AuditEvent, JobLine, LabelJob, Movement, PickTask, Posting, Reservation, StockUnit
from core.errors import BusinessRefusal, PermissionDenied, UserInputError
from core.jobs.picking import confirm_pick, short_pick
from core.jobs.release import release
from core.jobs.tolerance import band
from core.stock.ledger import ledger_mismatches

JOB = "000000000012345"


def _books_true():
    assert ledger_mismatches() == []
    for u in StockUnit.select():
        assert 0 <= u.reserved <= u.on_hand
        assert u.reserved == sum(r.qty for r in Reservation.select().where(Reservation.unit == u.track_id))


@pytest.fixture
def released(demo, actors):
    release(actors["planner"], [JOB])
    return demo



def pick_on_its_own_connection(actor, outcome: dict) -> threading.Thread:
    """A picker on another connection confirms 4.5 kg of line 3 from T000131; `outcome` gets its result or error."""
    def pick():
        from core.data.db import db

        db.connect(reuse_if_open=True)
        try:
            outcome["result"] = confirm_pick(actor, JOB, 3, "T000131", 4500)
        except Exception as exc:  # noqa: BLE001 - the caller's assertion shows it
            outcome["error"] = exc
        finally:
            db.close()

    waiting = threading.Thread(target=pick)
    waiting.start()
    return waiting

def test_partial_pick_dispenses_a_new_portion(released, actors):
    r = confirm_pick(actors["picker"], JOB, 3, "T000131", 4500)  # salt, 4.5 kg from a 25 kg bag
    assert r.portion != "T000131" and r.portion.startswith("T")
    source = StockUnit.get(StockUnit.track_id == "T000131")
    portion = StockUnit.get(StockUnit.track_id == r.portion)
    assert source.on_hand == 20500 and source.reserved == 0 and source.opened and source.location_id == "B-01-01"
    assert portion.on_hand == 4500 and portion.location_id == "WIP-BAKERY" and portion.job == JOB
    assert portion.lot_id == source.lot_id and portion.state == "ISSUED" and portion.parent == "T000131"
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 3))
    assert line.issued == 4500 and line.allocated == 0
    assert PickTask.get(PickTask.job_line == line.id).state == "DONE"
    post = Posting.get(Posting.key == r.posting)
    assert post.qty == 4500 and post.lot == "SA2604-01" and post.reference == "T000131" and post.line == 3
    assert AuditEvent.select().where(AuditEvent.action == "pick").count() == 1
    assert LabelJob.select().where(LabelJob.track_id == r.portion).count() == 1  # the portion's label is queued
    _books_true()


def test_whole_container_keeps_its_trackid(demo, actors, tmp_path):
    from core.erp.imports import run_import

    (tmp_path / "s.csv").write_text("track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                                    "T900001,RM-YEAST,YE2611-20,C-COLD-01,5.000,2026-12-08,2026-11-20,AVAILABLE,"
                                    "0.050,Y\n")
    run_import("stock", str(tmp_path / "s.csv"))
    release(actors["planner"], [JOB])  # the opened 5 kg box ranks first and covers the 5 kg yeast line
    r = confirm_pick(actors["picker"], JOB, 2, "T900001", 5000)
    assert r.portion == "T900001"
    unit = StockUnit.get(StockUnit.track_id == "T900001")
    assert unit.location_id == "WIP-BAKERY" and unit.state == "ISSUED" and unit.job == JOB and unit.on_hand == 5000
    moves = [(m.location, m.qty) for m in Movement.select().where(Movement.unit == "T900001").order_by(Movement.id)]
    assert moves == [("C-COLD-01", 5000), ("C-COLD-01", -5000), ("WIP-BAKERY", 5000)]
    _books_true()


def test_tolerance_band_is_enforced(released, actors):
    assert band(5000, True, 2000) == (4900, 5100)
    with pytest.raises(BusinessRefusal, match="outside the tolerance"):
        confirm_pick(actors["picker"], JOB, 2, "T000141", 5101)
    r = confirm_pick(actors["picker"], JOB, 2, "T000141", 5100)  # inclusive
    assert r.qty == 5100
    # the extra 0.1 kg came from the container's free stock; the reservation is gone entirely
    assert StockUnit.get(StockUnit.track_id == "T000141").on_hand == 4900
    _books_true()


def test_double_confirmation_records_once(released, actors):
    first = confirm_pick(actors["picker"], JOB, 3, "T000131", 4500, request_id="req-1")
    again = confirm_pick(actors["picker"], JOB, 3, "T000131", 4500, request_id="req-1")
    assert again.repeated and again.portion == first.portion
    assert Posting.select().count() == 1
    with pytest.raises(BusinessRefusal, match="nothing left to pick"):
        confirm_pick(actors["picker"], JOB, 3, "T000131", 4500)


def test_substitute_needs_reason_and_eligibility(released, actors):
    # salt is single-lot: the line holds SA2604-01 (T000131); T000132 is lot SA2609-03
    with pytest.raises(UserInputError, match="reason"):
        confirm_pick(actors["picker"], JOB, 3, "T000132", 4500)
    with pytest.raises(BusinessRefusal, match="one lot"):
        confirm_pick(actors["picker"], JOB, 3, "T000132", 4500, reason="CLOSER")
    assert Posting.select().count() == 0
    # sugar is not single-lot: T000122 (same lot, a sibling bag) may replace the suggested T000123 (opened)
    task = PickTask.select().join(JobLine).where((JobLine.job == JOB) & (JobLine.line == 4)).first()
    r = confirm_pick(actors["picker"], JOB, 4, "T000122", 10000, reason="DAMAGED")
    assert r.source == "T000122"
    assert StockUnit.get(StockUnit.track_id == task.unit_id).reserved == 0
    assert AuditEvent.select().where(AuditEvent.action == "pick.substitute").count() == 1
    _books_true()


def test_held_or_quarantined_unit_refused(released, actors):
    with pytest.raises(BusinessRefusal, match="hold"):
        confirm_pick(actors["picker"], JOB, 2, "T000145", 5000, reason="CLOSER")
    with pytest.raises(BusinessRefusal, match="holds RM-SUGAR"):
        confirm_pick(actors["picker"], JOB, 2, "T000121", 5000)


def test_short_pick_keeps_line_open(released, actors):
    task = PickTask.select().join(JobLine).where((JobLine.job == JOB) & (JobLine.line == 5)).first()
    short_pick(actors["picker"], JOB, 5, task.unit_id, "NO_STOCK")
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 5))
    assert "short pick" in line.short_reason and line.allocated == 0 and line.issued == 0
    assert StockUnit.get(StockUnit.track_id == task.unit_id).reserved == 0
    # releasing again tops the line up from other stock
    again = release(actors["planner"], [JOB])
    assert any(a.line == 5 for a in again.allocations)
    _books_true()


@pytest.mark.parametrize("role", ["operator", "planner"])
def test_roles_that_may_not_pick(released, actors, role):
    with pytest.raises(PermissionDenied):
        confirm_pick(actors[role], JOB, 3, "T000131", 4500)
    assert Movement.select().where(Movement.kind == "PICK").count() == 0


def test_a_pick_waiting_for_another_terminal_sees_what_that_one_changed(pg_url, templates, actors):
    """PostgreSQL: another terminal holds the container's row, uses up 1 kg of the line's hold and commits while this
    pick waits for the row. The pick must take the hold as it is after that commit (3.5 kg), not as it was when it
    started waiting (4.5 kg): read in the same statement as the lock, the hold was the old one and the container's
    reserved went below zero (a stress run found it)."""
    import time

    import psycopg2

    from tests.conftest import _copy_of

    _copy_of(templates, "demo", pg_url)
    release(actors["planner"], [JOB])
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 3))
    other = psycopg2.connect(pg_url)
    cur = other.cursor()
    cur.execute("UPDATE stock_unit SET reserved = reserved - 1000 WHERE track_id = 'T000131'")
    cur.execute("UPDATE reservation SET qty = qty - 1000 WHERE job_line = %s AND track_id = 'T000131'", (line.id,))
    cur.execute("UPDATE job_line SET allocated = allocated - 1000 WHERE id = %s", (line.id,))
    outcome = {}
    waiting = pick_on_its_own_connection(actors["picker"], outcome)
    watch = psycopg2.connect(pg_url)
    deadline = time.monotonic() + 20
    with watch.cursor() as w:
        while time.monotonic() < deadline:  # until the pick waits on the row lock
            w.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND wait_event_type = 'Lock'")
            if w.fetchone()[0]:
                break
            watch.rollback()
    watch.close()
    other.commit()
    other.close()
    waiting.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].qty == 4500
    _books_true()
    line = JobLine.get(JobLine.id == line.id)
    assert line.allocated == 0 and line.issued == 4500


def test_trackids_count_on_from_the_counter_when_the_sequence_arrives(pg_url, templates):
    """PostgreSQL takes TrackIDs from a sequence that `jobfloor init` makes. Before that (a database of an older
    jobfloor) they come from the counter row as they did, and the sequence then counts on from the counter: no
    TrackID is ever handed out twice."""
    from core.data import serials
    from core.data.db import db, write_txn
    from core.data.schema import init_schema
    from tests.conftest import _copy_of

    _copy_of(templates, "empty", pg_url)
    db.execute_sql("DROP SEQUENCE track_id_seq")
    serials._SEQUENCE.clear()
    with write_txn():
        before = serials.new_track_id()
    init_schema()
    serials._SEQUENCE.clear()
    with write_txn():
        after = serials.new_track_id()
    assert (before, after) == ("T1000001", "T1000002")


def test_a_substitute_scanned_takes_over_the_hold_before_anything_is_poured(released, actors):
    """Issue 15.1 at the service: the Pick screen moves the line's hold to the container scanned, checked as
    allocation would check it, so the pour and its confirmation go on from that container."""
    from core.jobs.pick_list import open_tasks
    from core.jobs.picking import substitute

    sugar = next(t for t in open_tasks(JOB) if t.line == 4)
    assert sugar.track_id == "T000121"
    with pytest.raises(UserInputError, match="reason"):
        substitute(actors["picker"], JOB, 4, "T000121", "T000122", None)
    substitute(actors["picker"], JOB, 4, "T000121", "T000122", "DAMAGED")
    moved = next(t for t in open_tasks(JOB) if t.line == 4)
    assert (moved.id, moved.track_id, moved.target) == (sugar.id, "T000122", sugar.target)
    assert StockUnit.get(StockUnit.track_id == "T000121").reserved == 0
    assert StockUnit.get(StockUnit.track_id == "T000122").reserved == sugar.target
    assert confirm_pick(actors["picker"], JOB, 4, "T000122", sugar.target).source == "T000122"  # no reason again
    # salt must stay on its lot (single-lot item): refused at the scan, nothing moved
    with pytest.raises(BusinessRefusal, match="one lot for this line: use a container of lot SA2604-01"):
        substitute(actors["picker"], JOB, 3, "T000131", "T000132", "CLOSER")
    assert next(t for t in open_tasks(JOB) if t.line == 3).track_id == "T000131"
    assert AuditEvent.select().where(AuditEvent.action == "pick.substitute").count() == 1
    _books_true()


def test_a_short_pick_books_what_is_in_the_job_container(released, actors):
    """Issue 15.2: F4 with 3 kg of the 5 kg of yeast poured posts the 3 kg as a pick and leaves the line short by
    2 kg, in one transaction; nothing weighed is lost."""
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 2))
    task = PickTask.get(PickTask.job_line == line.id)
    r = short_pick(actors["picker"], JOB, 2, task.unit_id, "NO_STOCK", partial=3000, request_id="short-1",
                   weighed={"net": 3000})
    assert r.qty == 3000 and not r.line_done
    line = JobLine.get(JobLine.id == line.id)
    assert line.issued == 3000 and line.allocated == 0 and line.short_reason.endswith("(2.000 missing)")
    task = PickTask.get(PickTask.id == task.id)
    assert (task.state, task.picked) == ("SHORT", 3000)
    assert Posting.get().qty == 3000
    assert StockUnit.get(StockUnit.track_id == r.portion).on_hand == 3000
    again = short_pick(actors["picker"], JOB, 2, task.unit_id, "NO_STOCK", partial=3000, request_id="short-1")
    assert again.repeated and Posting.select().count() == 1
    _books_true()


def test_a_short_pick_cannot_book_more_than_is_left(released, actors):
    task = PickTask.select().join(JobLine).where((JobLine.job == JOB) & (JobLine.line == 2)).first()
    with pytest.raises(BusinessRefusal, match="it is not short"):
        short_pick(actors["picker"], JOB, 2, task.unit_id, "NO_STOCK", partial=task.qty + 1)
    assert Posting.select().count() == 0 and PickTask.get(PickTask.id == task.id).state == "OPEN"

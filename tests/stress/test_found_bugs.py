"""Bugs the stress runs found, each pinned by the smallest case that shows it."""
from core.data.models import JobLine, PickTask, Posting, StockUnit
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import issued_to_job, return_unit
from core.stock.ledger import ledger_mismatches
from tests.cli_env import pin_env

BRAKE_JOB = "000000000020001"


def test_a_whole_container_issued_to_a_job_can_come_back(demo, actors):
    # A whole container keeps its TrackID and moves to WIP as two ISSUE rows (out of the store, into WIP);
    # the return once summed both and saw nothing issued, so a drum or roll that went whole could not return.
    release(actors["planner"], [BRAKE_JOB])
    task = next(t for t in PickTask.select().join(JobLine).where(JobLine.job == BRAKE_JOB)
                if t.qty == StockUnit.get(StockUnit.track_id == t.unit_id).on_hand)
    line = task.job_line.line
    picked = confirm_pick(actors["picker"], BRAKE_JOB, line, task.unit_id, task.qty)
    assert picked.portion == picked.source  # moved whole
    assert issued_to_job(picked.source).issued == task.qty
    back = return_unit(actors["operator"], picked.source, 1000, "A-01-01")
    assert Posting.get(Posting.key == back.posting).qty == -1000
    assert JobLine.get((JobLine.job == BRAKE_JOB) & (JobLine.line == line)).issued == task.qty - 1000
    assert ledger_mismatches() == []


def test_a_substitute_holding_less_than_the_suggested_container_leaves_the_line_true(demo, actors, tmp_path):
    # The suggested container gave up all it held for the line and the substitute could hold only part of it:
    # the rest was no longer reserved, yet the line still counted it as allocated (a top-up then saw it covered).
    from core.data.models import Reservation
    from core.erp.imports import run_import

    release(actors["planner"], [BRAKE_JOB])
    task = next(t for t in PickTask.select().join(JobLine).where((JobLine.job == BRAKE_JOB)
                                                                & (JobLine.item == "BK-BRACKET")))
    stock = tmp_path / "stock.csv"
    stock.write_text("track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                     "T009901,BK-BRACKET,BR2611-01,K-01-02,5.000,,2026-11-20,AVAILABLE,,N\n")
    run_import("stock", str(stock))
    line = task.job_line
    confirm_pick(actors["picker"], BRAKE_JOB, line.line, "T009901", 5000, reason="CLOSER")
    line = JobLine.get_by_id(line.id)
    held = sum(r.qty for r in Reservation.select().where(Reservation.job_line == line.id))
    assert line.allocated == held
    assert ledger_mismatches() == []


def test_two_exports_into_one_folder_at_once(demo, tmp_path):
    # Two exports used the same temporary name for a posting, and the second rename failed with a traceback.
    import datetime as dt
    import subprocess
    import sys
    from pathlib import Path

    from core.erp.postings import documents

    Posting.insert_many([{"key": f"PICK-J-1-{k:09d}", "job": "J", "stock_code": "RM-FLOUR", "line": 1,
                          "qty": 1000 + k, "txn_date": dt.date(2026, 11, 25)} for k in range(400)]).execute()
    out = tmp_path / "erp"
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "tui.entry", "--db", demo.url, "postings", "export", str(out), "--user", "PL1"]
    procs = [subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=pin_env("PL1"))
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    files = sorted(f.name for f in out.iterdir())
    assert files == sorted(name for p in Posting.select() for name in documents(p))
    assert all((out / name).read_bytes() == data for p in Posting.select() for name, data in documents(p).items())
    assert not Posting.select().where(Posting.exported_at.is_null()).exists()


def test_two_terminals_taking_the_first_trackid_at_once(database):
    # On a fresh database both created the counter row and one pick failed with a duplicate key.
    import threading

    from core.data.db import db, is_postgres, write_txn
    from core.data.serials import next_value

    got, errors = [], []
    barrier = threading.Barrier(2)

    def take():
        db.connect(reuse_if_open=True)  # peewee keeps one connection per thread
        try:
            with write_txn():
                if is_postgres():
                    barrier.wait(timeout=10)  # both inside a transaction before either counts
                got.append(next_value("track_id"))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors and sorted(got) == [1_000_001, 1_000_002]


def _deadlock_once(monkeypatch, module, name):
    """The first call of module.name fails as PostgreSQL's deadlock victim does; later calls go through."""
    import peewee

    real, calls = getattr(module, name), []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise peewee.OperationalError("deadlock detected")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    return calls


def test_unrelease_and_short_pick_are_retried_as_deadlock_victims(demo, actors, monkeypatch):
    # Both ran their transaction once: a deadlock with a release or a pick reached the user as a traceback.
    import core.jobs.picking
    import core.jobs.release
    from core.data.models import Job
    from core.jobs.release import unrelease

    release(actors["planner"], [BRAKE_JOB, "000000000012345"])
    calls = _deadlock_once(monkeypatch, core.jobs.release, "record")
    assert unrelease(actors["supervisor"], BRAKE_JOB) > 0
    assert len(calls) == 2 and Job.get_by_id(BRAKE_JOB).state == "IMPORTED"
    task = PickTask.select().join(JobLine).where(JobLine.job == "000000000012345").first()
    calls = _deadlock_once(monkeypatch, core.jobs.picking, "record")
    core.jobs.picking.short_pick(actors["picker"], "000000000012345", task.job_line.line, task.unit_id, "DAMAGED")
    assert len(calls) == 2 and PickTask.get_by_id(task.id).state == "SHORT"
    assert ledger_mismatches() == []


def test_a_deadlock_inside_a_bulk_write_is_retried(demo, actors, monkeypatch):
    # bulk() wrote with the driver's cursor, so PostgreSQL's DeadlockDetected was not the peewee error
    # `retrying` knows, and a release chosen as deadlock victim failed with a traceback.
    import pytest

    from core.data.db import is_postgres

    if not is_postgres():
        pytest.skip("SQLite holds the write lock for the whole transaction: no deadlock victims")
    import psycopg2.errors
    import psycopg2.extras

    real, calls = psycopg2.extras.execute_values, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise psycopg2.errors.DeadlockDetected("deadlock detected")
        return real(*args, **kwargs)

    monkeypatch.setattr(psycopg2.extras, "execute_values", flaky)
    result = release(actors["planner"], [BRAKE_JOB])
    assert result.released == [BRAKE_JOB] and len(calls) > 1
    assert ledger_mismatches() == []

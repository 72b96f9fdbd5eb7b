"""Job release on both databases: the default FEFO rules, the JSON of docs/interchange.md, top-ups, un-release."""
import pytest

from core.allocator.rules import NO_SINGLE_LOT
from core.data.models import Job, JobLine, PickTask, Reservation, StockUnit
from core.errors import BusinessRefusal, PermissionDenied
from core.jobs.release import release, slip, unrelease
from core.stock.ledger import ledger_mismatches


def _reserved_ok():
    for u in StockUnit.select():
        total = sum(r.qty for r in Reservation.select().where(Reservation.unit == u.track_id))
        assert u.reserved == total, u.track_id
        assert 0 <= u.reserved <= u.on_hand, u.track_id


@pytest.mark.parametrize("kernel", ["compiled ahead of time", "jit"])
def test_release_follows_fefo_and_reports_json(demo, actors, kernel, aot_kernel, monkeypatch):
    # Where no kernel was compiled ahead of time (a site without a C compiler), the JIT kernel does the same.
    from core.allocator import aot

    monkeypatch.setattr(aot, "load", (lambda: aot_kernel) if kernel != "jit" else (lambda: None))
    result = release(actors["planner"], ["000000000012345"])
    doc = result.as_json()
    assert doc["released"] == ["000000000012345"]
    flour = [a for a in doc["allocations"] if a["line"] == 1]
    # Flour: the opened tote (earliest expiry 2027-03-20) first, then the 25 kg bags of FL2610-01.
    assert flour[0] == {"job": "000000000012345", "line": 1, "item": "RM-FLOUR", "track_id": "T000107",
                        "lot": "FL2609-07", "qty": "225.000"}
    # Yeast is single-lot: YE2611-12 expires 2026-11-30 < start 26th + 3 days, so it is skipped; YE2611-20 covers.
    yeast = [a for a in doc["allocations"] if a["line"] == 2]
    assert [(a["track_id"], a["qty"]) for a in yeast] == [("T000141", "5.000")]
    assert doc["shortages"] == []
    assert all(isinstance(a["qty"], str) and a["qty"].count(".") == 1 and len(a["qty"].split(".")[1]) == 3
               for a in doc["allocations"])
    job = Job.get(Job.job == "000000000012345")
    assert job.state == "RELEASED" and job.output_lot == "12345-261126"
    # the kit-issued bag line is never allocated
    assert JobLine.get((JobLine.job == job.job) & (JobLine.line == 6)).allocated == 0
    _reserved_ok()
    assert ledger_mismatches() == []


def test_priority_order_across_jobs_in_one_call(demo, actors):
    # 12348 (priority 5) takes flour before 12345 (priority 10), whatever order they are named in.
    result = release(actors["planner"], ["000000000012345", "000000000012348"])
    assert result.released == ["000000000012348", "000000000012345"]
    first_flour = next(a for a in result.allocations if a.item == "RM-FLOUR")
    assert first_flour.job == "000000000012348" and first_flour.track_id == "T000107"


def test_release_all_reports_shortages_with_reasons(demo, actors):
    result = release(actors["planner"], all_imported=True)
    assert len(result.released) == 11
    shorts = {(s.job, s.line): s for s in result.shortages}
    sponge = shorts[("000000000012349", 1)]
    assert sponge.reason == NO_SINGLE_LOT and sponge.allocated == 0 and sponge.required == 120000
    pads = shorts[("000000000020003", 1)]
    assert pads.allocated == 200000 and pads.required == 250000 and "short" in pads.reason
    assert JobLine.get((JobLine.job == "000000000020003") & (JobLine.line == 1)).short_reason == pads.reason
    _reserved_ok()
    # --all does not top up: a second call finds nothing imported
    assert release(actors["planner"], all_imported=True).released == []


def test_top_up_after_stock_arrives(demo, actors, tmp_path):
    from core.erp.imports import run_import

    release(actors["planner"], all_imported=True)
    before = JobLine.get((JobLine.job == "000000000020003") & (JobLine.line == 1)).allocated
    csv = tmp_path / "stock.csv"
    csv.write_text("track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                   "T009001,BK-PAD-F,PD2611-C,K-01-01,80.000,,2026-11-25,AVAILABLE,,N\n")
    run_import("stock", str(csv))
    result = release(actors["planner"], ["000000000020003"])
    assert [(a.line, a.track_id, a.qty) for a in result.allocations if a.line == 1] == [(1, "T009001", 50000)]
    line = JobLine.get((JobLine.job == "000000000020003") & (JobLine.line == 1))
    assert line.allocated == before + 50000 and line.short_reason is None
    # a covered line gets nothing more
    again = release(actors["planner"], ["000000000020003"])
    assert not [a for a in again.allocations if a.line == 1]
    _reserved_ok()


def test_unrelease_gives_everything_back(demo, actors):
    release(actors["planner"], ["000000000012345"])
    assert StockUnit.get(StockUnit.track_id == "T000107").reserved == 225000
    unrelease(actors["supervisor"], "000000000012345")
    assert StockUnit.select().where(StockUnit.reserved != 0).count() == 0
    assert PickTask.select().count() == 0 and Reservation.select().count() == 0
    job = Job.get(Job.job == "000000000012345")
    assert job.state == "IMPORTED" and job.output_lot == "12345-261126"  # the output lot never changes
    release(actors["planner"], ["000000000012345"])
    assert Job.get(Job.job == "000000000012345").output_lot == "12345-261126"


def test_roles_that_may_not_release(demo, actors):
    for role in ("operator", "picker"):
        with pytest.raises(PermissionDenied):
            release(actors[role], ["000000000012345"])
    assert Job.get(Job.job == "000000000012345").state == "IMPORTED"


def test_unknown_job_changes_nothing(demo, actors):
    with pytest.raises(Exception, match="000000000099999"):
        release(actors["planner"], ["000000000012345", "000000000099999"])
    assert Reservation.select().count() == 0


def test_slip_in_walk_order(demo, actors):
    release(actors["planner"], ["000000000012345"])
    lines = slip("000000000012345")
    assert [x["line"] for x in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[5]["kit_issue"] and lines[5]["tasks"] == []
    assert lines[0]["tasks"][0]["location"] == "A-01-02"


def test_released_job_reimport_change_refused(demo, actors, tmp_path):
    from pathlib import Path

    from core.erp.imports import ImportFileError, run_import

    release(actors["planner"], ["000000000012345"])
    fix = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "jobs.xml"
    text = fix.read_text().replace("<Priority>10</Priority>", "<Priority>11</Priority>", 1)
    (tmp_path / "jobs.xml").write_text(text)
    with pytest.raises(ImportFileError, match="already released"):
        run_import("jobs", str(tmp_path / "jobs.xml"))
    assert run_import("jobs", str(fix)).unchanged == 11
    with pytest.raises(BusinessRefusal):
        unrelease(actors["supervisor"], "000000000012346")


def test_release_bench_anchors_give_the_same_reservations(aot_kernel, capsys):
    """bench.release times `release --all` against a per-line SQL allocator and a plain Python one over the ERP
    files: they must reserve exactly what jobfloor reserves, or their times say nothing about it."""
    from bench.release import main

    main(["--db", "sqlite", "--jobs", "30", "--lines", "4", "--units", "1500", "--runs", "1", "--no-replan"])
    out = capsys.readouterr().out
    assert "reservations" in out and "the three agree reservation for reservation: yes" in out

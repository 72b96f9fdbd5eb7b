"""Genealogy from the ledger on both databases, checked against hand-built expectations.

The demo's two-level bakery: the sponge job 12348 makes SF-SPONGE from flour and yeast; the bread job 12349 uses
that sponge, more of the same flour (part of it returned) and yeast that all comes back. The brake line's kit bins
give the may-contain windows.
"""
import csv
import json

import pytest

from core.data.models import AuditEvent, KitTask, LabelJob, Lot, Movement, StockUnit
from core.errors import NotFound, PermissionDenied, UserInputError
from core.jobs.completion import complete_job
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import return_unit
from core.kitbins.bins import confirm_replenishment, sweep_tasks
from core.trace.genealogy import trace
from core.trace.holds import hold_lot
from core.trace.lookup import resolve
from core.trace.report import export_recall

SPONGE_JOB, BREAD_JOB = "000000000012348", "000000000012349"
SPONGE, BREAD = "12348-261126", "12349-261127"
FLOUR = "FL2609-07"


def sponge_chain(actors) -> dict:
    """Run the two bakery jobs through the floor; returns the TrackIDs a test may want."""
    release(actors["planner"], [SPONGE_JOB])
    confirm_pick(actors["picker"], SPONGE_JOB, 1, "T000107", 90_000)  # flour FL2609-07
    confirm_pick(actors["picker"], SPONGE_JOB, 2, "T000144", 600)  # yeast YE2611-12
    sponge = complete_job(actors["supervisor"], SPONGE_JOB, close_short="not picked in this test")
    release(actors["planner"], [BREAD_JOB])
    confirm_pick(actors["picker"], BREAD_JOB, 1, sponge.track_id, 120_000)
    flour = confirm_pick(actors["picker"], BREAD_JOB, 2, "T000107", 180_000)
    return_unit(actors["operator"], flour.portion, 20_000, "A-01-02")  # 160 kg used
    yeast = confirm_pick(actors["picker"], BREAD_JOB, 5, "T000141", 3_600)
    return_unit(actors["operator"], yeast.portion, 3_600, "C-COLD-01")  # all of it came back
    bread = complete_job(actors["supervisor"], BREAD_JOB, close_short="not picked in this test")
    return {"sponge": sponge.track_id, "bread": bread.track_id, "flour_back": flour.portion}


def test_raw_lot_forward_two_levels_net_of_returns(demo, actors):
    sponge_chain(actors)
    got = trace(FLOUR).as_json()
    assert (got["item"], got["lot"]) == ("RM-FLOUR", FLOUR)
    assert got["forward"] == [
        {"depth": 1, "job": SPONGE_JOB, "item": "SF-SPONGE", "lot": SPONGE, "qty": "90.000"},
        {"depth": 1, "job": BREAD_JOB, "item": "FG-BREAD-800", "lot": BREAD, "qty": "160.000"},
        {"depth": 2, "job": BREAD_JOB, "item": "FG-BREAD-800", "lot": BREAD, "qty": "120.000"},
    ]
    assert got["backward"] == [] and got["kit_bins"] == []
    assert trace(FLOUR) == {k: got[k] for k in ("item", "lot", "forward", "backward", "kit_bins")}  # the contract
    assert trace(FLOUR)["forward"] == got["forward"]
    assert trace("YE2611-20").forward == []  # issued to the bread job and all of it came back


def test_finished_lot_backward_two_levels(demo, actors):
    ids = sponge_chain(actors)
    got = trace(BREAD, "FG-BREAD-800").as_json()
    assert got["forward"] == []
    assert got["backward"] == [
        {"depth": 1, "job": BREAD_JOB, "item": "RM-FLOUR", "lot": FLOUR, "qty": "160.000"},
        {"depth": 1, "job": BREAD_JOB, "item": "SF-SPONGE", "lot": SPONGE, "qty": "120.000"},
        {"depth": 2, "job": SPONGE_JOB, "item": "RM-FLOUR", "lot": FLOUR, "qty": "90.000"},
        {"depth": 2, "job": SPONGE_JOB, "item": "RM-YEAST", "lot": "YE2611-12", "qty": "0.600"},
    ]
    assert trace(ids["bread"]).as_json() == got  # the finished pallet's TrackID finds the same lot


def test_intermediate_lot_both_ways_and_where_it_is(demo, actors):
    ids = sponge_chain(actors)
    t = trace(SPONGE)
    assert [x.as_json() for x in t.forward] == [
        {"depth": 1, "job": BREAD_JOB, "item": "FG-BREAD-800", "lot": BREAD, "qty": "120.000"}]
    assert [(x.job, x.item, x.lot, x.qty) for x in t.backward] == [
        (SPONGE_JOB, "RM-FLOUR", FLOUR, 90_000), (SPONGE_JOB, "RM-YEAST", "YE2611-12", 600)]
    assert t.made_by == SPONGE_JOB
    sponge = t.where[("SF-SPONGE", SPONGE)]
    assert (sponge.store, sponge.wip, sponge.consumed) == (30_000, 0, 120_000)
    assert sponge.places == [("C-COLD-01", "STORE", "AVAILABLE", 30_000)]
    flour = t.where[("RM-FLOUR", FLOUR)]
    assert (flour.store, flour.consumed) == (412_350 - 90_000 - 180_000 + 20_000, 250_000)
    bread = t.where[("FG-BREAD-800", BREAD)]
    assert bread.dispatch == 600_000 and bread.places == [("DISPATCH-1", "DISPATCH", "AVAILABLE", 600_000)]
    assert t.jobs[BREAD_JOB].completed is not None and t.jobs[SPONGE_JOB].start.isoformat() == "2026-11-26"
    assert ids["flour_back"] in {s.track_id for s in StockUnit.select().where(StockUnit.location == "A-01-02")}


def test_kit_bin_windows(demo, actors):
    """Clip lot CL2609-02 leaves the bin with the first brake job; CL2610-07 comes in after it."""
    release(actors["planner"], ["000000000020001"])
    # draws the last 350 clips of CL2609-02
    complete_job(actors["supervisor"], "000000000020001", close_short="not picked in this test")
    sweep_tasks(actors["operator"])
    task = KitTask.get((KitTask.location == "KB-CLIP") & (KitTask.state == "OPEN"))
    confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP")  # all of CL2610-07 moves in
    release(actors["planner"], ["000000000020002"])
    complete_job(actors["supervisor"], "000000000020002", close_short="not picked in this test")

    def at(**where):
        q = Movement.select().where(*[getattr(Movement, k) == v for k, v in where.items()]).order_by(Movement.id)
        return q.first().at.replace(microsecond=0).isoformat()

    old = trace("CL2609-02").as_json()
    assert old["forward"] == [] and old["kit_bins"] == [
        {"job": "000000000020001", "location": "KB-CLIP", "from": at(unit="T000214", kind="OPENING"),
         "to": at(unit="T000214", kind="CONSUME")}]
    new = trace("CL2610-07").as_json()
    assert new["kit_bins"] == [
        {"job": "000000000020002", "location": "KB-CLIP", "from": at(unit="T000211", location="KB-CLIP"),
         "to": None}]
    # the other way: what the first brake kits may contain from the bins they drew from
    kit = trace("20001-261126", "FG-BRAKE-KIT")
    assert sorted((k.location, k.lot) for k in kit.kit_lots) == [
        ("KB-BOLT-M10", "BO2610-05"), ("KB-CLIP", "CL2609-02"), ("KB-NUT-M10", "NU2610-01")]
    assert json.loads(json.dumps(kit.as_json()))["kit_lots"][0]["depth"] == 1


def test_lookup_by_trackid_sscc_and_ambiguity(demo, actors):
    sponge_chain(actors)
    assert resolve("T000107") == ("RM-FLOUR", FLOUR)
    LabelJob.create(job=BREAD_JOB, kind="pallet", sscc="095011010000000017", content="{}")
    assert resolve("095011010000000017") == ("FG-BREAD-800", BREAD)
    assert resolve("fl2609-07") == ("RM-FLOUR", FLOUR)  # typed in lower case
    Lot.create(item="RM-FLOUR-WM", code=FLOUR)
    with pytest.raises(UserInputError, match="--item"):
        resolve(FLOUR)
    assert resolve(FLOUR, "RM-FLOUR") == ("RM-FLOUR", FLOUR)
    with pytest.raises(UserInputError, match="no lot"):
        resolve("T000171")  # bags are not lot-tracked
    with pytest.raises(NotFound):
        resolve("NO-SUCH-LOT")
    with pytest.raises(NotFound, match="item"):
        resolve(FLOUR, "NO-SUCH-ITEM")


def test_hold_puts_every_unit_of_the_lot_on_hold(demo, actors):
    ids = sponge_chain(actors)
    with pytest.raises(PermissionDenied):
        hold_lot(actors["planner"], FLOUR)
    with pytest.raises(PermissionDenied):
        hold_lot(actors["operator"], FLOUR)
    r = hold_lot(actors["supervisor"], FLOUR, "RM-FLOUR")
    assert sorted(r.units) == sorted(["T000107", ids["flour_back"]]) and r.qty == 162_350
    assert {u.status for u in StockUnit.select().join(Lot).where(Lot.code == FLOUR) if u.on_hand} == {"HOLD"}
    ev = AuditEvent.get(AuditEvent.action == "lot.hold")
    assert ev.user == "SV1" and json.loads(ev.detail)["units"] == sorted(r.units)
    assert hold_lot(actors["supervisor"], FLOUR).units == []  # nothing more to hold
    # held stock is no longer offered to a job
    res = release(actors["planner"], ["000000000012345"])
    assert "T000107" not in {a.track_id for a in res.allocations}


def test_recall_export(demo, actors, tmp_path):
    sponge_chain(actors)
    csv_path, txt_path = export_recall(trace(FLOUR), tmp_path / "recall")
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["relation"], r["depth"], r["job"], r["item"], r["lot"], r["qty"]) for r in rows] == [
        ("traced", "0", "", "RM-FLOUR", FLOUR, ""),
        ("forward", "1", SPONGE_JOB, "SF-SPONGE", SPONGE, "90.000"),
        ("forward", "1", BREAD_JOB, "FG-BREAD-800", BREAD, "160.000"),
        ("forward", "2", BREAD_JOB, "FG-BREAD-800", BREAD, "120.000"),
    ]
    assert rows[1]["in_store"] == "30.000" and rows[2]["at_dispatch"] == "600.000"
    text = txt_path.read_text()
    assert "RECALL REPORT" in text and f"FG-BREAD-800 lot {BREAD}: 600 at DISPATCH-1" in text


def test_cli_trace(demo, actors, capsys, tmp_path):
    from core.cli.main import main

    sponge_chain(actors)
    assert main(["--db", demo.url, "trace", FLOUR, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == trace(FLOUR).as_json()
    assert main(["--db", demo.url, "trace", BREAD, "--item", "FG-BREAD-800", "--export", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Backward (what went into it):" in out and "recall report:" in out
    assert len(list(tmp_path.glob("recall-*.csv"))) == 1
    assert main(["--db", demo.url, "trace", "NOPE"]) == 2
    assert "not a known lot" in capsys.readouterr().err

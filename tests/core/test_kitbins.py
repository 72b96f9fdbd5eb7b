"""Kit bins on both databases: levels and JSON, tasks once, confirmation, cycle counts, history and cover."""
import datetime as dt
import json

import pytest

from core.clock import utcnow
from core.data.models import AuditEvent, KitTask, Movement, StockUnit
from core.errors import BusinessRefusal, NotFound, PermissionDenied, UserInputError
from core.jobs.completion import complete_job
from core.jobs.release import release
from core.kitbins.bins import (
    board,
    confirm_replenishment,
    count_bin,
    history_from,
    kitbins,
    level,
    open_tasks,
    pieces_from_weight,
    suggest_sources,
    sweep_tasks,
)
from core.stock.ledger import ledger_mismatches

BRAKE = "000000000020001"
STOCK_HEADER = "track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"

DEMO_BINS = [
    {"location": "KB-BAG-800", "item": "PK-BAG-800", "level": "1200.000", "min": "500.000", "max": "3000.000",
     "below_min": False, "replenish_qty": "0.000"},
    {"location": "KB-BOLT-M10", "item": "BK-BOLT-M10", "level": "700.000", "min": "800.000", "max": "5000.000",
     "below_min": True, "replenish_qty": "4300.000"},
    {"location": "KB-CLIP", "item": "BK-CLIP", "level": "350.000", "min": "400.000", "max": "2000.000",
     "below_min": True, "replenish_qty": "1650.000"},
    {"location": "KB-NUT-M10", "item": "BK-NUT-M10", "level": "2600.000", "min": "800.000", "max": "5000.000",
     "below_min": False, "replenish_qty": "0.000"},
]


def _import_stock(tmp_path, rows: str):
    from core.erp.imports import run_import

    path = tmp_path / "more.csv"
    path.write_text(STOCK_HEADER + rows)
    run_import("stock", str(path))


def test_kitbins_json(demo, capsys):
    from core.cli.main import main

    assert kitbins() == DEMO_BINS
    assert main(["--db", demo.url, "kitbins", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == DEMO_BINS


def test_task_once_while_open(demo, actors):
    # The stock import that loaded these two bins low raised their tasks (issue 15.7): a sweep finds none to add.
    made = sweep_tasks(actors["operator"])
    tasks = {t.location_id: t for t in KitTask.select()}
    assert sorted(tasks) == ["KB-BOLT-M10", "KB-CLIP"] and made == []
    assert {e.user for e in AuditEvent.select().where(AuditEvent.action == "kit.task")} == {"import"}
    clip = tasks["KB-CLIP"]
    assert clip.qty == 1_650_000 and clip.state == "OPEN" and clip.item == "BK-CLIP"
    assert clip.due_at - clip.created_at == dt.timedelta(hours=4)  # kit_task_due_hours
    assert sweep_tasks(actors["operator"]) == []
    release(actors["planner"], [BRAKE])
    # empties the clip bin and lowers the bolts further
    complete_job(actors["supervisor"], BRAKE, close_short="not picked in this test")
    assert KitTask.select().count() == 2
    assert AuditEvent.select().where(AuditEvent.action == "kit.task").count() == 2
    with pytest.raises(PermissionDenied):
        sweep_tasks(actors["planner"])


def test_suggested_source_follows_fefo(demo, actors, tmp_path):
    _import_stock(tmp_path, "T900001,BK-CLIP,CL2611-09,K-02-01,500.000,,2026-11-20,AVAILABLE,,Y\n"
                            "T900002,BK-CLIP,CL2608-01,K-01-01,500.000,,2026-08-01,AVAILABLE,,N\n"
                            "T900003,BK-CLIP,CL2607-01,QC-HOLD,500.000,,2026-07-01,QUARANTINE,,N\n")
    # no expiry on clips: opened first, then received ascending; quarantine never
    assert [s.track_id for s in suggest_sources("BK-CLIP", 10**9)] == ["T900001", "T900002", "T000211"]
    assert [s.track_id for s in suggest_sources("BK-CLIP", 400_000)] == ["T900001"]
    sweep_tasks(actors["operator"])
    row = next(t for t in open_tasks() if t.location == "KB-CLIP")
    assert row.suggestion.startswith("T900001 @ K-02-01 lot CL2611-09") and row.qty == 1_650_000


def test_suggestion_respects_expiry_cutoff(demo):
    # yeast with 3 min remaining days: the lot that expires in 2 days is not offered
    got = [s.track_id for s in suggest_sources("RM-YEAST", 10**9, today=dt.date(2026, 11, 28))]
    assert "T000144" not in got and got[:2] == ["T000141", "T000142"]


def test_confirm_moves_part_into_the_bin(demo, actors):
    sweep_tasks(actors["operator"])
    task = KitTask.get(KitTask.location == "KB-CLIP")
    r = confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP")
    assert not r.whole and r.qty == 1_650_000 and r.unit != "T000211" and r.lot == "CL2610-07"
    new = StockUnit.get(StockUnit.track_id == r.unit)
    assert (new.location_id, new.on_hand, new.lot.code, new.parent) == ("KB-CLIP", 1_650_000, "CL2610-07", "T000211")
    src = StockUnit.get(StockUnit.track_id == "T000211")
    assert src.on_hand == 350_000 and src.location_id == "K-02-01" and src.opened
    into = Movement.get((Movement.unit == r.unit) & (Movement.location == "KB-CLIP"))
    assert into.kind == "TRANSFER" and into.qty == 1_650_000 and into.lot == "CL2610-07"
    assert KitTask.get_by_id(task.id).state == "DONE" and KitTask.get_by_id(task.id).done_by == "OP1"
    assert level("KB-CLIP") == 2_000_000 and r.next_task is None
    assert AuditEvent.select().where(AuditEvent.action == "kit.replenish").count() == 1
    assert ledger_mismatches() == []


def test_confirm_moves_a_small_container_whole(demo, actors, tmp_path):
    _import_stock(tmp_path, "T900010,BK-BOLT-M10,BO2611-09,K-02-01,100.000,,2026-11-01,AVAILABLE,,Y\n")
    sweep_tasks(actors["operator"])
    task = KitTask.get(KitTask.location == "KB-BOLT-M10")
    r = confirm_replenishment(actors["picker"], task.id, "T900010", "KB-BOLT-M10")
    assert r.whole and r.unit == "T900010" and r.qty == 100_000
    unit = StockUnit.get(StockUnit.track_id == "T900010")
    assert unit.location_id == "KB-BOLT-M10" and unit.on_hand == 100_000
    moves = [(m.location, m.qty) for m in Movement.select().where(
        (Movement.unit == "T900010") & (Movement.kind == "TRANSFER")).order_by(Movement.id)]
    assert moves == [("K-02-01", -100_000), ("KB-BOLT-M10", 100_000)]
    assert level("KB-BOLT-M10") == 800_000 and r.next_task is None  # at min: not below it
    assert ledger_mismatches() == []


def test_confirm_refusals_change_nothing(demo, actors, tmp_path):
    sweep_tasks(actors["operator"])
    task = KitTask.get(KitTask.location == "KB-CLIP")
    before = Movement.select().count()
    with pytest.raises(BusinessRefusal, match="not the bin"):
        confirm_replenishment(actors["operator"], task.id, "T000211", "KB-NUT-M10")
    with pytest.raises(BusinessRefusal, match="holds BK-NUT-M10"):
        confirm_replenishment(actors["operator"], task.id, "T000212", "KB-CLIP")
    with pytest.raises(NotFound):
        confirm_replenishment(actors["operator"], task.id, "T999999", "KB-CLIP")
    with pytest.raises(BusinessRefusal, match="only 2000"):
        confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP", qty=2_500_000)
    with pytest.raises(PermissionDenied):
        confirm_replenishment(actors["planner"], task.id, "T000211", "KB-CLIP")
    StockUnit.update(status="HOLD").where(StockUnit.track_id == "T000211").execute()
    with pytest.raises(BusinessRefusal, match="hold"):
        confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP")
    assert Movement.select().count() == before and KitTask.get_by_id(task.id).state == "OPEN"
    StockUnit.update(status="AVAILABLE").where(StockUnit.track_id == "T000211").execute()
    confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP", qty=100_000)
    with pytest.raises(BusinessRefusal, match="already done"):
        confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP")
    # 450 is still below the min of 400? no: above it, so no new task
    assert level("KB-CLIP") == 450_000 and KitTask.select().where(KitTask.state == "OPEN").count() == 1


def test_count_down_oldest_first_and_up_on_newest(demo, actors):
    sweep_tasks(actors["operator"])
    task = KitTask.get(KitTask.location == "KB-CLIP")
    fill = confirm_replenishment(actors["operator"], task.id, "T000211", "KB-CLIP")  # 350 old + 1650 new
    c = count_bin(actors["operator"], "KB-CLIP", counted=1_000_000)
    assert (c.before, c.after, c.method) == (2_000_000, 1_000_000, "count")
    old, new = StockUnit.get(StockUnit.track_id == "T000214"), StockUnit.get(StockUnit.track_id == fill.unit)
    assert (old.on_hand, old.state, new.on_hand) == (0, "EMPTY", 1_000_000)
    count_bin(actors["supervisor"], "KB-CLIP", counted=1_200_000)
    assert StockUnit.get(StockUnit.track_id == fill.unit).on_hand == 1_200_000
    kinds = [m.qty for m in Movement.select().where(Movement.kind == "COUNT").order_by(Movement.id)]
    assert kinds == [-350_000, -650_000, 200_000]
    assert AuditEvent.select().where(AuditEvent.action == "kit.count").count() == 2
    assert ledger_mismatches() == []


def test_count_by_weight(demo, actors):
    assert pieces_from_weight(2_100, 6_000) == 350_000  # 2.1 kg of 6 g clips
    assert pieces_from_weight(2_102, 6_000) == 350_000 and pieces_from_weight(2_103, 6_000) == 351_000  # half up
    assert pieces_from_weight(2_600, 6_000, tare_kg=500) == 350_000
    c = count_bin(actors["operator"], "KB-CLIP", weighed_kg=1_200, piece_weight_g=6_000)
    assert (c.before, c.after, c.method) == (350_000, 200_000, "weight")
    assert level("KB-CLIP") == 200_000
    ev = AuditEvent.get(AuditEvent.action == "kit.count")
    assert json.loads(ev.detail)["piece_weight_g"] == 6_000
    assert KitTask.select().where(KitTask.location == "KB-CLIP").count() == 1  # now below min


def test_count_refusals(demo, actors):
    with pytest.raises(UserInputError):
        count_bin(actors["operator"], "KB-CLIP")
    with pytest.raises(UserInputError):
        count_bin(actors["operator"], "KB-CLIP", counted=1, weighed_kg=1, piece_weight_g=1)
    with pytest.raises(UserInputError):
        count_bin(actors["operator"], "KB-CLIP", weighed_kg=1_000, piece_weight_g=0)
    with pytest.raises(BusinessRefusal, match="not a kit bin"):
        count_bin(actors["operator"], "A-01-01", counted=5_000)
    with pytest.raises(PermissionDenied):
        count_bin(actors["picker"], "KB-CLIP", counted=5_000)
    assert level("KB-CLIP") == 350_000


def test_history_from_the_ledger_and_days_of_cover(demo, actors):
    today = utcnow().date()
    # the bolt bin's opening lands ten days ago and the brake job's draw three days ago
    Movement.update(at=dt.datetime.combine(today - dt.timedelta(days=10), dt.time(8))).where(
        Movement.location == "KB-BOLT-M10").execute()
    release(actors["planner"], [BRAKE])
    complete_job(actors["supervisor"], BRAKE, close_short="not picked in this test")
    Movement.update(at=dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9))).where(
        (Movement.location == "KB-BOLT-M10") & (Movement.kind == "CONSUME")).execute()
    row = next(b for b in board(days=5) if b.location == "KB-BOLT-M10")
    assert row.history == [700_000, 300_000, 300_000, 300_000, 300_000]
    assert row.cover == pytest.approx(300 / (400 / 7))
    assert row.state == "LOW" and row.task is not None
    nut = next(b for b in board(days=5) if b.location == "KB-NUT-M10")
    assert nut.history[-1] == 2_200_000 and nut.state == "OK"
    bag = next(b for b in board(days=5) if b.location == "KB-BAG-800")
    # opened today by the import, nothing drawn since: empty before, and no rate to divide by
    assert bag.cover is None and bag.history == [0, 0, 0, 0, 1_200_000]


def test_history_arithmetic():
    days = [dt.date(2026, 11, d) for d in (20, 21, 22)]
    moves = {dt.date(2026, 11, 21): (-50, 50), dt.date(2026, 11, 22): (200, 0)}
    assert history_from(300, days, moves) == [150, 100, 300]


def test_an_import_raises_the_tasks_of_the_bins_it_leaves_low(demo, actors, tmp_path):
    """Issue 15.7: not whoever next opens the task list. A locations import that raises a min does it too."""
    from core.erp.imports import run_import

    KitTask.delete().execute()
    _import_stock(tmp_path, "T900020,BK-NUT-M10,NU2611-09,K-02-01,10.000,,2026-11-20,AVAILABLE,,N\n")
    assert sorted(t.location_id for t in KitTask.select()) == ["KB-BOLT-M10", "KB-CLIP"]
    path = tmp_path / "locations.csv"
    path.write_text("location,zone,pick_seq,kit_item,min_qty,max_qty\nKB-NUT-M10,KITBIN,0,BK-NUT-M10,3000,5000\n")
    run_import("locations", str(path))
    nut = KitTask.get(KitTask.location == "KB-NUT-M10")
    assert nut.state == "OPEN" and nut.qty == 2_400_000  # 2600 in the bin, max 5000
    assert sweep_tasks(actors["operator"]) == []

"""Issue 15.6, as an operator does it: a return with a tare of its own, and an over-return refused at the weight.

Before the pick the job's bucket was tared, so a dispensed portion has no tare on record (0). It comes back in a
bucket: the Return screen's tare step tares an empty bucket on the scale (MT-SICS takes the command; PICK-2's
Toledo streams and cannot, so jobfloor keeps the tare) or takes a typed tare. More than the job holds (7.5 kg,
tolerance 0.5 %) is refused at Enter on the weight, before any location is scanned; the net is booked.
"""
import json
from decimal import Decimal

import pytest

from core.data.models import AuditEvent, JobLine, Movement, Posting, StockUnit
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.floor_keys import SIZE_IDS, SIZES, make_app, open_screen, scan, screen_text, wait_for, wait_text

JOB = "000000000012345"


@pytest.fixture
def portion(sqlite_demo):
    release(Actor("PL1", "planner"), [JOB])
    return sqlite_demo.url, confirm_pick(Actor("PK1", "picker", "PICK-1"), JOB, 5, "T000152", 7500).portion


def _returns():
    return list(Movement.select().where(Movement.kind == "RETURN").order_by(Movement.id))


def _booked(portion: str, tare: int, tare_by: str) -> None:
    unit = StockUnit.get(StockUnit.track_id == portion)
    assert (unit.on_hand, unit.location_id, unit.tare_milli_kg) == (2250, "D-DRUM-01", tare)
    assert [(m.location, m.qty) for m in _returns()] == [("WIP-BAKERY", -7500), ("D-DRUM-01", 2250)]
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 5)).issued == 5250
    assert [p.qty for p in Posting.select().where(Posting.qty < 0)] == [-2250]
    assert ledger_mismatches() == []
    how = json.loads(AuditEvent.get(AuditEvent.action == "return").detail)["weighed"]
    assert (how["net"], how["tare"], how["tare_by"]) == (2250, tare, tare_by)


async def _weigh_over_then_right(pilot, app, emu, bucket: Decimal) -> None:
    """9 kg comes back from a job that holds 7.5 kg: refused at Enter; 2.25 kg is then taken."""
    screen = app.screen
    emu.set_weight(bucket + Decimal("9"))
    await wait_text(pilot, "net 9 kg stable")
    await pilot.press("enter")
    said = await wait_text(pilot, "9 KG is more than the 7.5 KG job")
    assert screen.step == "weigh" and _returns() == []  # no location asked for, nothing booked
    emu.set_weight(bucket + Decimal("2.25"))
    await wait_text(pilot, "net 2.25 kg stable")
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "location", timeout=10)
    assert "Returning 2.25 KG" in screen_text(app) and "more than" not in screen_text(app)
    assert "9 KG" in said
    await scan(pilot, "D-DRUM-01")
    await wait_text(pilot, "2.25 back in D-DRUM-01")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(("station", "tare_by"), [("PICK-1", "on the scale"), ("PICK-2", "kept by jobfloor")],
                         ids=["mt-sics", "toledo"])
async def test_return_tared_on_the_scale_and_an_over_return_refused_at_the_weight(portion, size, station, tare_by):
    url, portion = portion
    app = make_app(url, station)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "returns", "ReturnScreen")
        await scan(pilot, portion)
        await wait_for(pilot, lambda: screen.step == "tare", timeout=10)
        assert "Tare: put an empty container" in screen_text(app)
        emu = app.scale_link().emulator
        emu.set_weight(Decimal("0.850"))  # an empty bucket like the one it came back in
        await wait_text(pilot, "scale 0.85 kg stable")
        await pilot.press("enter")  # the field is empty: the scale tares
        await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
        await wait_text(pilot, f"tare {tare_by}: 0.850 kg")
        await _weigh_over_then_right(pilot, app, emu, Decimal("0.850"))
    _booked(portion, 850, tare_by)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_return_with_a_typed_tare(portion, size):
    url, portion = portion
    app = make_app(url, "PICK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "returns", "ReturnScreen")
        await scan(pilot, portion)
        await wait_for(pilot, lambda: screen.step == "tare", timeout=10)
        await scan(pilot, "1.2")  # the bucket's tare, typed
        await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
        emu = app.scale_link().emulator
        emu.set_weight(Decimal("3.45"))
        await wait_text(pilot, "net 2.25 kg stable, gross 3.45 kg", "container tare 1.200 kg")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "location", timeout=10)
        assert "Returning 2.25 KG" in screen_text(app)
        await scan(pilot, "D-DRUM-01")
        await wait_text(pilot, "2.25 back in D-DRUM-01")
    _booked(portion, 1200, "container")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_a_counted_return_above_what_the_job_holds_is_refused_at_the_count(sqlite_demo, size):
    brake = "000000000020001"
    release(Actor("PL1", "planner"), [brake])
    pads = confirm_pick(Actor("PK1", "picker", "PICK-2"), brake, 1, "T000201", 100_000).portion  # 100 pads
    app = make_app(sqlite_demo.url, "PICK-2")
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "returns", "ReturnScreen")
        await scan(pilot, pads)
        await wait_for(pilot, lambda: screen.step == "count", timeout=10)
        await scan(pilot, "150")
        await wait_text(pilot, f"150 EA is more than the 100 EA job {brake} holds of {pads}")
        assert screen.step == "count" and _returns() == []
        await scan(pilot, "40")
        await wait_for(pilot, lambda: screen.step == "location")
        await scan(pilot, "D-DRUM-01")
        await wait_text(pilot, f"{pads}: 40 back in D-DRUM-01")
    assert [(m.location, m.qty) for m in _returns()] == [("WIP-BRAKE", -100_000), ("D-DRUM-01", 40_000)]
    assert [p.qty for p in Posting.select().where(Posting.qty < 0)] == [-40_000]
    assert ledger_mismatches() == []

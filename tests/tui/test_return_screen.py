"""A full weighed return through the Return screen with an emulated scale."""
from decimal import Decimal

from core.data.models import JobLine, Posting, StockUnit
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

JOB = "000000000012345"


async def test_weighed_return(sqlite_demo):
    release(Actor("PL1", "planner"), [JOB])
    picked = confirm_pick(Actor("PK1", "picker", "PICK-1"), JOB, 5, "T000152", 7500)
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "returns")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ReturnScreen")
        screen = app.screen
        await type_text(pilot, picked.portion)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "tare")
        assert "issued 7.5 KG" in screen_text(app)
        await type_text(pilot, "0")  # the material is weighed in a pan the scale already reads as zero
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "weigh")
        emu = app.scale_link().emulator
        emu.set_weight(Decimal("2.250"))
        await wait_for(pilot, lambda: "net 2.25 kg" in screen_text(app) and "Enter takes" in screen_text(app),
                       timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "location")
        await type_text(pilot, "QC-HOLD")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "put returns away in a store location" in screen_text(app))
        assert Posting.select().where(Posting.qty < 0).count() == 0
        await type_text(pilot, "D-DRUM-01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Posting.select().where(Posting.qty < 0).count() == 1, timeout=10)
    unit = StockUnit.get(StockUnit.track_id == picked.portion)
    assert unit.on_hand == 2250 and unit.location_id == "D-DRUM-01" and unit.opened
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 5)).issued == 5250
    assert Posting.get(Posting.qty < 0).qty == -2250
    assert ledger_mismatches() == []


async def test_never_issued_is_refused_on_screen(sqlite_demo):
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "returns")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ReturnScreen")
        await type_text(pilot, "T000121")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "never issued to a job" in screen_text(app))
        assert app.screen.step == "scan"

"""A confirm books a steady weight read AFTER the Enter, never the one the gauge showed before it.

Issue 15's burst: F7 F7 Enter while the scale still moves confirmed the last stable reading, which was no longer
what was in the bucket. Driven by keys through the Pick screen, with the demo's MT-SICS scale on a pty (each F7
pours 1% of the target and the scale moves for 0.6 s).
"""
from decimal import Decimal

import pytest

from core.data.models import JobLine, Posting
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

JOB = "000000000012348"  # line 1: 90 kg of flour from T000107, band 89.1-90.9 kg


@pytest.fixture
def released(sqlite_demo):
    release(Actor("PL1", "planner"), [JOB])
    return sqlite_demo


async def _in_band(pilot, app):
    """Weighing line 1 with 89.5 kg poured, steady on the gauge."""
    await login(pilot, "PK1", "2222")
    await open_module(pilot, "pick")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PickScreen")
    screen = app.screen
    await wait_for(pilot, lambda: screen.query_one("#jobs").row_count > 0, timeout=15)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "scan", timeout=15)  # a loaded machine opens a job slowly
    await type_text(pilot, "T000107")
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "tare", timeout=15)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
    emu = app.scale_link().emulator
    emu.pour(Decimal("89.5"))
    gauge = screen.query_one("#gauge")
    await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
    return screen, gauge, emu


@pytest.mark.parametrize("size", [(80, 24), (40, 16)])
async def test_a_burst_while_the_scale_moves_books_nothing_then_the_settled_net(released, size):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=size) as pilot:
        screen, gauge, emu = await _in_band(pilot, app)
        emu.scale.settle_ms = 60_000  # the bucket will keep swinging after each pour
        await pilot.press("f7", "f7", "enter")  # two pours and Enter before the gauge has even moved
        assert "waiting for a steady weight" in screen_text(app)
        await wait_for(pilot, lambda: "still moving" in screen_text(app), timeout=10)
        assert Posting.select().count() == 0
        emu.scale.settle_ms = 0
        await pilot.press("f8", "f8")  # take the two pours back off
        emu.set_motion(False)
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: Posting.select().count() == 1, timeout=10)
    assert Posting.get().qty == 89500
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 1)).issued == 89500
    assert ledger_mismatches() == []


async def test_enter_waits_for_the_weight_after_the_key_and_judges_that_one(released):
    """F7 F7 Enter: the scale settles at 91.3 kg within the wait; that weight, not the 89.5 kg shown before
    the keys, is judged, and it is above the band."""
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _in_band(pilot, app)
        await pilot.press("f7", "f7", "enter", "enter", "enter")  # a burst: one weighing, not three
        await wait_for(pilot, lambda: "take off" in screen_text(app), timeout=10)
        assert "The steady weight is 91.3 kg" in screen_text(app) and "Nothing was booked" in screen_text(app)
        assert Posting.select().count() == 0
        await pilot.press("f8", "f8")
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: Posting.select().count() == 1, timeout=10)
    assert Posting.get().qty == 89500
    assert ledger_mismatches() == []


async def test_a_cable_pulled_while_enter_waits_books_nothing(released):
    """No reading from before a gap in the connection is used: Enter while the scale moves, then the cable comes
    out: refused at once; after the replug, a new Enter books a weight read on the new connection."""
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _in_band(pilot, app)
        emu.set_motion(True)
        first_connection = app.scale_link().scale.generation
        await pilot.press("enter")
        emu.disconnect()
        await wait_for(pilot, lambda: not screen.weighing, timeout=10)
        assert "Nothing was booked" in screen_text(app) and Posting.select().count() == 0
        emu.reconnect()
        emu.set_motion(False)
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=30)
        await pilot.press("enter")
        await wait_for(pilot, lambda: Posting.select().count() == 1, timeout=10)
        assert app.scale_link().scale.generation > first_connection
    assert Posting.get().qty == 89500

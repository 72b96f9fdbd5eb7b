"""Devices failing while the floor works: nothing recorded from a bad reading, nothing lost from the print queue.

The drivers' own fault tests (tests/drivers) prove each error is raised and recovered from. Here the faults hit
the screens and services that use them: the Pick and Return screens with the station's emulated scale behind the
real driver. The print queue's fault suite is tests/stress/test_printer_faults.py.
A pick or return is recorded only from a stable, in-tolerance reading in kg; anything else leaves the books as
they were and the screen says why.
"""
from decimal import Decimal

import pytest

from core.data.models import Movement, Posting
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.tui.helpers import login, make_app, open_module, screen_text, settled, type_text, wait_for

JOB = "000000000012348"  # its line 1: 89.100 kg of flour from T000107, band 88.209-89.991 kg
IN_BAND = Decimal("89.5")


@pytest.fixture
def released(sqlite_demo):
    release(Actor("PL1", "planner"), [JOB])
    return sqlite_demo


def _books():
    return Posting.select().count(), Movement.select().count()


async def _weighing(pilot, app):
    """Logged in as a picker, the first task's container scanned and the bucket tared: the gauge is live."""
    await login(pilot, "PK1", "2222")
    await open_module(pilot, "pick")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PickScreen")
    await wait_for(pilot, lambda: app.screen.query_one("#jobs").row_count > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.step == "scan")
    await type_text(pilot, "T000107")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.step == "tare")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.step == "weigh", timeout=10)
    gauge = app.screen.query_one("#gauge")
    await wait_for(pilot, lambda: gauge.value == 0 and gauge.stable, timeout=10)
    return app.screen, gauge, app.scale_link().emulator


async def _enter_refused(pilot, before):
    await pilot.press("enter")
    await settled(pilot)  # a confirmation would be a worker: it has had its chance to write
    assert _books() == before


async def _confirms_once(pilot, gauge, before):
    # The driver looks for a scale that went away every few seconds: give it time to find it again.
    await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=30)
    await pilot.press("enter")
    await wait_for(pilot, lambda: Posting.select().count() == before[0] + 1, timeout=10)
    await pilot.press("enter")  # a second Enter on the next task's scan step records nothing more
    await settled(pilot)
    assert Posting.select().count() == before[0] + 1
    assert Posting.select().order_by(Posting.created_at.desc()).first().qty == 89500
    assert ledger_mismatches() == []


async def test_motion_that_never_settles_is_never_confirmed(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _weighing(pilot, app)
        before = _books()
        emu.pour(IN_BAND)
        emu.set_motion(True)  # a draught on the pan: it never settles
        await wait_for(pilot, lambda: gauge.value == 89500 and not gauge.stable, timeout=10)
        await _enter_refused(pilot, before)
        assert "settling" in str(gauge.render()) or "settling" in screen_text(app)
        emu.set_motion(False)
        await _confirms_once(pilot, gauge, before)


async def test_scale_unplugged_mid_reading_then_back(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _weighing(pilot, app)
        before = _books()
        emu.pour(IN_BAND)
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
        emu.disconnect()  # the cable comes out with a good weight on the gauge
        await wait_for(pilot, lambda: gauge.value is None, timeout=10)
        await _enter_refused(pilot, before)
        emu.reconnect()  # the port comes back
        await _confirms_once(pilot, gauge, before)


async def test_garbage_on_the_line_and_overload_record_nothing(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _weighing(pilot, app)
        before = _books()
        seen = []
        screen.watch(gauge, "value", lambda value: seen.append(value), init=False)
        emu.garbage(b"\x00\xff89.5 kg\r\nS S  89.500 kg\x07\x1b[2J\r\n" * 3)
        emu.pour(Decimal("0.1"))  # a weight sent after the noise: once it shows, the noise has been read
        await wait_for(pilot, lambda: gauge.value == 100 and gauge.stable, timeout=10)
        assert all(v in (0, 100, None) for v in seen), seen  # noise never became a weight
        emu.pour(Decimal("-0.1"))
        emu.overload()
        emu.pour(IN_BAND)
        await wait_for(pilot, lambda: gauge.value is None, timeout=10)
        await _enter_refused(pilot, before)
        emu.clear_fault()
        await _confirms_once(pilot, gauge, before)


async def test_a_reading_in_the_wrong_unit_is_never_taken_for_the_last_good_one(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, gauge, emu = await _weighing(pilot, app)
        before = _books()
        emu.pour(IN_BAND)
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
        emu.unit = "lb"  # someone pressed the unit key: the scale now sends pounds
        await wait_for(pilot, lambda: "kg" in (gauge.message or "") and "Set the scale" in gauge.message,
                       timeout=10)
        await _enter_refused(pilot, before)
        emu.unit = "kg"
        await _confirms_once(pilot, gauge, before)


async def test_return_waits_for_a_steady_reading_in_kg(sqlite_demo):
    release(Actor("PL1", "planner"), ["000000000012345"])
    picked = confirm_pick(Actor("PK1", "picker", "PICK-1"), "000000000012345", 5, "T000152", 7500)
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "returns")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ReturnScreen")
        screen = app.screen
        await type_text(pilot, picked.portion)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "tare")
        await type_text(pilot, "0")  # a typed tare: weighed on a pan that reads zero
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "weigh")
        emu = app.scale_link().emulator
        before = _books()
        emu.set_weight(Decimal("2.250"))
        emu.set_motion(True)
        await wait_for(pilot, lambda: "moving" in screen_text(app), timeout=10)
        await pilot.press("enter")  # Enter waits for a steady weight read after it, and the scale never settles
        await wait_for(pilot, lambda: "not steady" in screen_text(app), timeout=10)
        assert screen.step == "weigh"
        emu.disconnect()
        await wait_for(pilot, lambda: "returns wait until the scale is back" in screen_text(app), timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.weighing)
        assert screen.step == "weigh" and "not connected" in screen_text(app)
        emu.reconnect()
        emu.set_motion(False)
        emu.unit = "lb"
        await wait_for(pilot, lambda: "pounds" in screen_text(app), timeout=15)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.weighing, timeout=10)
        assert screen.step == "weigh" and app.is_running and "Set the scale to kg" in screen_text(app)
        emu.unit = "kg"
        await wait_for(pilot, lambda: "Enter takes" in screen_text(app), timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "location")
        emu.disconnect()  # the weight is taken; the cable comes out before the location is scanned
        await wait_for(pilot, lambda: not hasattr(screen.reading, "stable"), timeout=10)
        await type_text(pilot, "D-DRUM-01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Posting.select().where(Posting.qty < 0).count() == 1, timeout=10)
        assert app.is_running
    assert Posting.get(Posting.qty < 0).qty == -2250
    assert _books()[1] == before[1] + 2  # out of WIP, back to store: nothing from the bad readings
    assert ledger_mismatches() == []

"""A whole weighed pick through the Pick screen with an emulated scale on a pseudo-terminal."""
from decimal import Decimal

import pytest

from core.data.models import JobLine, Posting, StockUnit
from core.jobs.release import release
from core.stock.ledger import ledger_mismatches
from tests.tui.helpers import login, make_app, open_module, screen_text, settled, type_text, wait_for

JOB = "000000000012348"


@pytest.fixture
def released(sqlite_demo):
    from core.site.actor import Actor

    release(Actor("PL1", "planner"), [JOB])
    return sqlite_demo


async def _to_task(pilot, app):
    await login(pilot, "PK1", "2222")
    await open_module(pilot, "pick")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PickScreen")
    await wait_for(pilot, lambda: app.screen.query_one("#jobs").row_count > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.step == "scan")


@pytest.mark.parametrize("size", [(80, 24), (40, 16)])
async def test_weighed_pick_with_emulated_scale(released, size):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=size) as pilot:
        await _to_task(pilot, app)
        screen = app.screen
        assert "Go to A-01-02. Scan T000107" in screen_text(app)
        await type_text(pilot, "T000107")
        await pilot.press("enter")  # 1: the scan
        await wait_for(pilot, lambda: screen.step == "tare")
        await pilot.press("enter")  # 2: tare the bucket
        await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
        gauge = screen.query_one("#gauge")
        await wait_for(pilot, lambda: gauge.value == 0 and gauge.stable, timeout=10)
        # too little: Enter is refused, nothing is written
        app.scale_link().pour(Decimal("80"))
        await wait_for(pilot, lambda: gauge.value == 80000 and gauge.stable, timeout=10)
        await pilot.press("enter")
        assert Posting.select().count() == 0 and "add 9.1 kg" in screen_text(app)
        app.scale_link().pour(Decimal("9.5"))
        await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
        await pilot.press("enter")  # 3: confirm
        await wait_for(pilot, lambda: Posting.select().count() == 1, timeout=10)
        await wait_for(pilot, lambda: screen.step == "scan" and screen.current.line == 2)
    post = Posting.get()
    assert post.qty == 89500 and post.reference == "T000107" and post.job == JOB and post.line == 1
    assert StockUnit.get(StockUnit.track_id == "T000107").on_hand == 412350 - 89500
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 1)).issued == 89500
    assert ledger_mismatches() == []


async def test_scale_offline_pauses_then_resumes(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_task(pilot, app)
        screen = app.screen
        await type_text(pilot, "T000107")
        await pilot.press("enter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
        emu = app.scale_link().emulator
        emu.disconnect()
        await wait_for(pilot, lambda: "scale is back" in screen_text(app) or "not connected" in
                       str(screen.query_one("#gauge").render()), timeout=10)
        await pilot.press("enter")
        assert Posting.select().count() == 0
        emu.reconnect()
        await wait_for(pilot, lambda: screen.query_one("#gauge").value is not None, timeout=15)


async def test_scale_unplugged_says_so_and_comes_back_under_a_new_name(released):
    """The USB adapter is pulled mid-pour and comes back as the next ttyUSB; the station's by-id name follows it.
    Meanwhile the gauge and the status line say so in floor words, never a stale '-- kg stable'."""
    from tui.widgets.status_line import StatusLine

    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_task(pilot, app)
        screen = app.screen
        await type_text(pilot, "T000107")
        await pilot.press("enter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
        gauge = screen.query_one("#gauge")
        emu = app.scale_link().emulator
        emu.pour(Decimal("40"))
        await wait_for(pilot, lambda: gauge.value == 40000 and gauge.stable, timeout=10)
        emu.disconnect()
        await wait_for(pilot, lambda: "scale unplugged: reconnecting" in str(gauge.render()), timeout=10)
        assert "-- kg" not in str(gauge.render()) and gauge.value is None
        status = str(screen.query_one(StatusLine).render())
        assert "scale UNPLUGGED: reconnecting" in status
        emu.reconnect(new_name=True)
        await wait_for(pilot, lambda: gauge.value == 40000 and gauge.stable, timeout=30)
        assert "scale stable" in str(screen.query_one(StatusLine).render())
        assert "unplugged" not in str(gauge.render())


async def test_wrong_container_asks_for_reason(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_task(pilot, app)
        await type_text(pilot, "T000105")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not the suggested T000107" in screen_text(app))
        await pilot.press("escape")
        assert app.screen.step == "scan"


async def test_dropped_session_resumes_at_the_task(released):
    app = make_app(released.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_task(pilot, app)
        await type_text(pilot, "T000107")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "tare")
        await settled(pilot)  # the resume point is saved in the background
    # the terminal is gone without a logout; a new session for the same user picks up at the task
    app2 = make_app(released.url, "PICK-1")
    async with app2.run_test(size=(80, 24)) as pilot:
        await login(pilot, "PK1", "2222")
        await wait_for(pilot, lambda: type(app2.screen).__name__ == "PickScreen"
                       and getattr(app2.screen, "step", "") == "scan")
        assert "Scan T000107" in screen_text(app2)
        assert Posting.select().count() == 0

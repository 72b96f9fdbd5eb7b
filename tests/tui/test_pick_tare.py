"""The tare on every scale protocol, through the Pick screen with the demo's emulated scale behind the real driver.

The picker puts the empty job bucket on the pan (the demo puts 0.850 kg there), Enter tares, the pour step starts
only once the net reads zero, the material is poured and Enter books the NET: the ledger must hold what was
poured, never bucket plus material. A scale that takes the tare command (MT-SICS `T`, SMA `T`) holds the tare
itself; one that cannot (Toledo continuous output, an SMA indicator answering `?`) gets a tare kept by jobfloor,
and the screen says so.
"""
from decimal import Decimal

import pytest

from core.data.models import JobLine, Movement, Posting, Station, StockUnit
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

JOB = "000000000012348"  # line 1: 90 kg of flour from T000107 (on hand 412.350), band 89.1-90.9 kg
POURED = Decimal("89.5")
BUCKET = "0.850 kg"  # what ScaleLink.place_container puts on the demo pan


@pytest.fixture
def released(sqlite_demo):
    release(Actor("PL1", "planner"), [JOB])
    return sqlite_demo


def _station(code: str, protocol: str) -> str:
    Station.update(scale_url=f"sim://{protocol}", scale_protocol=protocol).where(Station.code == code).execute()
    return code


async def _pour_and_confirm(pilot, app, *, tare_command: bool = True) -> tuple[str, bool]:
    """Scan, tare, pour, confirm; what the weigh step said about the tare, and whether the scale's own display
    was net while pouring."""
    await login(pilot, "PK1", "2222")
    await open_module(pilot, "pick")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PickScreen")
    screen = app.screen
    await wait_for(pilot, lambda: screen.query_one("#jobs").row_count > 0, timeout=15)
    emu = app.scale_link().emulator
    emu.tare_command = tare_command
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "scan", timeout=15)  # a loaded machine opens a job slowly
    await type_text(pilot, "T000107")
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "tare", timeout=15)
    gauge = screen.query_one("#gauge")
    await wait_for(pilot, lambda: gauge.value == 850 and gauge.stable, timeout=10)  # the bucket, gross
    await pilot.press("enter")  # tare
    await wait_for(pilot, lambda: screen.step == "weigh", timeout=10)
    # The pour step began on a steady net zero: the bucket is not counted.
    await wait_for(pilot, lambda: gauge.value == 0 and gauge.stable)
    said, display_net = screen_text(app), emu.snapshot().net
    emu.pour(POURED)
    await wait_for(pilot, lambda: gauge.value == 89500 and gauge.stable, timeout=10)
    await pilot.press("enter")  # confirm
    await wait_for(pilot, lambda: Posting.select().count() == 1, timeout=10)
    return said, display_net


def _booked_the_net():
    post = Posting.get()
    assert post.qty == 89500 and post.reference == "T000107"
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 1)).issued == 89500
    taken = Movement.get((Movement.unit == "T000107") & (Movement.job == JOB))
    assert taken.qty == -89500
    assert StockUnit.get(StockUnit.track_id == "T000107").on_hand == 412350 - 89500
    assert ledger_mismatches() == []


@pytest.mark.parametrize(("station", "protocol"), [("PICK-1", "mt-sics"), ("PICK-1", "sma")])
async def test_a_scale_that_tares_on_command_holds_the_tare(released, station, protocol):
    """MT-SICS `T` (reply `T S <tare> <unit>`) and SMA `T` (the reply shows the net, mode N) tare the scale
    itself; its readings are then net."""
    app = make_app(released.url, _station(station, protocol))
    async with app.run_test(size=(80, 24)) as pilot:
        said, display_net = await _pour_and_confirm(pilot, app)
        assert f"tare on the scale: {BUCKET}" in said
        assert display_net  # the scale itself shows the net
    _booked_the_net()


async def test_toledo_continuous_output_gets_a_tare_kept_by_jobfloor(released):
    """Issue 22's station: PICK-2's Toledo indicator streams and takes no commands, so the tare key cannot reach
    it. The gross of the bucket is kept by jobfloor and subtracted; the scale's own display stays gross."""
    app = make_app(released.url, "PICK-2")
    async with app.run_test(size=(80, 24)) as pilot:
        said, display_net = await _pour_and_confirm(pilot, app)
        assert f"tare kept by jobfloor: {BUCKET}" in said
        assert not display_net
    _booked_the_net()


async def test_an_sma_indicator_that_refuses_the_tare_command_gets_a_kept_tare(released):
    """An SMA indicator set up without remote tare answers `LF ? CR` to `LF T CR`: jobfloor keeps the tare."""
    app = make_app(released.url, _station("PICK-1", "sma"))
    async with app.run_test(size=(80, 24)) as pilot:
        said, display_net = await _pour_and_confirm(pilot, app, tare_command=False)
        assert f"tare kept by jobfloor: {BUCKET}" in said and not display_net
    _booked_the_net()


async def test_a_kept_tare_is_void_once_the_scale_is_tared_on_its_own_keys(released):
    """Someone presses TARE on the Toledo indicator after jobfloor kept the tare: subtracting both would book
    too little, so the gauge stops and asks for a new tare; nothing is booked meanwhile."""
    app = make_app(released.url, "PICK-2")
    async with app.run_test(size=(80, 24)) as pilot:
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
        emu.pour(POURED, settle_ms=0)
        assert emu.tare() == "ok"  # the indicator's own TARE key, with the material in the bucket
        gauge = screen.query_one("#gauge")
        await wait_for(pilot, lambda: "tare again" in str(gauge.render()), timeout=10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.weighing, timeout=10)
        assert "Nothing was booked" in screen_text(app)
        assert Posting.select().count() == 0

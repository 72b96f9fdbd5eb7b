"""What the floor sees, pixel for pixel: login, menu, stock inquiry (80x24 and a handheld's 40x16), stations.

The demo database is loaded as of DEMO_TODAY, so every date on screen is fixed; the Input cursors are held still,
so a screenshot never catches a blink half-way. Update after a deliberate change with
`pytest tests/tui/test_snapshots.py --snapshot-update`, and look at the SVGs before committing them.
"""
import pytest

from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for


@pytest.fixture
def floor_app(sqlite_demo):
    from core.data.models import Station

    # The demo's printers are files in the data directory, a path that differs per test run; these do not.
    for n, code in enumerate(("OFFICE", "PICK-1", "PICK-2"), 1):
        Station.update(printer_url=f"tcp://10.0.4.{n}:9100").where(Station.code == code).execute()
    return make_app(sqlite_demo.url, "PICK-1")


def _still(pilot):
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def _steps(*steps):
    async def run_before(pilot):
        for step in steps:
            await step(pilot)
        _still(pilot)
    return run_before


def _login(code, pin):
    async def step(pilot):
        await login(pilot, code, pin)
    return step


def _open(key):
    async def step(pilot):
        from tui.modules import modules_for

        keys = [m.key for m in modules_for(pilot.app.actor.role)]
        await pilot.press(str((keys.index(key) + 1) % 10))
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ not in ("MenuScreen", "LoginScreen"))
    return step


def _look_up(text, expect):
    async def step(pilot):
        await type_text(pilot, text)
        await pilot.press("enter")
        await wait_for(pilot, lambda: expect in screen_text(pilot.app))
    return step


def _wait_text(expect):
    async def step(pilot):
        await wait_for(pilot, lambda: expect in screen_text(pilot.app))
    return step


def test_login_80x24(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(80, 24), run_before=_steps(_wait_text("Station: PICK-1")))


def test_menu_80x24(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(80, 24), run_before=_steps(_login("PK1", "2222")))


def test_stock_inquiry_80x24(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(80, 24), run_before=_steps(
        _login("PK1", "2222"), _open("stock"), _look_up("RM-FLOUR", "T000108")))


def test_stock_inquiry_40x16(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(40, 16), run_before=_steps(
        _login("PK1", "2222"), _open("stock"), _look_up("RM-FLOUR", "T000108")))


def test_login_40x16(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(40, 16), run_before=_steps(_wait_text("Station: PICK-1")))


def test_stations_80x24(floor_app, snap_compare):
    assert snap_compare(floor_app, terminal_size=(80, 24), run_before=_steps(
        _login("SV1", "3333"), _open("stations"), _wait_text("PICK-2")))

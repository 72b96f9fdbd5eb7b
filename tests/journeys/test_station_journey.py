"""Station settings with a bad port (issue 15.11), by keys at 80x24 and 40x16: the scale port that does not exist
is named and nothing is saved; the scale's real port is read once and saved, and the toast says what in words."""
import os

import pytest

from core.data.models import AuditEvent, Station
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for


@pytest.fixture
def scale_port():
    from drivers.scale.emulator import start_emulator

    emu = start_emulator("mt-sics")
    yield os.path.realpath(emu.url)  # the pseudo-terminal the scale is on, /dev/pts/N
    emu.close()


async def _field(pilot, name):
    """Down through the form to the field, as a supervisor does; the field emptied with Ctrl+U."""
    app = pilot.app
    while app.focused is not app.screen.query_one(f"#f-{name}"):
        await pilot.press("down")
    await pilot.press("end", "ctrl+u")
    await wait_for(pilot, lambda: app.focused.value == "")


@pytest.mark.parametrize("size", [(80, 24), (40, 16)], ids=["80x24", "40x16"])
async def test_station_settings_with_a_bad_port(demo, size, scale_port):
    app = make_app(demo.url, "PICK-1")
    said = []
    app.signal_ok = lambda message=None, toast=True: said.append(message)
    async with app.run_test(size=size) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "stations")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StationsScreen" and "PICK-1" in screen_text(app))
        await pilot.press("enter")  # PICK-1, this terminal's own station
        await wait_for(pilot, lambda: app.screen.query_one("#form").display)
        await _field(pilot, "scale_url")
        await type_text(pilot, "/dev/ttyUSB9")
        await pilot.press("f5")
        message = app.screen.query_one("#form-message")
        await wait_for(pilot, lambda: "ttyUSB9" in str(message.render()))
        assert str(message.render()).startswith("/dev/ttyUSB9 does not exist: check the cable or pick the scale's "
                                                "port")
        assert app.screen.query_one("#form").display  # still editing: fix it there
        assert Station.get(Station.code == "PICK-1").scale_url == "sim://mt-sics"

        await _field(pilot, "scale_url")
        await type_text(pilot, scale_port)
        await pilot.press("f5")
        await wait_for(pilot, lambda: not app.screen.query_one("#form").display, timeout=10)
    assert said == [f"Station PICK-1 saved: scale mt-sics at {scale_port}, 9600 baud (it answered 0.000 kg stable). "
                    "Terminals already there use it when they next connect."]
    assert Station.get(Station.code == "PICK-1").scale_url == scale_port
    assert AuditEvent.select().where(AuditEvent.action == "station.edit").count() == 1

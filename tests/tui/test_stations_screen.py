"""The Stations screen: supervisors list and edit stations; the change is checked, saved, audited and shown."""
import pytest

from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for


async def _open_stations(pilot):
    from tui.modules import modules_for

    keys = [m.key for m in modules_for(pilot.app.actor.role)]
    n = keys.index("stations") + 1
    await pilot.press(str(n % 10))
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "StationsScreen")
    await wait_for(pilot, lambda: "PICK-2" in screen_text(pilot.app))


def _field(app, name):
    from textual.widgets import Input

    return app.screen.query_one(f"#f-{name}", Input)


async def _set(pilot, name, value):
    field = _field(pilot.app, name)
    field.focus()
    await pilot.pause()
    field.value = ""
    await type_text(pilot, value)


@pytest.fixture
def sma_scale():
    """An SMA scale behind a serial device server (a loopback TCP port): a changed scale is read once on save."""
    from drivers.scale.emulator import start_emulator

    emu = start_emulator("sma", transport="socket")
    yield emu
    emu.close()


async def test_supervisor_edits_a_station(sqlite_demo, sma_scale):
    from core.data.models import AuditEvent, Station

    app = make_app(sqlite_demo.url, "PICK-1")
    said = []
    app.signal_ok = lambda message=None, toast=True: said.append(message)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        assert "Stations" in screen_text(app)
        await _open_stations(pilot)
        text = screen_text(app)
        assert "PICK-1" in text and "OFFICE" in text and "127.0.0.1" in text
        await pilot.press("down")  # PICK-2
        await wait_for(pilot, lambda: "PICK-2" in str(app.screen.query_one("#detail").render()))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#form").display)
        assert _field(app, "scale_protocol").value == "toledo"

        # Down moves through the fields as Enter does; the form fits 24 lines with its footer.
        await pilot.press("down", "down")
        assert app.focused is _field(app, "ssh_address")
        await type_text(pilot, "10.0.4.22")
        await _set(pilot, "scale_url", sma_scale.url)
        await _set(pilot, "scale_protocol", "sma")
        await _set(pilot, "scale_baud", "19200")
        await _set(pilot, "area", "LINE-2")
        await pilot.press("f5")
        await wait_for(pilot, lambda: not app.screen.query_one("#form").display)
        await wait_for(pilot, lambda: "10.0.4.22" in screen_text(app))

        station = Station.get(Station.code == "PICK-2")
        assert (station.ssh_address, station.scale_url, station.scale_protocol, station.scale_baud, station.area) == \
               ("10.0.4.22", sma_scale.url, "sma", 19200, "LINE-2")
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
        assert event.action == "station.edit" and event.user == "SV1"
        assert "area" in event.detail and "printer_url" not in event.detail  # only what changed
        # the toast says what was saved, in words (issue 15.11)
        assert said == [f"Station PICK-2 saved: area LINE-2; SSH from 10.0.4.22; scale sma at {sma_scale.url}, "
                        "19200 baud (it answered 0.000 kg stable). Terminals already there use it when they next "
                        "connect."]

        await pilot.press("escape")
        assert type(app.screen).__name__ == "MenuScreen"


async def test_bad_settings_are_refused_in_floor_language(sqlite_demo):
    from core.data.models import Station

    app = make_app(sqlite_demo.url, "PICK-1")
    bell = []
    app.bell = lambda: bell.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await _open_stations(pilot)
        await pilot.press("enter")  # PICK-1, this terminal's station, is where the list starts
        await wait_for(pilot, lambda: app.screen.query_one("#form").display)

        async def refused(expect):
            await pilot.press("f5")
            await wait_for(pilot, lambda: expect in str(app.screen.query_one("#form-message").render()))
            assert app.screen.query_one("#form").display  # still editing, nothing lost

        await _set(pilot, "ssh_address", "terminal-7")
        await refused("is not an IP address: type the terminal's address")
        await _set(pilot, "ssh_address", "127.0.0.1")
        await _set(pilot, "scale_protocol", "modbus")
        await refused("Scale protocol 'modbus' is not known: use mt-sics, sma or toledo")
        await _set(pilot, "scale_protocol", "mt-sics")
        await _set(pilot, "scale_baud", "9601")
        await refused("is not a serial speed")
        await _set(pilot, "scale_baud", "9600")
        await _set(pilot, "printer_url", "printer7")
        await refused("Printer address 'printer7' is not one this app can use")
        assert len(bell) == 4
        before = Station.get(Station.code == "PICK-1")
        assert before.scale_protocol == "mt-sics" and before.printer_url.startswith("file://")

        # Esc with changes asks first; No keeps the form, Yes leaves it unsaved.
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StationsScreen")
        assert app.screen.query_one("#form").display
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.query_one("#form").display)
        assert Station.get(Station.code == "PICK-1").printer_url == before.printer_url


async def test_one_address_one_station(sqlite_demo):
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await _open_stations(pilot)
        await pilot.press("down", "enter")  # PICK-2
        await wait_for(pilot, lambda: app.screen.query_one("#form").display)
        await _set(pilot, "ssh_address", "127.0.0.1")
        await pilot.press("f5")
        await wait_for(pilot, lambda: "already station PICK-1's address: clear it there first"
                       in str(app.screen.query_one("#form-message").render()))


async def test_stations_at_40x16(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, "SV1", "3333")
        await _open_stations(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#form").display)
        last = _field(app, "label_size")
        assert last.region.bottom <= 15 and last.region.width >= 20  # above the footer, wide enough to read


@pytest.mark.parametrize("role,code,pin", [("picker", "PK1", "2222"), ("operator", "OP1", "1111")])
async def test_only_supervisors_see_stations(sqlite_demo, role, code, pin):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, code, pin)
        assert "Stations" not in screen_text(app)


def test_update_refuses_a_picker(sqlite_demo, actors):
    from core.errors import PermissionDenied
    from core.site.stations import update_station

    with pytest.raises(PermissionDenied):
        update_station(actors["picker"], "PICK-1", area="X")


async def test_the_station_shows_its_kiosk_link(sqlite_demo):
    from core.site.actor import Actor
    from core.site.kiosk import remember_public_url, station_link

    remember_public_url("https://floor.example.com")
    token = station_link(Actor("SV1", "supervisor"), "PICK-2")
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(100, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await _open_stations(pilot)
        detail = lambda: str(app.screen.query_one("#detail").render())  # noqa: E731
        await wait_for(pilot, lambda: "PICK-1" in detail())
        assert "Kiosk link: none yet: jobfloor station link PICK-1" in detail()
        await pilot.press("down")
        await wait_for(pilot, lambda: "PICK-2" in detail())
        assert f"Kiosk link: https://floor.example.com/station/{token}" in detail()

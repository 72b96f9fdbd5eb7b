"""One check of a station's settings for the screen and the command line (issue 19.6): bad values in words, a
changed scale opened and read once before anything is saved (issue 15.11), what was saved said in words."""
import json
import os

import pytest

from core.cli.main import main
from core.data.models import AuditEvent, Station
from core.errors import PermissionDenied, UserInputError
from core.site.stations import save_station


@pytest.fixture
def mt_scale():
    from drivers.scale.emulator import start_emulator

    emu = start_emulator("mt-sics")
    emu.port = os.path.realpath(emu.url)  # the real pseudo-terminal behind it, /dev/pts/N
    yield emu
    emu.close()


def test_a_port_that_does_not_exist_is_named_and_nothing_is_saved(demo, actors):
    before = Station.get(Station.code == "PICK-1")
    with pytest.raises(UserInputError) as err:
        save_station(actors["supervisor"], "PICK-1", {"scale_url": "/dev/ttyUSB9", "area": "LINE-9"})
    assert str(err.value).startswith("/dev/ttyUSB9 does not exist: check the cable or pick the scale's port (")
    after = Station.get(Station.code == "PICK-1")
    assert (after.scale_url, after.area) == (before.scale_url, before.area)
    assert not AuditEvent.select().where(AuditEvent.action == "station.edit").exists()


def test_a_scale_that_does_not_answer_in_its_protocol_is_said_so(demo, actors):
    from drivers.scale.emulator import start_emulator

    toledo = start_emulator("toledo", transport="socket")
    try:
        with pytest.raises(UserInputError, match="answers, but not in mt-sics at 9600 baud|nothing answers at"):
            save_station(actors["supervisor"], "PICK-1", {"scale_url": toledo.url, "scale_protocol": "mt-sics"})
    finally:
        toledo.close()
    with pytest.raises(UserInputError, match="nothing answers at socket://127.0.0.1:1: check that the scale is on"):
        save_station(actors["supervisor"], "PICK-1", {"scale_url": "socket://127.0.0.1:1"})
    assert Station.get(Station.code == "PICK-1").scale_url == "sim://mt-sics"


def test_a_good_scale_is_read_once_and_the_saving_said_in_words(demo, actors, mt_scale):
    saved = save_station(actors["supervisor"], "PICK-1", {"scale_url": mt_scale.port, "area": "LINE-2"})
    assert saved.text() == (f"Station PICK-1 saved: area LINE-2; scale mt-sics at {mt_scale.port}, 9600 baud (it "
                            "answered 0.000 kg stable). Terminals already there use it when they next connect.")
    assert Station.get(Station.code == "PICK-1").scale_url == mt_scale.port
    detail = json.loads(AuditEvent.get(AuditEvent.action == "station.edit").detail)
    assert detail == {"area": "LINE-2", "scale_url": mt_scale.port}
    assert save_station(actors["supervisor"], "PICK-1", {"area": "LINE-2"}).text() == "Station PICK-1: nothing changed."
    with pytest.raises(PermissionDenied, match="PK1 \\(picker\\) may not change stations"):
        save_station(actors["picker"], "PICK-1", {"area": "X"})


def test_station_set_on_the_command_line(demo, monkeypatch, capsys):
    monkeypatch.setenv("JOBFLOOR_PIN", "3333")
    assert main(["--db", demo.url, "station", "set", "PICK-2", "--scale-url", "/dev/ttyUSB9", "--user", "SV1"]) == 2
    assert "jobfloor: /dev/ttyUSB9 does not exist: check the cable or pick the scale's port" in capsys.readouterr().err
    assert main(["--db", demo.url, "station", "set", "PICK-2", "--scale-baud", "9601", "--user", "SV1"]) == 2
    assert "scale baud '9601' is not a serial speed" in capsys.readouterr().err
    assert main(["--db", demo.url, "station", "set", "PICK-2", "--area", "LINE-2", "--ssh-address", "",
                 "--user", "SV1"]) == 0
    assert capsys.readouterr().out.startswith("Station PICK-2 saved: area LINE-2.")
    assert Station.get(Station.code == "PICK-2").area == "LINE-2"

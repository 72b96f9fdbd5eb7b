"""Station kiosk links: who may get one, what replacing one does, and the command line that prints it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.data.models import AuditEvent, User
from core.errors import NotFound, PermissionDenied
from core.site.actor import Actor
from core.site.kiosk import (
    CURRENT,
    REVOKED,
    UNKNOWN,
    check_token,
    current_tokens,
    link_url,
    remember_public_url,
    station_link,
)

ROOT = Path(__file__).resolve().parents[2]
SUPERVISOR = Actor("SV1", "supervisor")


def test_a_link_is_made_once_and_kept(demo):
    first = station_link(SUPERVISOR, "PICK-1")
    assert station_link(SUPERVISOR, "PICK-1") == first
    assert station_link(Actor("AD1", "admin"), "PICK-1") == first
    assert check_token(first).status == CURRENT and check_token(first).station == "PICK-1"
    assert station_link(SUPERVISOR, "PICK-2") != first  # each station its own
    assert AuditEvent.select().where(AuditEvent.action == "station.link").count() == 2


def test_replacing_a_link_revokes_the_old_one(demo):
    old = station_link(SUPERVISOR, "PICK-1")
    new = station_link(SUPERVISOR, "PICK-1", new=True)
    assert new != old
    assert check_token(old).status == REVOKED and check_token(old).station == "PICK-1"
    assert check_token(new).status == CURRENT
    assert current_tokens({old, new, "nonsense"}) == {new}
    assert check_token("nonsense").status == UNKNOWN and check_token("").status == UNKNOWN


def test_only_supervisors_and_admins_get_links(demo):
    for role in ("operator", "picker", "planner"):
        with pytest.raises(PermissionDenied):
            station_link(Actor("X", role), "PICK-1")
    with pytest.raises(NotFound, match="NOPE is not set up"):
        station_link(SUPERVISOR, "NOPE")
    assert AuditEvent.select().where(AuditEvent.action == "station.link").count() == 0


def test_the_link_is_on_the_address_the_server_gave(demo):
    token = station_link(SUPERVISOR, "OFFICE")
    assert link_url(token) == f"http://127.0.0.1:8000/station/{token}"  # before any server said its address
    remember_public_url("https://floor.example.com/")
    assert link_url(token) == f"https://floor.example.com/station/{token}"


def _cli(url: str, *args: str, pin: str | None, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp_path / "data"))
    env.pop("JOBFLOOR_PIN", None)
    if pin is not None:
        env["JOBFLOOR_PIN"] = pin
    return subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "station", "link", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_station_link_command(sqlite_demo, tmp_path):
    url = sqlite_demo.url
    first = _cli(url, "PICK-1", "--user", "SV1", pin="3333", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    link = first.stdout.strip()
    assert link.startswith("http://127.0.0.1:8000/station/") and "\n" not in link  # the link alone on stdout
    assert _cli(url, "PICK-1", "--user", "SV1", pin="3333", tmp_path=tmp_path).stdout.strip() == link
    replaced = _cli(url, "PICK-1", "--new", "--user", "SV1", pin="3333", tmp_path=tmp_path)
    assert replaced.returncode == 0 and replaced.stdout.strip() != link
    assert "old one no longer opens it" in replaced.stderr
    assert check_token(link.rsplit("/", 1)[1]).status == REVOKED


@pytest.mark.parametrize("user,pin,says", [
    ("PK1", "2222", "may not"),  # a picker
    ("SV1", "0000", "wrong PIN"),
    ("SV1", None, "JOBFLOOR_PIN"),  # no PIN given and no terminal to ask on
])
def test_station_link_refusals_change_nothing(sqlite_demo, tmp_path, user, pin, says):
    done = _cli(sqlite_demo.url, "PICK-1", "--user", user, pin=pin, tmp_path=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert says in done.stderr and "Traceback" not in done.stderr
    assert AuditEvent.select().where(AuditEvent.action == "station.link").count() == 0
    if pin == "0000":  # a wrong PIN here counts toward the lockout, as on a screen
        assert User.get(User.code == "SV1").failed_attempts == 1

"""Unlock a locked-out user and release a lot's hold (issue 15.9): the roles that may, a reason, the audit row;
from the command line as from the Locks and holds screen (tests/journeys/test_admin_journey.py)."""
import datetime as dt
import json

import pytest

from core.cli.main import main
from core.clock import utcnow
from core.data.models import AuditEvent, StockUnit, User
from core.errors import AuthError, BusinessRefusal, PermissionDenied, UserInputError
from core.site.auth import login, unlock_user
from core.trace.holds import hold_lot, release_hold
from tests.cli_env import jobfloor_as


def _lock_out(code="PK1"):
    for _ in range(5):
        with pytest.raises(AuthError):
            login(code, "0000")
    assert User.get(User.code == code).locked_until > utcnow()


def test_unlock_from_the_command_line(demo, capsys, monkeypatch):
    assert jobfloor_as(monkeypatch, "--db", demo.url, "user", "add", "PK9", "--role", "picker", "--pin", "1234",
                       "--user", "AD1") == 0
    assert "user PK9 (picker) saved" in capsys.readouterr().out  # `user add` as before, beside unlock
    _lock_out()
    assert main(["--db", demo.url, "user", "locked", "--json"]) == 0
    assert [u["user"] for u in json.loads(capsys.readouterr().out)] == ["PK1"]
    assert jobfloor_as(monkeypatch, "--db", demo.url, "user", "unlock", "PK1", "--reason", "forgot PIN", "--user",
                       "SV1") == 0
    assert "PK1 is unlocked" in capsys.readouterr().out
    assert login("PK1", "2222").user == "PK1"
    event = AuditEvent.get(AuditEvent.action == "user.unlock")
    assert (event.user, event.subject, json.loads(event.detail)["reason"]) == ("SV1", "PK1", "forgot PIN")


def test_unlock_refusals_are_sentences_and_change_nothing(demo, actors, capsys, monkeypatch):
    _lock_out()
    before = User.get(User.code == "PK1").locked_until
    assert jobfloor_as(monkeypatch, "--db", demo.url, "user", "unlock", "PK1", "--reason", "x y z", "--user",
                       "PK2") == 2
    assert "PK2 (picker) may not unlock a locked-out user: ask a supervisor or an admin" in capsys.readouterr().err
    with pytest.raises(UserInputError, match="say why PK1 is unlocked"):
        unlock_user(actors["supervisor"], "PK1", "  ")
    with pytest.raises(UserInputError, match="there is no user NOBODY"):
        unlock_user(actors["supervisor"], "NOBODY", "a reason")
    with pytest.raises(BusinessRefusal, match="PK2 is not locked out"):
        unlock_user(actors["supervisor"], "PK2", "a reason")
    assert User.get(User.code == "PK1").locked_until == before
    assert not AuditEvent.select().where(AuditEvent.action == "user.unlock").exists()
    # a lockout that has run out is not one
    User.update(locked_until=utcnow() - dt.timedelta(minutes=1)).where(User.code == "PK1").execute()
    with pytest.raises(BusinessRefusal, match="not locked out"):
        unlock_user(actors["admin"], "PK1", "a reason")


def test_release_hold_gives_each_unit_back_what_it_was(demo, actors, capsys, monkeypatch):
    # One unit of the flour lot waits in quarantine: releasing the hold must not let it out of quarantine.
    StockUnit.update(status="QUARANTINE").where(StockUnit.track_id == "T000104").execute()
    assert jobfloor_as(monkeypatch, "--db", demo.url, "lot", "hold", "FL2610-01", "--item", "RM-FLOUR", "--user",
                       "SV1") == 0
    assert "4 unit(s), 100 on hold" in capsys.readouterr().out
    assert main(["--db", demo.url, "lot", "held", "--json"]) == 0
    assert {(h["lot"], h["units"]) for h in json.loads(capsys.readouterr().out)} >= {("FL2610-01", 4)}

    assert jobfloor_as(monkeypatch, "--db", demo.url, "lot", "release-hold", "FL2610-01", "--user", "PL1",
                       "--reason", "lab ok") == 2
    assert "PL1 (planner) may not release a lot's hold: ask a supervisor or an admin" in capsys.readouterr().err
    with pytest.raises(UserInputError, match="say why the hold is released"):
        release_hold(actors["supervisor"], "FL2610-01", reason="")
    assert jobfloor_as(monkeypatch, "--db", demo.url, "lot", "release-hold", "FL2610-01", "--user", "SV1",
                       "--reason", "lab ok") == 0
    assert "hold released, 4 unit(s), 100 back to available and quarantine" in capsys.readouterr().out
    status = dict(StockUnit.select(StockUnit.track_id, StockUnit.status)
                  .where(StockUnit.track_id.in_(["T000101", "T000102", "T000103", "T000104"])).tuples())
    assert status == {"T000101": "AVAILABLE", "T000102": "AVAILABLE", "T000103": "AVAILABLE",
                      "T000104": "QUARANTINE"}
    event = AuditEvent.get(AuditEvent.action == "lot.release")
    assert json.loads(event.detail)["reason"] == "lab ok" and event.subject == "RM-FLOUR/FL2610-01"
    with pytest.raises(BusinessRefusal, match="lot FL2610-01 of RM-FLOUR is not on hold: nothing to release"):
        release_hold(actors["admin"], "FL2610-01", reason="again")


def test_hold_is_still_refused_to_a_planner_in_words(demo, actors):
    with pytest.raises(PermissionDenied, match=r"PL1 \(planner\) may not hold lots: ask a supervisor or an admin"):
        hold_lot(actors["planner"], "FL2610-01")

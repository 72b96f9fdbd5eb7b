"""Issue 18.4: every writing command proves who is acting (PIN or station token), with the screens' role checks and
lockout, and every write is audited with who and from where. Proven on the registry itself, so a command added
later is covered without a test of its own."""
import argparse
import json
import os
import stat

import pytest

from core.cli import registry
from core.cli.main import build_parser, main
from core.data.models import ALL_MODELS, ApiToken, AuditEvent, Job, Movement, User

JOB = "000000000012345"


def _snapshot() -> dict:
    return {m.__name__: m.select().count() for m in ALL_MODELS}


@pytest.fixture
def no_credentials(monkeypatch):
    for var in ("JOBFLOOR_PIN", "JOBFLOOR_PIN_FILE", "JOBFLOOR_TOKEN", "JOBFLOOR_TOKEN_FILE", "SSH_CONNECTION",
                "SSH_CLIENT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)


def _writing_paths() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [path for path, _ in registry._leaves(sub)
            if path not in registry.READS | registry.SETUP | registry.ELSEWHERE]


def test_the_writing_commands_are_the_ones_the_issue_names():
    paths = set(_writing_paths())
    assert {"pick", "return", "complete", "release", "assign", "take", "labels print", "labels void",
            "settings set", "station link", "import", "postings export", "user add", "token add"} <= paths
    assert not {"stock", "trace", "kitbins", "labels ledger", "settings list"} & paths


@pytest.mark.parametrize("path", _writing_paths())
def test_no_writing_command_runs_without_a_credential(demo, no_credentials, capsys, path):
    """Each command the registry knows, as it is or as added later: without a PIN or token its handler never runs
    and nothing is written."""
    ran = []
    command, _, action = path.partition(" ")
    args = argparse.Namespace(db=demo.url, station=None, command=command, user="PK1", job=None, jobs=None)
    setattr(args, f"{command}_command", action or None)
    before = _snapshot()
    original = registry.HANDLERS.copy()
    try:
        build_parser()
        registry.HANDLERS[command] = lambda a: ran.append(a) or 0
        code = registry.run(args)
    finally:
        registry.HANDLERS.clear()
        registry.HANDLERS.update(original)
    assert (code, ran) == (2, [])
    assert "PK1's PIN is needed" in capsys.readouterr().err
    demo.connect(reuse_if_open=True)
    assert _snapshot() == before


def test_a_command_added_later_is_a_write_for_admins_only(demo, no_credentials, monkeypatch, capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub.add_parser("frobnicate")
    registry.HANDLERS["frobnicate"] = lambda a: print(f"done by {a.actor.user}") or 0
    try:
        args = argparse.Namespace(db=demo.url, station=None, command="frobnicate", user="SV1")
        monkeypatch.setenv("JOBFLOOR_PIN", "3333")
        assert registry.run(args) == 2
        assert "SV1 (supervisor) may not run this command: ask an admin" in capsys.readouterr().err
        monkeypatch.setenv("JOBFLOOR_PIN", "9999")
        args.user = "AD1"
        assert registry.run(args) == 0
        assert "done by AD1" in capsys.readouterr().out
    finally:
        registry.HANDLERS.pop("frobnicate")


def test_a_pick_with_the_pin_from_the_environment_is_audited_with_the_way_in(demo, no_credentials, monkeypatch,
                                                                            actors, capsys):
    from core.data.models import JobLine, PickTask
    from core.jobs.release import release
    from core.qty import fmt_qty

    release(actors["planner"], [JOB])
    task = PickTask.select().join(JobLine).where((JobLine.job == JOB) & (JobLine.line == 1)).first()
    monkeypatch.setenv("JOBFLOOR_PIN", "2222")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.7 50000 10.0.0.1 22")
    assert main(["--db", demo.url, "--station", "PICK-1", "pick", "12345", "1", "--track-id", task.unit_id,
                 "--qty", fmt_qty(task.qty), "--user", "PK1"]) == 0  # the job as people say it: padded
    assert Movement.select().where((Movement.job == JOB) & (Movement.user == "PK1")).exists()
    events = list(AuditEvent.select().where(AuditEvent.user == "PK1").order_by(AuditEvent.id))
    assert events[-1].action == "cli" and len(events) >= 2
    for e in events:
        assert e.station == "PICK-1" and json.loads(e.detail)["via"] == "pin:env@10.0.0.7"


def test_wrong_pins_on_the_command_line_lock_the_user_as_on_a_screen(demo, no_credentials, monkeypatch, capsys):
    monkeypatch.setenv("JOBFLOOR_PIN", "0000")
    before = _snapshot()
    for _ in range(4):
        assert main(["--db", demo.url, "take", JOB, "--user", "PK1"]) == 2
        assert "wrong PIN" in capsys.readouterr().err
    assert main(["--db", demo.url, "take", JOB, "--user", "PK1"]) == 2
    assert "locked after too many wrong PINs" in capsys.readouterr().err
    monkeypatch.setenv("JOBFLOOR_PIN", "2222")  # the right PIN, now
    assert main(["--db", demo.url, "take", JOB, "--user", "PK1"]) == 2
    assert "locked" in capsys.readouterr().err
    after = _snapshot()
    assert {k: v for k, v in after.items() if k != "User"} == {k: v for k, v in before.items() if k != "User"}
    assert User.get(User.code == "PK1").locked_until is not None


def test_the_role_is_checked_before_anything_runs(demo, no_credentials, monkeypatch, capsys):
    monkeypatch.setenv("JOBFLOOR_PIN", "2222")
    before = _snapshot()
    assert main(["--db", demo.url, "release", "12345", "--user", "PK1"]) == 2
    assert "PK1 (picker) may not release" in capsys.readouterr().err
    assert _snapshot() == before and Job.get(Job.job == JOB).state == "IMPORTED"


def test_a_pin_file_must_be_private(demo, no_credentials, monkeypatch, tmp_path, capsys):
    pin = tmp_path / "pin"
    pin.write_text("3333\n")
    os.chmod(pin, 0o644)
    monkeypatch.setenv("JOBFLOOR_PIN_FILE", str(pin))
    assert main(["--db", demo.url, "settings", "set", "site_name", "Bakery 2", "--user", "SV1"]) == 2
    assert f"chmod 600 {pin}" in capsys.readouterr().err
    os.chmod(pin, stat.S_IRUSR | stat.S_IWUSR)
    assert main(["--db", demo.url, "settings", "set", "site_name", "Bakery 2", "--user", "SV1"]) == 2
    # an admin's to change
    assert "SV1 (supervisor) may not change site settings: ask an admin" in capsys.readouterr().err
    pin.write_text("9999\n")
    assert main(["--db", demo.url, "settings", "set", "site_name", "Bakery 2", "--user", "AD1"]) == 0
    event = AuditEvent.select().where(AuditEvent.action == "settings.set").order_by(AuditEvent.id.desc()).first()
    assert event.user == "AD1" and json.loads(event.detail)["via"] == "pin:file"


def test_the_pin_is_asked_on_a_terminal(demo, no_credentials, monkeypatch, capsys):
    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "3333")
    assert main(["--db", demo.url, "assign", "12345", "--free", "--user", "SV1"]) in (0, 2)
    assert asked == ["PIN for SV1: "]
    event = AuditEvent.select().where(AuditEvent.user == "SV1").order_by(AuditEvent.id.desc()).first()
    assert json.loads(event.detail)["via"] == "pin:tty"


def test_station_tokens_are_made_by_admins_stored_hashed_bound_to_their_station_and_revocable(
        demo, no_credentials, monkeypatch, capsys, actors):
    from core.jobs.release import release

    release(actors["planner"], [JOB])
    monkeypatch.setenv("JOBFLOOR_PIN", "3333")
    assert main(["--db", demo.url, "token", "add", "PICK-1", "--as", "SV1", "--user", "SV1"]) == 2
    assert "may not manage station tokens: ask an admin" in capsys.readouterr().err
    monkeypatch.setenv("JOBFLOOR_PIN", "9999")
    assert main(["--db", demo.url, "token", "add", "PICK-1", "--as", "SV1", "--user", "AD1", "--note", "scale"]) == 0
    secret = capsys.readouterr().out.strip()
    row = ApiToken.get()
    assert secret.startswith("jft_") and len(secret) > 40
    assert secret not in json.dumps([list(r) for m in ALL_MODELS for r in m.select().tuples()], default=str)
    assert row.digest != secret and (row.station, row.user, row.created_by) == ("PICK-1", "SV1", "AD1")

    monkeypatch.delenv("JOBFLOOR_PIN")
    monkeypatch.setenv("JOBFLOOR_TOKEN", secret)
    assert main(["--db", demo.url, "assign", "12345", "--to", "PK2"]) == 0
    assert Job.get(Job.job == JOB).assignee == "PK2"
    event = AuditEvent.select().where(AuditEvent.action == "job.assign").order_by(AuditEvent.id.desc()).first()
    assert (event.user, event.station, json.loads(event.detail)["via"]) == ("SV1", "PICK-1", f"token:{row.id}")
    assert main(["--db", demo.url, "--station", "PICK-2", "assign", "12345", "--free"]) == 2
    assert "belongs to station PICK-1, not PICK-2" in capsys.readouterr().err
    assert main(["--db", demo.url, "assign", "12345", "--free", "--user", "AD1"]) == 2
    assert "acts as SV1, not AD1" in capsys.readouterr().err

    monkeypatch.setenv("JOBFLOOR_TOKEN", secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert main(["--db", demo.url, "assign", "12345", "--free"]) == 2
    assert "not known here" in capsys.readouterr().err

    monkeypatch.delenv("JOBFLOOR_TOKEN")
    monkeypatch.setenv("JOBFLOOR_PIN", "9999")
    assert main(["--db", demo.url, "token", "revoke", str(row.id), "--user", "AD1"]) == 0
    monkeypatch.setenv("JOBFLOOR_TOKEN", secret)
    assert main(["--db", demo.url, "assign", "12345", "--free"]) == 2
    assert f"station token {row.id} was revoked by AD1" in capsys.readouterr().err
    assert Job.get(Job.job == JOB).assignee == "PK2"


def test_a_token_is_no_way_round_a_lockout(demo, no_credentials, monkeypatch, capsys):
    from core.errors import AuthError
    from core.site.actor import Actor
    from core.site.auth import login
    from core.site.tokens import add_token

    _, secret = add_token(Actor("AD1", "admin"), "PICK-1", "SV1")
    for _ in range(5):
        with pytest.raises(AuthError):
            login("SV1", "0000")
    monkeypatch.setenv("JOBFLOOR_TOKEN", secret)
    assert main(["--db", demo.url, "assign", "12345", "--free"]) == 2
    assert "SV1 is locked" in capsys.readouterr().err


def test_the_first_user_of_a_new_site_needs_no_credential(database, no_credentials, capsys):
    assert not User.select().exists()
    assert main(["--db", database.url, "user", "add", "AD1", "--role", "admin", "--pin", "9999"]) == 0
    assert main(["--db", database.url, "user", "add", "PK9", "--role", "picker", "--pin", "1234"]) == 2
    assert "AD1" not in capsys.readouterr().err
    assert User.select().count() == 1


def test_loading_the_demo_into_a_site_with_users_is_an_admins(demo, no_credentials, monkeypatch, capsys):
    from core.data.models import Item

    items = Item.select().count()
    assert main(["--db", demo.url, "init", "--demo", "--if-new"]) == 0  # make run's: nothing loaded, no question
    assert main(["--db", demo.url, "init"]) == 0  # an upgrade: the database owner's
    capsys.readouterr()
    monkeypatch.setenv("JOBFLOOR_PIN", "3333")
    assert main(["--db", demo.url, "init", "--demo", "--user", "SV1"]) == 2
    assert "SV1 (supervisor) may not" in capsys.readouterr().err
    assert Item.select().count() == items

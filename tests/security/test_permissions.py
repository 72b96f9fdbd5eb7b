"""Every role against every service that changes stock or the floor's records: a role the rules refuse gets
PermissionDenied and nothing is written; a role they allow is not refused. The rules are core.site.auth.PERMISSIONS,
and every action there is covered here (or named below as one no floor role performs through a service).
"""
import pytest

from core.data.models import ALL_MODELS, ROLES
from core.errors import JobfloorError, PermissionDenied
from core.site.actor import Actor
from core.site.auth import PERMISSIONS, may

JOB = "000000000012345"
BRAKE_JOB = "000000000020001"
SPONGE = "000000000012348"  # picked in full, so it completes without a supervisor's reason

# Actions that change nothing, and the ones only the command line does (whoever runs it holds the database's
# credentials already): they have no service taking an Actor to test.
READ_ONLY = {"stock.view", "trace", "kit.view", "jobs.board"}
COMMAND_LINE_ONLY = {"import", "postings.export", "users.edit"}


def _services(ctx):
    """action -> [(name, call(actor))]: each service the action guards, called as the floor calls it."""
    from core.jobs.assignment import assign, take
    from core.jobs.completion import complete_job
    from core.jobs.picking import confirm_pick, short_pick
    from core.jobs.release import release, unrelease
    from core.jobs.returns import correct_tare, return_unit
    from core.kitbins.bins import confirm_replenishment, count_bin, sweep_tasks
    from core.labels.reprints import reprint, void
    from core.labels.sets import print_job_labels
    from core.site.auth import unlock_user
    from core.site.settings import change
    from core.site.stations import update_station
    from core.site.tokens import add_token, list_tokens
    from core.trace.holds import hold_lot, release_hold

    return {
        "release": [("release", lambda a: release(a, [BRAKE_JOB]))],
        "unrelease": [("unrelease", lambda a: unrelease(a, BRAKE_JOB))],
        "pick": [("confirm_pick", lambda a: confirm_pick(a, JOB, 1, ctx["flour"], ctx["flour_qty"])),
                 ("short_pick", lambda a: short_pick(a, JOB, 1, ctx["flour"], "DAMAGED")),
                 ("take", lambda a: take(a, JOB))],
        "return": [("return_unit", lambda a: return_unit(a, ctx["portion"], 1000, "D-DRUM-01"))],
        "complete": [("complete_job", lambda a: complete_job(a, SPONGE))],
        "complete.short": [("close_short", lambda a: complete_job(a, JOB, close_short="the flour tote was damaged"))],
        "labels.print": [("print_job_labels", lambda a: print_job_labels(
            a, JOB, ctx["printer"], "zpl", "ZD421", "102x152", kinds=("pallet",), send=False))],
        "labels.reprint": [("reprint", lambda a: reprint(a, ctx["label"], send=False))],
        "labels.void": [("void", lambda a: void(a, [ctx["label"]], "damaged"))],
        "hold": [("hold_lot", lambda a: hold_lot(a, "FL2610-01", "RM-FLOUR"))],
        "hold.release": [("release_hold", lambda a: release_hold(a, "YE2611-24", "RM-YEAST", "lab result clean"))],
        "users.unlock": [("unlock_user", lambda a: unlock_user(a, "PK2", "forgot the PIN"))],
        "kit.replenish": [("confirm_replenishment", lambda a: confirm_replenishment(
            a, ctx["task"], ctx["source"], ctx["bin"])), ("sweep_tasks", lambda a: sweep_tasks(a))],
        "kit.count": [("count_bin", lambda a: count_bin(a, "KB-NUT-M10", counted=2_000_000))],
        "tare.correct": [("correct_tare", lambda a: correct_tare(a, "T000152", 450))],
        "stations.edit": [("update_station", lambda a: update_station(a, "PICK-2", name="Renamed"))],
        "jobs.assign": [("assign", lambda a: assign(a, JOB, "PK2"))],
        "settings.edit": [("settings change", lambda a: change(a, "site_name", "Renamed"))],
        "tokens.edit": [("add_token", lambda a: add_token(a, "PICK-1", "PK1")), ("list_tokens", list_tokens)],
    }


def _snapshot() -> dict:
    """Every row of every table: "nothing written" is checked on all of it."""
    return {m.__name__: sorted(map(repr, m.select().tuples())) for m in ALL_MODELS}


@pytest.fixture
def floor(demo, actors, tmp_path):
    """The demo with something of everything to act on: released jobs, a portion in WIP, a printed label, an
    open kit-bin task and a locked-out picker (the demo's yeast lot YE2611-24 is on hold already)."""
    import datetime as dt

    from core.clock import utcnow
    from core.data.models import KitTask, PickTask, User
    from core.jobs.picking import confirm_pick
    from core.jobs.release import release
    from core.kitbins.bins import suggest_sources, sweep_tasks
    from core.labels.sets import print_job_labels

    release(actors["planner"], [JOB, BRAKE_JOB, SPONGE])
    picked = confirm_pick(actors["picker"], JOB, 5, "T000152", 7500)
    confirm_pick(actors["picker"], SPONGE, 1, "T000107", 90_000)
    confirm_pick(actors["picker"], SPONGE, 2, "T000144", 600)
    printer = f"file://{tmp_path / 'labels.zpl'}"
    labels = print_job_labels(actors["operator"], JOB, printer, "zpl", "ZD421", "102x152", kinds=("pallet",))
    sweep_tasks(actors["admin"])
    User.update(locked_until=utcnow() + dt.timedelta(minutes=10)).where(User.code == "PK2").execute()
    task = KitTask.select().where(KitTask.state == "OPEN").order_by(KitTask.id).first()
    flour = PickTask.select().join(PickTask.job_line.rel_model).where(
        (PickTask.job_line.rel_model.job == JOB) & (PickTask.job_line.rel_model.line == 1)).first()
    return {"portion": picked.portion, "label": labels.ids[0], "printer": printer, "task": task.id,
            "bin": task.location_id, "source": suggest_sources(task.item, task.qty)[0].track_id, "flour": flour.unit_id,
            "flour_qty": flour.qty}


def test_every_action_in_the_rules_is_covered(floor):
    covered = set(_services(floor))
    assert set(PERMISSIONS) == covered | READ_ONLY | COMMAND_LINE_ONLY
    assert not covered & (READ_ONLY | COMMAND_LINE_ONLY)


@pytest.mark.parametrize("action", sorted(set(PERMISSIONS) - READ_ONLY - COMMAND_LINE_ONLY))
def test_refused_roles_write_nothing_and_allowed_roles_are_not_refused(floor, action):
    from core.data.db import db

    for name, call in _services(floor)[action]:
        done = []
        for role in ROLES:
            actor = Actor({"picker": "PK1"}.get(role, f"{role[:2].upper()}1"), role, "PICK-1")
            before = _snapshot()
            if not may(role, action):
                with pytest.raises(PermissionDenied, match=f"{actor.user} \\({role}\\) may not"):
                    call(actor)
                assert _snapshot() == before, f"{name} as {role} wrote something while refusing"
                continue
            # Allowed: it may still be refused by the floor's rules, but never for the role. Whatever it does
            # is rolled back, so every role meets the same floor.
            with db.atomic() as txn:
                try:
                    call(actor)
                except PermissionDenied as exc:
                    pytest.fail(f"{name} refused {role}, which the rules allow: {exc}")
                except JobfloorError:
                    pass
                else:
                    done.append(role)
                txn.rollback()
            assert _snapshot() == before
        assert done, f"{name}: no allowed role got through, so the refusals above prove little"

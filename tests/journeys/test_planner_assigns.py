"""A planner may assign (issue 22.6): the README gives F2 on the board to supervisors and planners, and the
permission table agrees. On the board by keys at 80x24 and 40x16, and from the command line."""
import pytest

from core.data.models import AuditEvent, Job
from tests.cli_env import jobfloor_as
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

JOB = "000000000012345"


@pytest.fixture
def released(demo):
    from core.jobs.release import release
    from core.site.actor import Actor

    release(Actor("PL1", "planner", "OFFICE"), [JOB])  # before the journey: the board shows released jobs
    return demo


@pytest.mark.parametrize("size", [(80, 24), (40, 16)], ids=["80x24", "40x16"])
async def test_planner_assigns_on_the_board(released, size):
    app = make_app(released.url, "OFFICE")
    async with app.run_test(size=size) as pilot:
        await login(pilot, "PL1", "4444")
        await open_module(pilot, "board")
        shown = JOB if size[0] >= 80 else JOB.lstrip("0")  # a handheld drops the leading zeros
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen" and shown in screen_text(app))
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#assign"))
        await type_text(pilot, "PK2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Job.get(Job.job == JOB).assignee == "PK2")
        await wait_for(pilot, lambda: "PK2" in screen_text(app))
    event = AuditEvent.get(AuditEvent.action == "job.assign")
    assert (event.user, event.subject) == ("PL1", JOB)


def test_planner_assigns_from_the_command_line_and_a_picker_is_told_who_may(released, capsys, monkeypatch):
    assert jobfloor_as(monkeypatch, "--db", released.url, "assign", JOB, "--to", "PK1", "--user", "PL1") == 0
    assert Job.get(Job.job == JOB).assignee == "PK1"
    assert jobfloor_as(monkeypatch, "--db", released.url, "assign", JOB, "--to", "PK2", "--user", "PK1") == 2
    assert ("PK1 (picker) may not assign jobs: ask a supervisor, a planner or an admin"
            in capsys.readouterr().err)
    assert Job.get(Job.job == JOB).assignee == "PK1"

"""Assignment and the atomic take, on both databases; two processes racing for one slip."""
import subprocess
import sys
from pathlib import Path

import pytest

from core.data.models import Job
from core.errors import BusinessRefusal, PermissionDenied
from core.jobs.assignment import assign, take
from core.jobs.pick_list import jobs_to_pick
from core.jobs.release import release
from tests.cli_env import pin_env
from tests.core.test_picking import pick_on_its_own_connection

ROOT = Path(__file__).resolve().parents[2]
JOB = "000000000012345"


@pytest.fixture
def released(demo, actors):
    release(actors["planner"], [JOB, "000000000012346"])
    return demo


def test_assigned_jobs_come_first_and_others_are_hidden(released, actors):
    from core.site.actor import Actor

    assign(actors["supervisor"], "000000000012346", "PK1")
    assert [j.job for j in jobs_to_pick("PK1")][0] == "000000000012346"
    assert "000000000012346" not in [j.job for j in jobs_to_pick("PK2")]
    assign(actors["supervisor"], JOB, "station:PICK-2")
    assert JOB in [j.job for j in jobs_to_pick("PK2", station="PICK-2")]
    assert JOB not in [j.job for j in jobs_to_pick("PK2", station="PICK-1")]
    take(Actor("PK2", "picker", "PICK-2"), JOB)
    assert Job.get(Job.job == JOB).assignee == "PK2"


def test_only_supervisors_assign(released, actors):
    with pytest.raises(PermissionDenied):
        assign(actors["picker"], JOB, "PK1")


def test_taken_job_cannot_be_taken_again(released, actors):
    from core.site.actor import Actor

    take(Actor("PK1", "picker"), JOB)
    with pytest.raises(BusinessRefusal, match="already"):
        take(Actor("PK2", "picker"), JOB)
    take(Actor("PK1", "picker"), JOB)  # taking your own again is fine


def test_two_processes_race_for_one_slip(released):
    released.close()
    cmd = [sys.executable, "-m", "tui.entry", "--db", released.url, "take", JOB, "--user"]
    procs = [subprocess.Popen(cmd + [who], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=pin_env(who)) for who in ("PK1", "PK2")]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    assert all("Traceback" not in err for _, _, err in results)
    released.connect(reuse_if_open=True)
    winner = [who for (code, _, _), who in zip(results, ("PK1", "PK2")) if code == 0][0]
    assert Job.get(Job.job == JOB).assignee == winner


def test_an_assignment_binds_a_pick_in_progress(released, actors):
    """Issue 22.2: PK1 has the job open, a supervisor assigns it to PK2; PK1's next confirm is refused with a
    sentence naming PK2, inside the pick's own transaction, and nothing is written. PK2 picks it."""
    from core.data.models import Movement, Posting
    from core.jobs.picking import confirm_pick, short_pick
    from core.site.actor import Actor

    take(actors["picker"], JOB)
    assign(actors["supervisor"], JOB, "PK2")
    with pytest.raises(BusinessRefusal, match="job 000000000012345 is assigned to PK2: nothing was booked"):
        confirm_pick(actors["picker"], JOB, 3, "T000131", 4500)
    with pytest.raises(BusinessRefusal, match="assigned to PK2"):
        short_pick(actors["picker"], JOB, 3, "T000131", "NO_STOCK")
    assert Movement.select().where(Movement.kind == "PICK").count() == 0 and Posting.select().count() == 0
    with pytest.raises(BusinessRefusal, match="already user PK2's"):
        take(actors["picker"], JOB)  # nor may PK1 take it back by opening it
    assert confirm_pick(Actor("PK2", "picker", "PICK-2"), JOB, 3, "T000131", 4500).qty == 4500


def test_a_team_or_station_assignment_lets_its_members_pick(released, actors):
    from core.data.models import User
    from core.jobs.picking import confirm_pick
    from core.site.actor import Actor

    User.update(team="DOUGH").where(User.code == "PK1").execute()
    assign(actors["supervisor"], JOB, "team:DOUGH")
    assert confirm_pick(actors["picker"], JOB, 3, "T000131", 4500).qty == 4500
    assign(actors["supervisor"], JOB, "station:PICK-2")
    with pytest.raises(BusinessRefusal, match="assigned to station PICK-2"):
        confirm_pick(actors["picker"], JOB, 2, "T000141", 5000)  # PK1 stands at PICK-1
    assert confirm_pick(Actor("PK1", "picker", "PICK-2"), JOB, 2, "T000141", 5000).qty == 5000


def test_a_pick_waits_for_an_assignment_in_progress_and_then_obeys_it(pg_url, templates, actors):
    """PostgreSQL: the supervisor's assignment is written but not yet committed when PK1 confirms. The pick waits
    for it (the job row is share-locked with the line) and is refused once it commits; read before the lock, the
    old assignee would have let it through."""

    import psycopg2

    from core.data.models import Posting
    from tests.conftest import _copy_of

    _copy_of(templates, "demo", pg_url)
    release(actors["planner"], [JOB])
    take(actors["picker"], JOB)
    other = psycopg2.connect(pg_url)
    other.cursor().execute("UPDATE job SET assignee = 'PK2', assignee_kind = 'user' WHERE job = %s", (JOB,))
    outcome = {}
    waiting = pick_on_its_own_connection(actors["picker"], outcome)
    watch = psycopg2.connect(pg_url)
    with watch.cursor() as w:
        for _ in range(2000):  # until the pick waits on the job's row lock
            w.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND wait_event_type = 'Lock'")
            if w.fetchone()[0]:
                break
            watch.rollback()
        else:
            raise AssertionError("the pick never waited for the assignment")
    watch.close()
    other.commit()
    other.close()
    waiting.join(timeout=30)
    assert isinstance(outcome.get("error"), BusinessRefusal), outcome
    assert "assigned to PK2" in str(outcome["error"])
    assert Posting.select().count() == 0

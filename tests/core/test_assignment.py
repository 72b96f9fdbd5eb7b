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

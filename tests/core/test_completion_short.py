"""A job with unpicked lines is not completed without a word (issue 22.4): refused, or closed short with a
supervisor's reason that the board, the audit trail and the postings (WIPTMIDOC <Notation>) carry. Its message
counts only the replenishment tasks it raised."""
import json
import xml.etree.ElementTree as ET

import pytest

from core.data.models import AuditEvent, Job, JobLine, KitTask, Movement, Posting
from core.erp.postings import export_pending
from core.errors import BusinessRefusal, PermissionDenied, UserInputError
from core.jobs.board import board, job_detail
from core.jobs.completion import complete_job
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import return_unit
from core.kitbins.bins import count_bin, sweep_tasks
from tests.cli_env import jobfloor_as

BREAD = "000000000012345"
BRAKE = "000000000020001"
SPONGE = "000000000012348"


def test_unpicked_lines_refuse_the_completion_and_change_nothing(demo, actors, capsys, monkeypatch):
    release(actors["planner"], [BRAKE])
    movements = Movement.select().count()
    with pytest.raises(BusinessRefusal) as err:
        complete_job(actors["operator"], BRAKE)
    assert str(err.value) == (
        f"job {BRAKE} has 4 line(s) not picked in full (line 1 BK-PAD-F 0 of 100 EA; line 2 BK-BRACKET 0 of 200 EA; "
        "line 6 BK-GREASE 0 of 0.5 KG; line 7 BK-BOX 0 of 100 EA): pick them, or a supervisor closes the job short "
        "with a reason (--close-short REASON)")
    assert Job.get(Job.job == BRAKE).state == "RELEASED" and Movement.select().count() == movements

    assert jobfloor_as(monkeypatch, "--db", demo.url, "complete", BRAKE, "--user", "OP1") == 2
    assert "4 line(s) not picked in full" in capsys.readouterr().err
    # an operator may complete but not close short; a reason must say something
    assert jobfloor_as(monkeypatch, "--db", demo.url, "complete", BRAKE, "--user", "OP1",
                       "--close-short", "no pads") == 2
    assert "OP1 (operator) may not close a job short: ask a supervisor or an admin" in capsys.readouterr().err
    with pytest.raises(UserInputError, match="say why the job is closed short"):
        complete_job(actors["supervisor"], BRAKE, close_short=" ")
    with pytest.raises(PermissionDenied):
        complete_job(actors["operator"], BRAKE, close_short="no pads")
    assert Job.get(Job.job == BRAKE).state == "RELEASED" and Movement.select().count() == movements


def test_a_supervisor_closes_short_with_a_reason_on_board_audit_and_postings(demo, actors, capsys, tmp_path,
                                                                            monkeypatch):
    release(actors["planner"], [BREAD])
    confirm_pick(actors["picker"], BREAD, 5, "T000152", 7500)
    assert jobfloor_as(monkeypatch, "--db", demo.url, "complete", BREAD, "--user", "SV1",
                       "--close-short", "flour tote damaged", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert got["closed_short"]["reason"] == "flour tote damaged"
    assert [ln["line"] for ln in got["closed_short"]["lines"]] == [1, 2, 3, 4]
    assert got["closed_short"]["lines"][0] == {"line": 1, "item": "RM-FLOUR", "required": "225.000",
                                               "picked": "0.000"}
    job = Job.get(Job.job == BREAD)
    assert (job.state, job.closed_short) == ("COMPLETED", "flour tote damaged")
    reasons = {ln.line: ln.short_reason for ln in JobLine.select().where(JobLine.job == BREAD)}
    assert reasons == {1: "closed short: flour tote damaged", 2: "closed short: flour tote damaged",
                       3: "closed short: flour tote damaged", 4: "closed short: flour tote damaged", 5: None, 6: None}

    row = next(r for r in board() if r.job == BREAD)  # the shift still sees it, and why
    assert (row.state, row.short_lines) == ("CLOSED SHORT", 4)
    assert next(d for d in job_detail(BREAD) if d["line"] == 1)["short"] == "closed short: flour tote damaged"

    event = AuditEvent.get(AuditEvent.action == "job.close_short")
    assert event.user == "SV1" and json.loads(event.detail)["reason"] == "flour tote damaged"

    export_pending(str(tmp_path))
    kit = Posting.get(Posting.key.startswith("KIT-"))  # the bags of line 6, drawn by the completion
    item = ET.parse(tmp_path / f"{kit.key}.xml").getroot().find("Item")
    assert item.findtext("Notation") == "closed short: flour tote damaged"
    tags = [c.tag for c in item]
    assert tags.index("QtyIssued") < tags.index("Notation") < tags.index("Bins")  # WIPTMIDOC's sequence
    pick = Posting.get(Posting.key.startswith("PICK-"))
    assert ET.parse(tmp_path / f"{pick.key}.xml").getroot().find("Item/Notation") is None


def test_a_fully_picked_job_completes_without_a_reason_returns_or_not(demo, actors):
    release(actors["planner"], [SPONGE])
    confirm_pick(actors["picker"], SPONGE, 1, "T000107", 90_000)
    yeast = confirm_pick(actors["picker"], SPONGE, 2, "T000144", 600)
    return_unit(actors["operator"], yeast.portion, 100, "C-COLD-01")  # what production did not use came back
    done = complete_job(actors["operator"], SPONGE)
    assert done.closed_short == [] and Job.get(Job.job == SPONGE).closed_short is None
    assert "closed short" not in "\n".join(done.lines())


def test_the_message_counts_only_the_tasks_this_completion_raised(demo, actors):
    sweep_tasks(actors["operator"])
    # the clip and bolt bins are below min already: two tasks are open before the job is completed
    assert KitTask.select().where(KitTask.state == "OPEN").count() == 2
    count_bin(actors["supervisor"], "KB-NUT-M10", counted=900_000)  # the job's 400 nuts take it below min
    release(actors["planner"], [BRAKE])
    done = complete_job(actors["supervisor"], BRAKE, close_short="pads come on the next job")
    assert len(done.tasks) == 1 and done.task_bins == ["KB-NUT-M10"]
    assert f"  1 replenishment task(s) raised: KB-NUT-M10 (task {done.tasks[0]})" in done.lines()

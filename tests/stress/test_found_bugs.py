"""Bugs the stress runs found, each pinned by the smallest case that shows it."""
from core.ledger import ledger_mismatches
from core.models import JobLine, Posting, PickTask, StockUnit
from core.picking import confirm_pick
from core.release import release
from core.returns import issued_to_job, return_unit

BRAKE_JOB = "000000000020001"


def test_a_whole_container_issued_to_a_job_can_come_back(demo, actors):
    # A whole container keeps its TrackID and moves to WIP as two ISSUE rows (out of the store, into WIP);
    # the return once summed both and saw nothing issued, so a drum or roll that went whole could not return.
    release(actors["planner"], [BRAKE_JOB])
    task = next(t for t in PickTask.select().join(JobLine).where(JobLine.job == BRAKE_JOB)
                if t.qty == StockUnit.get(StockUnit.track_id == t.unit_id).on_hand)
    line = task.job_line.line
    picked = confirm_pick(actors["picker"], BRAKE_JOB, line, task.unit_id, task.qty)
    assert picked.portion == picked.source  # moved whole
    assert issued_to_job(picked.source).issued == task.qty
    back = return_unit(actors["operator"], picked.source, 1000, "A-01-01")
    assert Posting.get(Posting.key == back.posting).qty == -1000
    assert JobLine.get((JobLine.job == BRAKE_JOB) & (JobLine.line == line)).issued == task.qty - 1000
    assert ledger_mismatches() == []

"""The audit trail is complete: every stock change (every Movement) has the audit event its operation wrote, in
the same transaction, by the same user at the same station, naming what moved.

The check is bench.stress_check.check_audit, the one the stress and crash runs apply to thousands of operations;
here it runs over a session that makes every kind of movement, and is shown to catch a gap.
"""
from bench.stress_check import AUDIT_ACTION, check_audit
from core.data.models import AuditEvent, KitTask, Movement, PickTask, StockUnit
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import return_unit
from core.kitbins.bins import confirm_replenishment, count_bin, suggest_sources, sweep_tasks

JOB = "000000000012345"
BRAKE_JOB = "000000000020001"


def _session(actors):
    """One of everything that moves stock; returns the audit actions each call should have written."""
    from core.jobs.completion import complete_job

    steps = []

    def step(action, call):
        before = AuditEvent.select().count()
        call()
        new = list(AuditEvent.select().order_by(AuditEvent.id).offset(before))
        steps.append((action, new))

    step("job.release", lambda: release(actors["planner"], [JOB, BRAKE_JOB]))
    portion = []
    step("pick", lambda: portion.append(confirm_pick(actors["picker"], JOB, 5, "T000152", 7500)))  # part
    whole = next(t for t in PickTask.select().join(PickTask.job_line.rel_model).where(
        PickTask.job_line.rel_model.job == BRAKE_JOB) if t.qty == StockUnit.get_by_id(t.unit_id).on_hand)
    step("pick", lambda: confirm_pick(actors["picker"], BRAKE_JOB, whole.job_line.line, whole.unit_id, whole.qty))
    step("return", lambda: return_unit(actors["operator"], portion[0].portion, 2000, "D-DRUM-01"))
    step("return", lambda: return_unit(actors["operator"], whole.unit_id, 1000, "K-01-02"))
    sweep_tasks(actors["operator"])
    for task in KitTask.select().where(KitTask.state == "OPEN"):
        source = suggest_sources(task.item, task.qty)[0]
        step("kit.replenish", lambda t=task, s=source: confirm_replenishment(actors["operator"], t.id, s.track_id,
                                                                             t.location_id))
    step("kit.count", lambda: count_bin(actors["operator"], "KB-NUT-M10", counted=2_000_000))
    step("kit.count", lambda: count_bin(actors["supervisor"], "KB-NUT-M10", counted=2_500_000))
    step("job.complete", lambda: complete_job(actors["supervisor"], BRAKE_JOB,
                                              close_short="not picked in this test"))
    return steps


def test_every_movement_has_its_audit_event(demo, actors):
    steps = _session(actors)
    kinds = {k for (k,) in Movement.select(Movement.kind).distinct().tuples()}
    assert kinds == set(AUDIT_ACTION), kinds  # the session made every kind of movement there is
    for action, events in steps:
        assert action in [e.action for e in events], (action, [e.action for e in events])
        for e in events:
            assert e.user in {a.user for a in actors.values()} and e.station == "PICK-1"
    result = check_audit()
    assert result.ok, result.line()


def test_the_check_catches_a_movement_without_its_event(demo, actors):
    _session(actors)
    victim = AuditEvent.select().where(AuditEvent.action == "return").first()
    AuditEvent.delete().where(AuditEvent.id == victim.id).execute()
    result = check_audit()
    assert not result.ok and len(result.examples) == 2  # the return's two rows: out of WIP, back to store
    assert {m[1] for m in result.examples} == {"RETURN"}

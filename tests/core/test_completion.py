"""Job completion on both databases: receipt, WIP consumed, kit lines drawn and posted, reservations back."""
import datetime as dt

import pytest

from core.data.models import AuditEvent, Job, JobLine, KitTask, Movement, PickTask, Posting, Reservation, StockUnit
from core.errors import BusinessRefusal, NotFound, PermissionDenied, UserInputError
from core.jobs.completion import complete_job
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.stock.ledger import ledger_mismatches

BREAD = "000000000012345"
BRAKE = "000000000020001"
SHORT = "the rest is not picked in these tests"  # a supervisor's reason (tests/core/test_completion_short.py)


def _books_true():
    assert ledger_mismatches() == []
    for u in StockUnit.select():
        assert 0 <= u.reserved <= u.on_hand
        assert u.reserved == sum(r.qty for r in Reservation.select().where(Reservation.unit == u.track_id))


def test_completion_receives_consumes_and_posts_kit(demo, actors):
    release(actors["planner"], [BREAD])
    oil = confirm_pick(actors["picker"], BREAD, 5, "T000152", 7500)  # a portion of the opened drum
    salt = confirm_pick(actors["picker"], BREAD, 3, "T000131", 4500)
    r = complete_job(actors["supervisor"], BREAD, close_short=SHORT)

    job = Job.get(Job.job == BREAD)
    assert job.state == "COMPLETED" and job.completed_at is not None
    out = StockUnit.get(StockUnit.track_id == r.track_id)
    assert (out.item_id, out.lot.code, out.on_hand, out.location_id) == ("FG-BREAD-800", "12345-261126", 500_000,
                                                                        "DISPATCH-1")
    assert out.expiry == dt.date(2026, 12, 1) and out.status == "AVAILABLE" and out.state == "ACTIVE"
    receipt = Movement.get((Movement.unit == r.track_id) & (Movement.kind == "RECEIPT"))
    assert receipt.job == BREAD and receipt.qty == 500_000 and receipt.lot == "12345-261126"

    for portion in (oil.portion, salt.portion):
        unit = StockUnit.get(StockUnit.track_id == portion)
        assert unit.on_hand == 0 and unit.state == "EMPTY"
        used = Movement.get((Movement.unit == portion) & (Movement.kind == "CONSUME"))
        assert used.job == BREAD and used.location == "WIP-BAKERY"
    assert sorted(r.wip_consumed) == sorted([(oil.portion, 7500), (salt.portion, 4500)])

    # kit line 6: 500 bags from the bag bin, posted to the ERP with a blank reference
    assert StockUnit.get(StockUnit.track_id == "T000172").on_hand == 700_000
    draw = Movement.get((Movement.kind == "CONSUME") & (Movement.location == "KB-BAG-800"))
    assert (draw.job, draw.line, draw.qty) == (BREAD, 6, -500_000)
    post = Posting.get(Posting.movement == draw.id)
    assert post.key.startswith("KIT-") and (post.qty, post.reference, post.line, post.warehouse) == (500_000, "",
                                                                                                     6, "FP")
    assert [(k.line, k.consumed, k.short) for k in r.kit] == [(6, 500_000, 0)]
    assert JobLine.get((JobLine.job == BREAD) & (JobLine.line == 6)).issued == 500_000

    # what was never picked goes back to stock
    assert Reservation.select().join(JobLine).where(JobLine.job == BREAD).count() == 0
    assert not PickTask.select().join(JobLine).where((JobLine.job == BREAD) & (PickTask.state == "OPEN")).exists()
    assert r.reservations_returned > 0
    assert not KitTask.select().where(KitTask.location == "KB-BAG-800").exists()  # 700 bags left: above min 500
    assert AuditEvent.select().where(AuditEvent.action == "job.complete").count() == 1
    _books_true()


def test_kit_shortfall_is_recorded_and_bins_below_min_get_one_task(demo, actors):
    KitTask.delete().execute()  # the import's tasks for the bins it loaded low: see the consumption's own
    release(actors["planner"], [BRAKE])
    r = complete_job(actors["supervisor"], BRAKE, 100_000, close_short=SHORT)
    got = {k.item: (k.consumed, k.short) for k in r.kit}
    assert got == {"BK-CLIP": (350_000, 50_000), "BK-NUT-M10": (400_000, 0), "BK-BOLT-M10": (400_000, 0)}
    short = AuditEvent.get(AuditEvent.action == "kit.shortfall")
    assert short.subject == f"{BRAKE}/3" and '"short": 50000' in short.detail
    tasks = {t.location_id: t for t in KitTask.select()}
    assert set(tasks) == {"KB-CLIP", "KB-BOLT-M10"}  # the nut bin is still above its min
    assert tasks["KB-CLIP"].qty == 2_000_000 and tasks["KB-BOLT-M10"].qty == 4_700_000
    assert sorted(r.tasks) == sorted(t.id for t in tasks.values())
    clip = Posting.get((Posting.job == BRAKE) & (Posting.line == 3))
    assert clip.qty == 350_000 and clip.lot == "CL2609-02" and clip.reference == ""
    assert StockUnit.get(StockUnit.track_id == "T000214").state == "EMPTY"
    out = StockUnit.get(StockUnit.track_id == r.track_id)
    assert out.expiry is None and out.location_id == "DISPATCH-1" and out.on_hand == 100_000
    _books_true()


def test_held_stock_in_a_bin_is_not_drawn(demo, actors):
    StockUnit.update(status="HOLD").where(StockUnit.track_id == "T000215").execute()
    release(actors["planner"], [BRAKE])
    r = complete_job(actors["supervisor"], BRAKE, close_short=SHORT)
    nut = next(k for k in r.kit if k.item == "BK-NUT-M10")
    assert nut.consumed == 0 and nut.short == 400_000
    assert StockUnit.get(StockUnit.track_id == "T000215").on_hand == 2_600_000


def test_quantity_made_and_receipt_fallback(demo, actors):
    from core.data.models import Setting

    Setting.delete().where(Setting.key == "receipt_location.FP").execute()
    release(actors["planner"], [BREAD])
    r = complete_job(actors["supervisor"], BREAD, 480_000, close_short=SHORT)
    assert r.qty == 480_000 and r.location == "DISPATCH-1"  # no setting: the first dispatch location
    assert StockUnit.get(StockUnit.track_id == r.track_id).on_hand == 480_000


def test_refusals_change_nothing(demo, actors):
    before = Movement.select().count()
    with pytest.raises(BusinessRefusal, match="not released"):
        complete_job(actors["operator"], BREAD)
    with pytest.raises(NotFound):
        complete_job(actors["operator"], "999")
    with pytest.raises(UserInputError):
        complete_job(actors["operator"], BREAD, 0)
    with pytest.raises(PermissionDenied):
        complete_job(actors["picker"], BREAD)
    assert Movement.select().count() == before
    release(actors["planner"], [BREAD])
    complete_job(actors["supervisor"], BREAD, close_short=SHORT)
    after = Movement.select().count()
    with pytest.raises(BusinessRefusal, match="already completed"):
        complete_job(actors["operator"], BREAD)
    assert Movement.select().count() == after


def test_cli_complete(demo, actors, capsys, monkeypatch):
    from core.cli.main import main

    monkeypatch.setenv("JOBFLOOR_PIN", "1111")

    release(actors["planner"], [BRAKE])
    assert main(["--db", demo.url, "complete", BRAKE, "--user", "OP1", "--qty", "abc"]) == 2
    assert "--qty" in capsys.readouterr().err
    assert Job.get(Job.job == BRAKE).state == "RELEASED"
    monkeypatch.setenv("JOBFLOOR_PIN", "3333")  # SV1, who may close a job short
    assert main(["--db", demo.url, "complete", BRAKE, "--user", "SV1", "--qty", "100", "--close-short", SHORT]) == 0
    monkeypatch.setenv("JOBFLOOR_PIN", "1111")
    out = capsys.readouterr().out
    assert "completed" in out and "SHORT 50" in out
    assert main(["--db", demo.url, "complete", BRAKE, "--user", "OP1"]) == 2
    assert "already completed" in capsys.readouterr().err

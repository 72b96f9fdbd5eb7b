"""Admin journeys by keys (issue 15.9, 15 "Proof"): a supervisor unlocks a user locked out by wrong PINs and
releases a lot's hold, each with a reason, at 80x24 and at a handheld's 40x16. Three terminals one after another on
one database (SQLite and PostgreSQL): the picker's, the supervisor's, the picker's again. Nothing is set up by calling
a service."""
import json

import pytest

from core.data.models import AuditEvent, StockUnit, User
from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for

SIZES = [(80, 24), (40, 16)]
FLOUR = "FL2610-01"


async def wait_text(pilot, *parts, timeout=10.0):
    try:
        await wait_for(pilot, lambda: all(p in screen_text(pilot.app) for p in parts), timeout=timeout)
    except AssertionError:
        raise AssertionError(f"the screen never said {parts}; it says:\n{screen_text(pilot.app)}") from None


async def open_locks(pilot):
    """Locks and holds is the supervisor's eleventh module: after 1-9 and 0 comes "a"."""
    assert "a  Locks and holds" in screen_text(pilot.app)
    await pilot.press("a")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "LocksScreen")


async def pick_row(pilot, text):
    from textual.widgets import DataTable

    table = pilot.app.screen.query_one("#locks", DataTable)
    await wait_for(pilot, lambda: any(text in " ".join(map(str, table.get_row_at(r))) for r in range(table.row_count)))
    await pilot.press("home")
    while text not in " ".join(map(str, table.get_row_at(table.cursor_row))):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#reason").has_focus)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x16"])
async def test_supervisor_unlocks_a_locked_out_picker(demo, size):
    picker = make_app(demo.url, "PICK-1")
    async with picker.run_test(size=size) as pilot:
        await type_text(pilot, "PK1")
        await pilot.press("enter")
        for _ in range(5):
            await wait_for(pilot, lambda: picker.focused is picker.screen.query_one("#pin"))
            await type_text(pilot, "0000")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "PIN" in str(picker.screen.query_one("#message").render()))
        await wait_text(pilot, "PK1 is locked after too many wrong PINs")
    assert User.get(User.code == "PK1").locked_until is not None

    office = make_app(demo.url, "OFFICE")
    async with office.run_test(size=size) as pilot:
        await login(pilot, "SV1", "3333")
        await open_locks(pilot)
        await wait_text(pilot, "1 user(s) locked out")
        await pick_row(pilot, "PK1")
        await wait_text(pilot, "Unlock PK1 (picker): why?")
        await pilot.press("enter")  # no reason: refused, nothing changes
        await wait_text(pilot, "Say why PK1 is unlocked")
        assert User.get(User.code == "PK1").locked_until is not None
        await type_text(pilot, "forgot PIN, identity checked")
        await pilot.press("enter")
        await wait_text(pilot, "PK1 is unlocked: they can log in with their PIN now.", "0 user(s) locked out")
        assert office.focused is office.screen.query_one("#locks")
    user = User.get(User.code == "PK1")
    assert user.locked_until is None and user.failed_attempts == 0
    event = AuditEvent.get(AuditEvent.action == "user.unlock")
    assert (event.user, event.station, event.subject) == ("SV1", "OFFICE", "PK1")
    assert json.loads(event.detail)["reason"] == "forgot PIN, identity checked"

    again = make_app(demo.url, "PICK-1")
    async with again.run_test(size=size) as pilot:
        await login(pilot, "PK1", "2222")
        assert again.actor.user == "PK1"
        assert "Locks and holds" not in screen_text(again)  # a picker may not unlock anyone


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x16"])
async def test_supervisor_holds_a_lot_and_releases_the_hold(demo, size):
    from tests.tui.helpers import open_module

    app = make_app(demo.url, "OFFICE")
    async with app.run_test(size=size) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "trace")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TraceScreen")
        await type_text(pilot, FLOUR)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.result is not None)
        await pilot.press("f5")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("enter")
        await wait_text(pilot, "100 KG held.")

        def statuses():
            return {u.track_id: u.status for u in StockUnit.select().join(StockUnit.lot.rel_model)
                    .where(StockUnit.lot.rel_model.code == FLOUR)}
        held = statuses()
        assert set(held.values()) == {"HOLD"} and len(held) == 4

        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MenuScreen")
        await open_locks(pilot)
        await wait_text(pilot, "2 lot(s) on hold", "4 unit(s) 100 KG")  # the demo's yeast YE2611-24 was held already
        await pick_row(pilot, FLOUR)
        await type_text(pilot, "ok")  # too short to say why
        await pilot.press("enter")
        await wait_text(pilot, "Say why the hold is released")
        assert StockUnit.get(StockUnit.track_id == next(iter(held))).status == "HOLD"
        await type_text(pilot, " - lab result clean")
        await pilot.press("enter")
        await wait_text(pilot, f"Lot {FLOUR} of RM-FLOUR: hold released", "back to available", "1 lot(s) on hold")
    assert statuses() == {track_id: "AVAILABLE" for track_id in held}
    event = AuditEvent.get(AuditEvent.action == "lot.release")
    assert (event.user, event.subject) == ("SV1", f"RM-FLOUR/{FLOUR}")
    assert json.loads(event.detail)["reason"] == "ok - lab result clean"

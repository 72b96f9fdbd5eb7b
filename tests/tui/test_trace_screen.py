"""The Trace screen at 80x24: scan a lot, read the tree, hold the lot, write the recall report."""
from pathlib import Path

from core.data.models import AuditEvent, StockUnit
from core.site.actor import Actor
from tests.core.test_trace import BREAD, FLOUR, SPONGE, sponge_chain
from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for


def _actors():
    return {role: Actor(code, role, "PICK-1") for role, code in
            (("operator", "OP1"), ("picker", "PK1"), ("planner", "PL1"), ("supervisor", "SV1"))}


async def open_module(pilot, key: str):
    """Open a module from the menu as a user would: its number, or arrows and Enter past the ninth."""
    from textual.widgets import OptionList

    from tui.modules import modules_for

    keys = [m.key for m in modules_for(pilot.app.actor.role)]
    n = keys.index(key) + 1
    if n <= 9:
        await pilot.press(str(n))
    else:
        menu = pilot.app.screen.query_one("#menu", OptionList)
        menu.highlighted = n - 1
        await pilot.press("enter")
    await pilot.pause()


def _tree_text(app) -> str:
    from textual.widgets import Tree

    out = []
    tree = app.screen.query_one("#tree", Tree)

    def walk(node):
        for child in node.children:
            out.append(str(child.label))
            walk(child)

    walk(tree.root)
    return "\n".join(out)


async def test_trace_tree_hold_and_recall_report(sqlite_demo):
    sponge_chain(_actors())
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "trace")
        assert type(app.screen).__name__ == "TraceScreen"
        await type_text(pilot, FLOUR)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.result is not None)
        tree = _tree_text(app)
        assert f"job 000000000012348 used 90 KG -> SF-SPONGE {SPONGE}" in tree
        assert f"job 000000000012349 used 120 KG -> FG-BREAD-800 {BREAD}" in tree  # the second level
        assert "600 EA on hand" in tree  # the bread still at dispatch stands out
        assert "made by" not in screen_text(app) and "bought in" in screen_text(app)

        await pilot.press("f6")
        await wait_for(pilot, lambda: "Recall report written" in screen_text(app))
        written = [w for w in screen_text(app).split() if w.endswith(".csv")]
        assert written and Path(written[0]).exists() and Path(written[0]).with_suffix(".txt").exists()

        # hold the traced lot: the cursor is on the Forward heading, which stands for the traced lot
        await pilot.press("f5")
        await wait_for(pilot, lambda: "on HOLD?" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: StockUnit.get(StockUnit.track_id == "T000107").status == "HOLD")
        assert AuditEvent.select().where(AuditEvent.action == "lot.hold").count() == 1

        # the tree has the focus now; the next scan still goes to the field and starts a new trace
        await type_text(pilot, SPONGE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.result.lot == SPONGE)
        assert "made by job 000000000012348" in screen_text(app)


async def test_trace_by_trackid_shows_backward_and_errors_plainly(sqlite_demo):
    ids = sponge_chain(_actors())
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "PL1", "4444")
        await open_module(pilot, "trace")
        await type_text(pilot, "NO-SUCH-LOT")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not a known lot" in screen_text(app))
        await type_text(pilot, ids["bread"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.result is not None)
        tree = _tree_text(app)
        assert f"SF-SPONGE {SPONGE} 120 KG into job 000000000012349" in tree
        assert "RM-YEAST YE2611-12 0.6 KG into job 000000000012348" in tree
        # a planner may trace but not hold: the refusal is a message, nothing changes
        await pilot.press("f5")
        await wait_for(pilot, lambda: "on HOLD?" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "may not hold" in screen_text(app))
        assert StockUnit.get(StockUnit.track_id == ids["bread"]).status == "AVAILABLE"


async def test_operator_has_no_trace(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        assert "Lot trace" not in screen_text(app)
        assert "Kit bin tasks" in screen_text(app)

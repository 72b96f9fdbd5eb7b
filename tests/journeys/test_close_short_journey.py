"""A job closed short (issue 22.4) stays on the supervisor's board with its reason: closed on the command line,
then seen on the board by keys at 80x24 and 40x16."""
import pytest

from tests.cli_env import jobfloor_as
from tests.tui.helpers import login, make_app, open_module, screen_text, wait_for

BREAD = "000000000012345"


@pytest.mark.parametrize("size", [(80, 24), (40, 16)], ids=["80x24", "40x16"])
async def test_the_board_shows_a_job_closed_short_and_why(demo, size, capsys, monkeypatch):
    assert jobfloor_as(monkeypatch, "--db", demo.url, "release", BREAD, "--user", "PL1") in (0, 1)
    assert jobfloor_as(monkeypatch, "--db", demo.url, "complete", BREAD, "--user", "OP1") == 2
    assert "not picked in full" in capsys.readouterr().err
    assert jobfloor_as(monkeypatch, "--db", demo.url, "complete", BREAD, "--user", "SV1",
                       "--close-short", "tote damaged") == 0
    assert "closed short (tote damaged): line 1 RM-FLOUR 0 of 225 KG" in capsys.readouterr().out

    app = make_app(demo.url, "OFFICE")
    async with app.run_test(size=size) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "board")
        # a handheld shows the job number without its leading zeros, as people say it
        job = BREAD if size[0] >= 80 else BREAD.lstrip("0")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen" and job in screen_text(app))
        assert f"CLOSED SHORT {job}" in screen_text(app)
        assert "1 closed short today" in screen_text(app)  # not counted among the released jobs
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#detail").display)
        assert "closed short: tote damaged" in str(app.screen.query_one("#detail").render())

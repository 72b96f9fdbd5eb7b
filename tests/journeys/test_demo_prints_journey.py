"""The demo prints out of the box (issue 22.7), by keys at 80x24 and 40x16: `init --demo` into a data folder that
does not exist yet, then an operator at the OFFICE station prints a job's pallet, carton and product labels from
the Labels screen, and every one comes out of the station's printer (a file in the new data folder)."""
import pytest

from core.cli.main import main
from core.data.models import LabelJob, Station
from tests.core.test_labeling import TINY, tiny_job
from tests.tui.helpers import login, make_app, open_module, screen_text, wait_for


@pytest.mark.parametrize("size", [(80, 24), (40, 16)], ids=["80x24", "40x16"])
async def test_the_office_prints_every_kind_on_a_fresh_demo(tmp_path, monkeypatch, size):
    data = tmp_path / "fresh" / "data"
    monkeypatch.setenv("JOBFLOOR_DATA_DIR", str(data))
    url = f"sqlite:///{tmp_path / 'site.db'}"
    assert main(["--db", url, "init", "--demo"]) == 0
    tiny_job()  # 5 loaves: 2 pallets, 3 cartons, 5 products
    printer = Station.get(Station.code == "OFFICE").printer_url.removeprefix("file://")

    app = make_app(url, "OFFICE")
    async with app.run_test(size=size) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "labels")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LabelsScreen" and TINY in screen_text(app))
        table = app.screen.query_one("#jobs")
        await pilot.press("home")
        while table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value != TINY:
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "job", timeout=10)
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Print a new set of 10 label(s)" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 10, timeout=20)
    assert printer.startswith(str(data)) and (data / printer.rsplit("/", 1)[1]).stat().st_size > 0
    assert {r.kind for r in LabelJob.select()} == {"pallet", "carton", "product"}

"""The demo prints out of the box (issue 22.7): a fresh data directory, `init --demo`, and every station's labels
come out of its printer, the office's cartons and pallets included."""
from core.cli.main import main
from core.data.models import LabelJob, Station
from core.labels.sets import print_to
from core.labels.targets import target_for_station
from tests.cli_env import jobfloor_as

BREAD = "000000000012349"  # a discrete output: pallet, carton and product labels


def test_init_demo_on_a_fresh_data_dir_prints_at_every_station(tmp_path, monkeypatch, actors):
    fresh = tmp_path / "never-made" / "data"
    monkeypatch.setenv("JOBFLOOR_DATA_DIR", str(fresh))
    url = f"sqlite:///{tmp_path / 'site.db'}"
    assert main(["--db", url, "init", "--demo"]) == 0
    # a shortage does not stop its labels
    assert jobfloor_as(monkeypatch, "--db", url, "release", BREAD, "--user", "PL1") in (0, 1)

    # the PICK stations first
    for station in Station.select().where(Station.printer_url.is_null(False)).order_by(Station.code.desc()):
        result = print_to(actors["supervisor"], BREAD, target_for_station(station), ["pallet", "carton"])
        assert result.all_printed, (station.code, result.text())
        path = station.printer_url.removeprefix("file://")
        assert path.startswith(str(fresh)) and (fresh / path.rsplit("/", 1)[1]).stat().st_size > 0
    assert not LabelJob.select().where(LabelJob.state != "PRINTED").exists()


def test_the_office_printer_takes_every_kind(demo, actors):
    office = Station.get(Station.code == "OFFICE")
    assert (office.printer_model, office.label_size) == ("QL-1100", "102")
    target = target_for_station(office)
    assert {target.size_for(kind).width_mm for kind in ("pallet", "carton", "product")} == {102}

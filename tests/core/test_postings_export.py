"""Postings export: SYSPRO's Post Material documents, the parameters beside the items, each posting once.

The shapes follow SYSPRO's Post Material business object (WIPTMI): the items document (WIPTMIDOC) holds only its
item elements in the schema's sequence order, the parameters document (WIPTMI) the transaction date and the
posting options (docs/interchange.md, "Files out: ERP postings").
"""
import xml.etree.ElementTree as ET

import pytest

import core.erp.postings as postings
from core.data.db import write_txn
from core.data.models import Posting, StockUnit
from core.erp.imports import run_import
from core.erp.postings import add_posting, export_pending
from core.jobs.completion import complete_job
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import return_unit
from core.site.actor import Actor
from core.site.settings import change
from core.stock import ledger
from tests.cli_env import pin_env

JOB = "000000000012345"
ITEM_ORDER = ["Job", "Warehouse", "StockCode", "Line", "QtyIssued", "Reference", "Bins", "Lot"]
PARAM_ORDER = ["TransactionDate", "PostingPeriod", "ApplyIfEntireDocumentValid", "ValidateOnly", "IgnoreWarnings",
               "AutoDepleteLotsBins", "PostFloorstock"]
ADMIN = Actor("AD1", "admin", None)


def _post(qty, track_id="T000131"):
    unit = StockUnit.get(StockUnit.track_id == track_id)
    with write_txn():
        m = ledger.post(unit, -qty, "PICK", Actor("PK1", "picker"), job=JOB, line=3)
        return add_posting(m, job=JOB, line=3, warehouse="RM", qty=qty, lot="SA2604-01", reference=track_id,
                           kind="PICK").key


def _item(folder, key) -> ET.Element:
    root = ET.parse(folder / f"{key}.xml").getroot()
    assert root.tag == "PostMaterial" and [c.tag for c in root] == ["Item"]
    return root.find("Item")


def _params(folder, key) -> dict:
    root = ET.parse(folder / f"{key}.params.xml").getroot()
    params = root.find("Parameters")
    assert root.tag == "PostMaterial" and [c.tag for c in root] == ["Parameters"]
    assert [c.tag for c in params] == PARAM_ORDER
    return {c.tag: c.text for c in params}


@pytest.fixture
def out(tmp_path):
    """The export folder (the SQLite database lives in tmp_path itself)."""
    return tmp_path / "out"


def test_each_posting_is_written_once_as_items_and_parameters(demo, out):
    key = _post(4500)
    assert export_pending(str(out)) == [str(out / f"{key}.xml")]
    item = _item(out, key)
    assert [c.tag for c in item] == ITEM_ORDER
    assert {c.tag: c.text for c in item if c.tag != "Bins"} == {
        "Job": JOB, "Warehouse": "RM", "StockCode": "RM-SALT", "Line": "3", "QtyIssued": "4.500",
        "Reference": "T000131", "Lot": "SA2604-01"}
    assert [(b.tag, b.text) for b in item.find("Bins")] == [("BinLocation", "B-01-01"), ("BinQuantity", "4.500")]
    assert _params(out, key) == {
        "TransactionDate": "2026-11-25", "PostingPeriod": "C", "ApplyIfEntireDocumentValid": "Y",
        "ValidateOnly": "N", "IgnoreWarnings": "N", "AutoDepleteLotsBins": "N", "PostFloorstock": "N"}
    assert export_pending(str(out)) == []
    _post(1000)
    assert len(export_pending(str(out))) == 1
    assert len(list(out.glob("*.params.xml"))) == 2 and len(list(out.glob("*.xml"))) == 4
    assert not list(out.glob(".*"))


def test_items_file_is_written_last_and_marked_only_after_both(demo, out, monkeypatch):
    key = _post(4500)
    order, real = [], postings._write_durably

    def failing_items(path, data):
        order.append(path.name)
        if not path.name.endswith(".params.xml"):
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(postings, "_write_durably", failing_items)
    with pytest.raises(OSError):
        export_pending(str(out))
    assert order == [f"{key}.params.xml", f"{key}.xml"]
    assert Posting.get(Posting.key == key).exported_at is None  # the items never landed: still pending
    assert not (out / f"{key}.xml").exists()
    monkeypatch.setattr(postings, "_write_durably", real)
    assert export_pending(str(out)) == [str(out / f"{key}.xml")]
    assert Posting.get(Posting.key == key).exported_at is not None


def test_crash_after_rename_rewrites_the_same_files(demo, out):
    key = _post(4500)
    export_pending(str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    Posting.update(exported_at=None).execute()  # as if the process died before marking it
    assert export_pending(str(out)) == [str(out / f"{key}.xml")]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bins_off_lets_syspro_deplete_lots_and_bins(demo, out):
    key = _post(4500)
    change(ADMIN, "syspro_bins", "n")
    export_pending(str(out))
    assert [c.tag for c in _item(out, key)] == ["Job", "Warehouse", "StockCode", "Line", "QtyIssued",
                                                     "Reference", "Lot"]
    assert _params(out, key)["AutoDepleteLotsBins"] == "Y"


def test_bins_only_for_the_warehouses_kept_with_bins(demo, out):
    change(ADMIN, "syspro_bins", "FP, WH2")
    key = _post(4500)  # warehouse RM
    export_pending(str(out))
    assert _item(out, key).find("Bins") is None and _params(out, key)["AutoDepleteLotsBins"] == "Y"


def test_site_settings_shape_the_parameters(demo, out):
    for k, v in (("syspro_posting_period", "p"), ("syspro_ignore_warnings", "Y"), ("syspro_validate_only", "y")):
        change(ADMIN, k, v)
    key = _post(4500)
    export_pending(str(out))
    got = _params(out, key)
    assert (got["PostingPeriod"], got["IgnoreWarnings"], got["ValidateOnly"]) == ("P", "Y", "Y")


@pytest.mark.parametrize("key,value", [("syspro_posting_period", "X"), ("syspro_validate_only", "yes"),
                                       ("syspro_bins", "RM,,FP"), ("syspro_color", "Y")])
def test_a_bad_setting_is_refused_and_changes_nothing(demo, key, value):
    from core.data.setting_store import setting
    from core.errors import UserInputError

    with pytest.raises(UserInputError):
        change(ADMIN, key, value)
    assert setting("syspro_posting_period") == "C" and setting("syspro_bins") == "Y"


def test_picks_returns_and_kit_consumption_name_their_bins(demo, actors, out):
    release(actors["planner"], [JOB, "000000000020001"])
    oil = confirm_pick(actors["picker"], JOB, 5, "T000152", 7500)  # a portion of the drum in D-DRUM-01
    back = return_unit(actors["operator"], oil.portion, 2250, "A-02-02")
    kit = complete_job(actors["supervisor"], "000000000020001", 100_000, close_short="not picked in this test")
    export_pending(str(out))
    pick = _item(out, oil.posting)
    assert pick.findtext("Bins/BinLocation") == "D-DRUM-01" and pick.findtext("Reference") == "T000152"
    ret = _item(out, back.posting)
    assert ret.findtext("QtyIssued") == "-2.250" and ret.findtext("Bins/BinLocation") == "A-02-02"
    assert ret.findtext("Bins/BinQuantity") == "-2.250"
    clip = _item(out, next(k for k in kit.kit if k.item == "BK-CLIP").postings[0])
    assert clip.find("Reference") is None and clip.findtext("Bins/BinLocation") == "KB-CLIP"


def test_a_long_trackid_keeps_its_last_nine_characters(demo, tmp_path):
    """WIPTMIDOC's Reference holds 9 characters; a site's own longer TrackID keeps its serial end."""
    stock = tmp_path / "stock.csv"
    stock.write_text("track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                     "SITE-PALLET-000131,RM-SALT,SA2604-01,B-01-01,25.000,,2026-11-01,AVAILABLE,,N\n")
    run_import("stock", str(stock))
    key = _post(1000, "SITE-PALLET-000131")
    out = tmp_path / "out"
    export_pending(str(out))
    assert _item(out, key).findtext("Reference") == "ET-000131"
    assert Posting.get(Posting.key == key).reference == "SITE-PALLET-000131"


def test_settings_from_the_command_line(sqlite_demo):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def jobfloor(*args):
        return subprocess.run([sys.executable, "-m", "tui.entry", "--db", sqlite_demo.url, *args], cwd=root,
                              capture_output=True, text=True, env=pin_env("AD1"))

    done = jobfloor("settings", "set", "syspro_validate_only", "y", "--user", "AD1")
    assert done.returncode == 0 and "syspro_validate_only: N -> Y" in done.stdout
    bad = jobfloor("settings", "set", "syspro_posting_period", "Q", "--user", "AD1")
    assert bad.returncode == 2 and "'Q' is not one of C, P" in bad.stderr and "Traceback" not in bad.stderr
    listed = json.loads(jobfloor("settings", "list", "--json").stdout)
    assert listed["syspro_validate_only"] == "Y" and listed["syspro_posting_period"] == "C"
    assert "SYSPRO posting period" in jobfloor("settings", "list").stdout


@pytest.mark.parametrize("key,value", [("idle_logout_minutes", "inf"), ("idle_logout_minutes", "-5"),
                                       ("shift_start", "25:00"), ("track_id_prefix", "TRK"),
                                       ("wip_location.FP", "NOWHERE"), ("lockout_attempts", "0")])
def test_other_site_settings_are_checked_too(demo, key, value):
    from core.errors import UserInputError

    with pytest.raises(UserInputError):
        change(ADMIN, key, value)
    assert change(ADMIN, "wip_location.FP", "WIP-BAKERY") == ("WIP-BAKERY", "WIP-BAKERY")

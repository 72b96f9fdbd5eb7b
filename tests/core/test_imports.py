"""Imports: atomic, errors that name file, line and column, idempotent (INTERCHANGE.md)."""
from pathlib import Path

import pytest

from core.data.models import Item, Job, JobLine, Location, Movement, StockUnit
from core.erp.imports import ImportFileError, run_import
from core.stock.ledger import ledger_mismatches

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_demo_site_loads_and_ledger_is_true(demo):
    assert Item.select().count() == 20
    assert Location.select().where(Location.zone == "KITBIN").count() == 4
    assert StockUnit.select().count() == 46
    assert Job.select().count() == 11
    assert Movement.select().count() == 46
    assert ledger_mismatches() == []
    flour = Item.get(Item.code == "RM-FLOUR")
    assert flour.weighed and flour.tolerance_milli_pct == 1000 and flour.min_remaining_days == 14
    assert Item.get(Item.code == "FG-BREAD-800").gtin == "09501101530003"
    line = JobLine.get((JobLine.job == "000000000012345") & (JobLine.line == 3))
    assert line.item_id == "RM-SALT" and line.qty_reqd == 4500


def test_reimport_changes_nothing(demo):
    for kind, name in (("items", "items.csv"), ("locations", "locations.csv"), ("stock", "stock.csv"),
                       ("jobs", "jobs.xml")):
        result = run_import(kind, str(FIX / name))
        assert result.created == 0 and result.updated == 0, kind
    assert Movement.select().count() == 46


def test_bad_stock_row_names_line_and_column_and_imports_nothing(demo, tmp_path):
    path = _write(tmp_path, "stock.csv",
                  "track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                  "T900001,RM-SALT,SA1,B-01-01,5.000,,2026-11-01,AVAILABLE,,N\n"
                  "T900002,RM-SALT,SA1,B-01-01,5.0001,,2026-11-01,AVAILABLE,,N\n")
    with pytest.raises(ImportFileError) as err:
        run_import("stock", path)
    assert "line 3" in str(err.value) and "column qty" in str(err.value)
    assert StockUnit.get_or_none(StockUnit.track_id == "T900001") is None


def test_changing_an_existing_trackid_is_refused(demo, tmp_path):
    text = (FIX / "stock.csv").read_text().replace("T000101,RM-FLOUR,FL2610-01,A-01-01,25.000",
                                                   "T000101,RM-FLOUR,FL2610-01,A-01-01,24.000")
    with pytest.raises(ImportFileError) as err:
        run_import("stock", _write(tmp_path, "stock.csv", text))
    assert "T000101 already exists" in str(err.value) and "qty" in str(err.value)


def test_extra_column_refused(database, tmp_path):
    path = _write(tmp_path, "items.csv", "item,description,uom,lot_tracked,weighed,tolerance_pct,shelf_life_days,"
                                         "min_remaining_days,single_lot,gtin,colour\nA,a,EA,N,N,,,,N,,red\n")
    with pytest.raises(ImportFileError) as err:
        run_import("items", path)
    assert "column colour" in str(err.value)
    assert Item.select().count() == 0


@pytest.mark.parametrize("row,column", [
    ("X,x,EA,N,Y,1,,,N,", "uom"),  # weighed needs KG
    ("X,x,KG,N,Y,,,,N,", "tolerance_pct"),
    ("X,x,EA,N,N,,,,Y,", "single_lot"),  # single lot needs lot tracked
    ("X,x,EA,N,N,,,,N,9501101530004", "gtin"),  # bad check digit
    ("X,x,EA,maybe,N,,,,N,", "lot_tracked"),
])
def test_item_rules(database, tmp_path, row, column):
    header = "item,description,uom,lot_tracked,weighed,tolerance_pct,shelf_life_days,min_remaining_days,single_lot,gtin\n"
    with pytest.raises(ImportFileError) as err:
        run_import("items", _write(tmp_path, "items.csv", header + row + "\n"))
    assert f"line 2, column {column}" in str(err.value)


def test_gtin_padded_to_14(database, tmp_path):
    header = "item,description,uom,lot_tracked,weighed,tolerance_pct,shelf_life_days,min_remaining_days,single_lot,gtin\n"
    run_import("items", _write(tmp_path, "items.csv", header + "X,x,ea,n,n,,,,n,96385074\n"))
    assert Item.get(Item.code == "X").gtin == "00000096385074"


def test_jobs_qty_reqd_must_match(demo, tmp_path):
    text = (FIX / "jobs.xml").read_text().replace("<QtyReqd>225.000</QtyReqd>", "<QtyReqd>225.002</QtyReqd>", 1)
    path = _write(tmp_path, "jobs.xml", text)
    before = [(j.job, j.qty_to_make) for j in Job.select()]
    with pytest.raises(ImportFileError) as err:
        run_import("jobs", path)
    assert "000000000012345" in str(err.value) and "QtyReqd" in str(err.value)
    assert "line 15" in str(err.value)  # the <Material> element's line
    assert [(j.job, j.qty_to_make) for j in Job.select()] == before


def test_jobs_tolerance_is_inclusive(demo, tmp_path):
    text = (FIX / "jobs.xml").read_text().replace("<QtyReqd>225.000</QtyReqd>", "<QtyReqd>225.001</QtyReqd>", 1)
    result = run_import("jobs", _write(tmp_path, "jobs.xml", text))
    assert result.updated == 1


def test_xml_entities_refused(database, tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            "<WipJobs><Job><Job>&b;</Job></Job></WipJobs>")
    with pytest.raises(ImportFileError) as err:
        run_import("jobs", _write(tmp_path, "jobs.xml", bomb))
    assert "DTD" in str(err.value)


def test_not_utf8_refused(database, tmp_path):
    p = tmp_path / "locations.csv"
    p.write_bytes("location,zone,pick_seq,kit_item,min_qty,max_qty\nK\xe4se,STORE,1,,,\n".encode("latin-1"))
    with pytest.raises(ImportFileError) as err:
        run_import("locations", str(p))
    assert "UTF-8" in str(err.value) and "line 2" in str(err.value)


def test_kitbin_needs_item_and_levels(demo, tmp_path):
    path = _write(tmp_path, "locations.csv", "location,zone,pick_seq,kit_item,min_qty,max_qty\n"
                                             "KB-X,KITBIN,1,BK-NUT-M10,50,10\nA-9,STORE,1,BK-NUT-M10,,\n")
    with pytest.raises(ImportFileError) as err:
        run_import("locations", path)
    lines = err.value.lines()
    assert any("line 2, column max_qty" in x for x in lines) and any("line 3, column kit_item" in x for x in lines)

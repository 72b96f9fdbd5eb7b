"""Imports: atomic, errors that name file, line and column, idempotent (docs/interchange.md)."""
from pathlib import Path

import pytest

from core.data.models import Item, Job, JobLine, Location, Movement, StockUnit
from core.erp.imports import ImportFileError, run_import
from core.stock.ledger import ledger_mismatches
from tests.cli_env import pin_env

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


def _job_xml(materials: str, *, job: str = "000000000077001", extra_job: str = "", to_make: str = "500",
             start: str = "2026-11-26") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<WipJobs>\n  <Job>\n'
            f"    <Job>{job}</Job>\n    <StockCode>FG-BREAD-800</StockCode>\n    <Warehouse>FP</Warehouse>\n"
            f"    <QtyToMake>{to_make}</QtyToMake>\n    <JobStartDate>{start}</JobStartDate>\n{extra_job}"
            f"    <Materials>\n{materials}    </Materials>\n  </Job>\n</WipJobs>\n")


def _material(line="1", item="RM-FLOUR", **elements) -> str:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in elements.items())
    return f"      <Material><Line>{line}</Line><StockCode>{item}</StockCode><Warehouse>RM</Warehouse>{body}</Material>\n"


def _line(job="000000000077001", line=1) -> JobLine:
    return JobLine.get((JobLine.job == job) & (JobLine.line == line))


def test_qty_reqd_stands_as_given_with_its_scrap_allowance(demo, tmp_path):
    """SYSPRO's QtyReqd includes scrap and fixed quantities, so it need not be UnitQtyReqd x QtyToMake."""
    text = (FIX / "jobs.xml").read_text().replace("<QtyReqd>225.000</QtyReqd>", "<QtyReqd>231.750</QtyReqd>", 1)
    result = run_import("jobs", _write(tmp_path, "jobs.xml", text))
    assert result.updated == 1
    assert _line("000000000012345", 1).qty_reqd == 231_750


def test_six_decimals_kept_exact_and_requirements_rounded_up(demo, tmp_path):
    materials = (_material("1", UnitQtyReqd="0.000450", QtyReqd="0.225000")
                 + _material("2", "RM-SALT", UnitQtyReqd="0.009001", QtyReqd="4.500500")
                 + _material("3", "RM-YEAST", UnitQtyReqd="0.000333"))  # 0.1665 computed: rounded up
    run_import("jobs", _write(tmp_path, "jobs.xml", _job_xml(materials, to_make="500.000000")))
    assert Job.get(Job.job == "000000000077001").qty_to_make == 500_000
    assert _line(line=1).unit_qty == 450 and _line(line=1).qty_reqd == 225  # unit_qty in millionths
    assert _line(line=2).qty_reqd == 4_501  # 4.5005 never short-issues: 4.501
    assert _line(line=3).qty_reqd == 167


@pytest.mark.parametrize("start", ["2026-12-21", "2026-12-21T00:00:00", "2026-12-21 00:00:00",
                                   "2026-12-21T00:00:00.000", "2026-12-21 13:45:10.1234567"])
def test_sql_server_datetimes_give_their_date(demo, tmp_path, start):
    run_import("jobs", _write(tmp_path, "jobs.xml", _job_xml(_material(UnitQtyReqd="0.45", QtyReqd="225"),
                                                                start=start)))
    assert str(Job.get(Job.job == "000000000077001").start_date) == "2026-12-21"


def test_qty_reqd_computed_when_the_export_leaves_it_out(demo, tmp_path):
    """FixedQtyPer when FixedQtyPerFlag is Y, else UnitQtyReqd x QtyToMake x (1 + ScrapPercentage/100) +
    ScrapQuantity, rounded up to 0.001."""
    materials = (_material("01", UnitQtyReqd="0.450000", ScrapPercentage="2.500000", ScrapQuantity="1.500000")
                 + _material("02", "RM-SALT", UnitQtyReqd="0.009", FixedQtyPerFlag="Y", FixedQtyPer="12.345600")
                 + _material("03", "RM-YEAST", UnitQtyReqd="0.010", FixedQtyPerFlag="N", FixedQtyPer="99"))
    run_import("jobs", _write(tmp_path, "jobs.xml", _job_xml(materials)))
    assert _line(line=1).qty_reqd == 232_125  # 225 x 1.025 + 1.5
    assert _line(line=2).qty_reqd == 12_346  # fixed per job, rounded up
    assert _line(line=3).qty_reqd == 5_000  # the flag is N: FixedQtyPer does not apply


def test_zero_padded_lines_and_other_export_elements_named_once(demo, tmp_path):
    materials = (_material("01", UnitQtyReqd="0.45", QtyReqd="225", QtyIssued="0.000000", Operation="0010")
                 + _material("02", "RM-SALT", UnitQtyReqd="0.009", QtyReqd="4.5", QtyIssued="0.000000"))
    text = _job_xml(materials, extra_job="    <JobClassification>BAKE</JobClassification>\n"
                                         "    <Complete>N</Complete>\n")
    result = run_import("jobs", _write(tmp_path, "jobs.xml", text))
    assert [ln.line for ln in JobLine.select().where(JobLine.job == "000000000077001").order_by(JobLine.line)] == [1, 2]
    notes = "\n".join(result.notes)
    assert result.summary().count("<QtyIssued> in <Material>") == 1
    for name in ("<JobClassification> in <Job>", "<Complete> in <Job>", "<Operation> in <Material>"):
        assert notes.count(name) == 1


@pytest.mark.parametrize("cell,message", [
    ("<QtyReqd>0.0000001</QtyReqd>", "<QtyReqd> '0.0000001' has more than 6 decimals"),
    ("<QtyReqd>-1</QtyReqd>", "<QtyReqd> '-1' is negative"),
    ("<QtyReqd>1,5</QtyReqd>", "<QtyReqd> '1,5' is not a number"),
    ("<QtyReqd>1234567890123</QtyReqd>", "more than 12 digits before the point"),
    ("<FixedQtyPerFlag>Y</FixedQtyPerFlag>", "<FixedQtyPer> is missing"),
    ("<ScrapPercentage>abc</ScrapPercentage>", "<ScrapPercentage> 'abc' is not a number"),
    ("<KitIssue>maybe</KitIssue>", "<KitIssue> 'maybe' is not Y or N"),
])
def test_bad_values_refused_naming_file_line_and_job(demo, tmp_path, cell, message):
    good = _material("1", UnitQtyReqd="0.45", QtyReqd="225")
    bad = f"      <Material><Line>2</Line><StockCode>RM-SALT</StockCode><UnitQtyReqd>0.009</UnitQtyReqd>{cell}</Material>\n"
    path = _write(tmp_path, "jobs.xml", _job_xml(good + bad))
    with pytest.raises(ImportFileError) as err:
        run_import("jobs", path)
    text = str(err.value)
    assert path in text and "line 11" in text and "job 000000000077001, material line 2" in text and message in text
    assert Job.get_or_none(Job.job == "000000000077001") is None


@pytest.mark.parametrize("start", ["2026-13-01", "2026-12-21T25:00:00", "21/12/2026", "2026-12-21Z"])
def test_a_bad_date_refuses_the_whole_file(demo, tmp_path, start):
    text = _job_xml(_material(UnitQtyReqd="0.45", QtyReqd="225"), job="000000000077002")
    text = text.replace("</WipJobs>", _job_xml(_material(UnitQtyReqd="0.45", QtyReqd="225"), start=start)
                        .split("<WipJobs>\n", 1)[1])
    with pytest.raises(ImportFileError) as err:
        run_import("jobs", _write(tmp_path, "jobs.xml", text))
    assert "job 000000000077001" in str(err.value) and "JobStartDate" in str(err.value)
    assert Job.get_or_none(Job.job == "000000000077002") is None


def test_a_stock_file_imports_in_bulk_with_its_ledger_and_progress(database, tmp_path):
    run_import("items", str(FIX / "items.csv"))
    run_import("locations", str(FIX / "locations.csv"))
    rows = ["track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened"]
    rows += [f"X{n:06d},RM-FLOUR,LOT-{n % 7},A-01-01,25.000,2027-01-{n % 28 + 1:02d},2026-11-01,AVAILABLE,0.150,N"
             for n in range(5_000)]
    rows += [f"Y{n:06d},PK-BAG-800,,A-01-01,100,,2026-11-01,HOLD,,Y" for n in range(30)]
    heard = []
    result = run_import("stock", _write(tmp_path, "stock.csv", "\n".join(rows) + "\n"),
                        progress=lambda done, total, what: heard.append((done, total, what)))
    assert result.created == 5_030
    assert StockUnit.select().count() == 5_030 and Movement.select().where(Movement.kind == "OPENING").count() == 5_030
    assert ledger_mismatches() == []
    unit = StockUnit.get(StockUnit.track_id == "X000008")
    assert (unit.lot.code, unit.on_hand, unit.tare_milli_kg, str(unit.expiry)) == ("LOT-1", 25_000, 150, "2027-01-09")
    assert StockUnit.get(StockUnit.track_id == "Y000001").opened and StockUnit.get(StockUnit.track_id == "Y000001").lot is None
    assert heard[-1] == (5_030, 5_030, "units written") and any(w == "rows checked" for _, _, w in heard)
    again = run_import("stock", _write(tmp_path, "stock.csv", "\n".join(rows) + "\n"))
    assert again.unchanged == 5_030 and Movement.select().count() == 5_030


def test_the_bulk_opening_writes_every_column_of_the_models():
    """A column added to StockUnit or Movement must be given a value by the bulk opening of an import too."""
    from core.data.models import Movement as M
    from core.data.models import StockUnit as U
    from core.stock.ledger import MOVEMENT_COLUMNS, UNIT_COLUMNS

    assert set(UNIT_COLUMNS) == {f.column_name for f in U._meta.sorted_fields}
    assert {c.strip('"') for c in MOVEMENT_COLUMNS} == {f.column_name for f in M._meta.sorted_fields} - {"id"}


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


def test_a_quantity_too_big_for_a_syspro_posting_is_refused(demo, tmp_path):
    path = _write(tmp_path, "stock.csv", "track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened\n"
                                         "T900001,RM-SALT,SA1,B-01-01,100000000000.000,,2026-11-01,AVAILABLE,,N\n")
    with pytest.raises(ImportFileError) as err:
        run_import("stock", path)
    assert "line 2, column qty" in str(err.value) and "11 digits" in str(err.value)


def test_a_long_import_shows_progress_on_a_terminal_only(sqlite_demo, tmp_path):
    """`jobfloor import` draws a progress line on standard error when it is a terminal (a pseudo-terminal here),
    and writes none into a pipe, so a cron job's log stays clean."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    rows = ["track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened"]
    rows += [f"P{n:06d},RM-FLOUR,LOT-P,A-01-01,25.000,,2026-11-01,AVAILABLE,,N" for n in range(4_000)]
    path = _write(tmp_path, "stock.csv", "\n".join(rows) + "\n")
    master, slave = os.openpty()
    cmd = [sys.executable, "-m", "tui.entry", "--db", sqlite_demo.url, "import", "stock", path, "--user", "PL1"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=slave, text=True, env=pin_env("PL1"))
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end closed: the command is done
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out = proc.stdout.read()
    assert proc.wait() == 0 and "4000 new" in out
    text = seen.decode()
    assert "\rimport stock: 2,000 of 4,000 rows checked (50%)" in text
    assert "4,000 of 4,000 units written (100%)" in text and text.endswith("\r\x1b[K")
    piped = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=pin_env("PL1"))
    assert piped.returncode == 0 and piped.stderr == ""

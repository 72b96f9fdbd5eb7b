"""`jobfloor init` on a database made by an older jobfloor upgrades it in place and keeps its data."""
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli_env import pin_env

ROOT = Path(__file__).resolve().parents[2]
V1 = ROOT / "tests" / "fixtures" / "schema_v1_demo.sql"  # the demo site, job 12345 released, made by schema 1


def test_version_1_database_is_upgraded_without_losing_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(V1.read_text())
    conn.close()
    url = f"sqlite:///{path}"
    out = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert "upgraded from version 1" in out.stdout
    from core.data.db import connect
    from core.data.models import SCHEMA_VERSION, Job, Reservation, StockUnit, User
    from core.data.schema import current_version
    from core.stock.ledger import ledger_mismatches

    database = connect(url)
    try:
        assert current_version() == SCHEMA_VERSION
        assert {c.name for c in database.get_columns("user")} >= {"team"}
        assert {c.name for c in database.get_columns("job")} >= {"assigned_at"}
        assert database.table_exists("kiosk_link")  # version 3: station kiosk links
        assert Job.get(Job.job == "000000000012345").state == "RELEASED"
        assert Reservation.select().count() > 0 and StockUnit.select().count() == 46
        assert User.get(User.code == "PK1").team is None
        assert ledger_mismatches() == []
        assert _indexes_led_by_another(database) == []  # version 8
        again = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init"], cwd=ROOT,
                               capture_output=True, text=True)
        assert "up to date" in again.stdout
    finally:
        database.close()


def _indexes_led_by_another(database) -> list[str]:
    """Plain indexes whose columns lead a longer index of the same table: that one serves every look-up they do."""
    found = []
    for table in database.get_tables():
        indexes = [(i.name, tuple(i.columns), i.unique) for i in database.get_indexes(table)]
        for name, columns, unique in indexes:
            if not unique and any(other[:len(columns)] == columns and len(other) > len(columns)
                                  for _, other, _ in indexes):
                found.append(f"{table}.{name}")
    return found


def test_no_index_is_the_lead_of_another(database):
    """Each such index costs a write per row (100,000 on a stock import) and serves nothing its longer twin does
    not; schema 8 dropped the four older schemas made."""
    assert _indexes_led_by_another(database) == []


V2 = ROOT / "tests" / "fixtures" / "schema_v2_postings.sql"
# Made by the schema-2 jobfloor on the demo site: jobs 12345 and 20001 released, oil and salt picked for 12345, part of
# the oil returned to store, the brake kit job completed (kit consumption); six postings, one already exported.


def test_version_2_pending_postings_keep_their_keys_and_export_in_the_new_shape(tmp_path):
    import xml.etree.ElementTree as ET

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path)
    conn.executescript(V2.read_text())
    keys_before = [r[0] for r in conn.execute("SELECT key FROM posting WHERE exported_at IS NULL ORDER BY key")]
    conn.close()
    url = f"sqlite:///{path}"
    out = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert "upgraded from version 2" in out.stdout
    folder = tmp_path / "out"
    exported = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "postings", "export", str(folder),
                               "--user", "PL1"], cwd=ROOT, capture_output=True, text=True, env=pin_env("PL1"))
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in folder.glob("*.xml") if not p.name.endswith(".params.xml")) == \
        [f"{k}.xml" for k in keys_before]
    assert sorted(p.name for p in folder.glob("*.params.xml")) == [f"{k}.params.xml" for k in keys_before]

    def item(key):
        return ET.parse(folder / f"{key}.xml").getroot().find("Item")

    oil, salt = "PICK-000000000012345-5-000000048", "PICK-000000000012345-3-000000050"
    back, clip = "RETURN-000000000012345-5-000000052", "KIT-000000000020001-3-000000054"
    assert {oil, salt, back, clip} <= set(keys_before) and len(keys_before) == 5
    assert item(oil).findtext("Bins/BinLocation") == "D-DRUM-01" and item(oil).findtext("Reference") == "T000152"
    assert item(salt).findtext("Bins/BinLocation") == "B-01-01" and item(salt).find("TransactionDate") is None
    assert item(back).findtext("QtyIssued") == "-2.250" and item(back).findtext("Bins/BinLocation") == "D-DRUM-01"
    assert item(clip).findtext("Bins/BinLocation") == "KB-CLIP"
    params = ET.parse(folder / f"{salt}.params.xml").getroot().find("Parameters")
    assert params.findtext("TransactionDate") == "2026-11-25" and params.findtext("AutoDepleteLotsBins") == "N"

    from core.data.db import connect
    from core.data.models import JobLine
    from core.erp.imports import run_import

    database = connect(url)
    try:
        assert JobLine.get((JobLine.job == "000000000012345") & (JobLine.line == 1)).unit_qty == 450_000  # 0.45
        # the released job equals its export again, so a re-import does not refuse it as changed
        result = run_import("jobs", str(ROOT / "fixtures" / "demo" / "jobs.xml"))
        assert result.updated == 0 and result.created == 0
    finally:
        database.close()

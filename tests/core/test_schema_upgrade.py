"""`jobfloor init` on a database made by an older jobfloor upgrades it in place and keeps its data."""
import sqlite3
import subprocess
import sys
from pathlib import Path

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
        again = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init"], cwd=ROOT,
                               capture_output=True, text=True)
        assert "up to date" in again.stdout
    finally:
        database.close()

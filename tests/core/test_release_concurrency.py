"""Twelve `jobfloor release JOB` processes at once over scarce stock: nothing over-reserved, nothing crashed."""
import subprocess
import sys
from pathlib import Path

from core.data.models import Reservation, StockUnit
from core.erp.imports import run_import
from core.site.auth import add_user
from tests.cli_env import pin_env

ROOT = Path(__file__).resolve().parents[2]
N_JOBS = 12


def _site(tmp_path):
    (tmp_path / "items.csv").write_text(
        "item,description,uom,lot_tracked,weighed,tolerance_pct,shelf_life_days,min_remaining_days,single_lot,gtin\n"
        "FG,Finished,EA,Y,N,,,,N,\nSCARCE,Scarce powder,KG,Y,Y,1,,,N,\nONELOT,Single-lot dye,KG,Y,Y,1,,,Y,\n")
    (tmp_path / "locations.csv").write_text("location,zone,pick_seq,kit_item,min_qty,max_qty\nS1,STORE,1,,,\n")
    rows = ["track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened"]
    rows += [f"T{100000 + k},SCARCE,L{k % 3},S1,10.000,,2026-11-0{1 + k % 5},AVAILABLE,,N" for k in range(5)]
    rows += [f"T{200000 + k},ONELOT,D{k},S1,9.000,,2026-11-01,AVAILABLE,,N" for k in range(3)]
    (tmp_path / "stock.csv").write_text("\n".join(rows) + "\n")
    jobs = ["<WipJobs>"]
    for k in range(N_JOBS):
        jobs.append(f"<Job><Job>J{k:03d}</Job><StockCode>FG</StockCode><QtyToMake>1</QtyToMake>"
                    "<JobStartDate>2026-11-26</JobStartDate><Priority>1</Priority><Materials>"
                    "<Material><Line>1</Line><StockCode>SCARCE</StockCode><UnitQtyReqd>8</UnitQtyReqd>"
                    "<QtyReqd>8</QtyReqd><Uom>KG</Uom><KitIssue>N</KitIssue></Material>"
                    "<Material><Line>2</Line><StockCode>ONELOT</StockCode><UnitQtyReqd>7</UnitQtyReqd>"
                    "<QtyReqd>7</QtyReqd><Uom>KG</Uom><KitIssue>N</KitIssue></Material></Materials></Job>")
    jobs.append("</WipJobs>")
    (tmp_path / "jobs.xml").write_text("\n".join(jobs))
    for kind, name in (("items", "items.csv"), ("locations", "locations.csv"), ("stock", "stock.csv"),
                       ("jobs", "jobs.xml")):
        run_import(kind, str(tmp_path / name))
    add_user("PL1", "planner", "4444")


def test_twelve_processes_release_at_once(database, tmp_path):
    _site(tmp_path)
    database.close()
    procs = [subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", database.url, "release", f"J{k:03d}",
                               "--json", "--user", "PL1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=pin_env("PL1")) for k in range(N_JOBS)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert code in (0, 1), err
        assert "Traceback" not in err and "Traceback" not in out
    database.connect(reuse_if_open=True)
    units = list(StockUnit.select())
    for u in units:
        assert 0 <= u.reserved <= u.on_hand
        assert u.reserved == sum(r.qty for r in Reservation.select().where(Reservation.unit == u.track_id))
    scarce = sum(u.reserved for u in units if u.item_id == "SCARCE")
    assert scarce == 50000  # demand 96 kg over 50 kg: all of it goes, none twice
    # single-lot dye: each 9 kg lot covers exactly one 7 kg line, so exactly three jobs get it
    dyed = [r for r in Reservation.select().join(StockUnit).where(StockUnit.item == "ONELOT")]
    assert len(dyed) == 3 and len({r.unit_id for r in dyed}) == 3
    covered = sum(1 for code, _, _ in results if code == 0)
    assert covered <= 3

"""A day on the floor in a real terminal: the `jobfloor` command in tmux at 80x24, driven by keys only, and the
books checked afterwards from the command line's JSON, the way an integrator would check them.

The planner releases the day's jobs; a picker at PICK-1 (a simulated MT-SICS balance behind the real driver; F6
and F7 pour on the demo's simulated scale) weighs out the sponge pre-ferment's flour and yeast, and brings back
the flour the mixer did not use (the demo scale puts the portion back on the pan with part of it left); a
supervisor prints the bread job's pallet labels and completes the pre-ferment; the postings go out as files.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from tests.e2e.procs import REPO, demo_database
from tests.e2e.terminal import Terminal
from tui.modules import modules_for

pytestmark = pytest.mark.slow

JOB = "000000000012348"  # two weighed lines: 90 kg of flour, 0.6 kg of yeast
PYTHON = str(REPO / ".venv/bin/python") if (REPO / ".venv/bin/python").exists() else sys.executable
FIRST_RELEASE = 240.0  # the first release on a machine may compile the allocator (numba) before it plans


def _menu_key(role: str, module: str) -> str:
    return str([m.key for m in modules_for(role)].index(module) + 1)


class Day:
    def __init__(self, tmp_path):
        self.db = demo_database(tmp_path)
        self.env = dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp_path / "data"))
        (tmp_path / "data").mkdir(exist_ok=True)  # where the demo stations' file printers write
        self.term = Terminal(tmp_path / "tmux.sock")
        self.term.start(" ".join(["env", f"JOBFLOOR_DATA_DIR={tmp_path / 'data'}", "JOBFLOOR_STATION=PICK-1",
                                  PYTHON, "-m", "tui.entry", "--db", self.db]))

    def cli(self, *args: str, pin: str | None = None) -> subprocess.CompletedProcess:
        env = dict(self.env, **({"JOBFLOOR_PIN": pin} if pin else {}))
        return subprocess.run([PYTHON, "-m", "tui.entry", "--db", self.db, *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)

    def json(self, *args: str):
        out = self.cli(*args, "--json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def login(self, code: str, pin: str, role: str) -> None:
        self.term.wait_for("Scan your badge")
        self.term.type(code)
        self.term.keys("Enter")
        self.term.type(pin)
        self.term.keys("Enter")
        self.term.wait_for(f"{code} ({role})", "Menu")

    def logout(self) -> None:
        self.term.keys("F10")
        self.term.wait_for("Scan your badge", gone=("Menu",))

    def pour_and_confirm(self, presses: list[str], confirmed: str) -> None:
        for key in presses:
            self.term.keys(key)
        self.term.wait_for("IN TOLERANCE")
        self.term.keys("Enter")
        self.term.wait_for(confirmed)


def test_a_day_in_a_real_terminal(tmp_path):
    day = Day(tmp_path)
    term = day.term
    try:
        # The planner releases every job the plan covers.
        day.login("PL1", "4444", "planner")
        term.keys(_menu_key("planner", "release"))
        term.wait_for(JOB, "OK: fully covered", timeout=FIRST_RELEASE)
        term.keys("F5")
        term.wait_for("Release 11 job(s)?")
        term.keys("Enter")
        term.wait_for(gone=("Release 11 job(s)?", JOB))
        day.logout()

        # The picker weighs out the pre-ferment: each line is scan, Enter (tare), pour, Enter.
        day.login("PK1", "2222", "picker")
        term.keys(_menu_key("picker", "pick"))
        term.wait_for("Choose a job", JOB)
        term.keys("Enter")
        shown = term.wait_for("line 1: RM-FLOUR", "Scan T000107")
        term.type("T000107")
        term.keys("Enter")
        term.wait_for("press Enter to tare")
        term.keys("Enter")
        term.wait_for("Pour 90 kg from T000107", "0 kg stable")
        day.pour_and_confirm(["F6"] * 9 + ["F7"] * 9, "Picked 89.1 RM-FLOUR from T000107")
        shown = term.wait_for("line 2: RM-YEAST")
        yeast = re.search(r"Scan (T\d+)", shown).group(1)
        term.type(yeast)
        term.keys("Enter")
        term.wait_for("press Enter to tare")
        term.keys("Enter")
        term.wait_for(f"Pour 0.6 kg from {yeast}", "0 kg stable")
        day.pour_and_confirm(["F6"] * 10, f"Job {JOB}: every line is picked")
        term.wait_for("Choose a job", gone=(f"{JOB}  ",))  # off the list of jobs with open picks (once reloaded)

        # What the job holds, as the command line tells it.
        wip = [u for u in day.json("stock") if u["zone"] == "WIP" and u["job"] == JOB]
        assert sorted((u["item"], u["on_hand"]) for u in wip) == [("RM-FLOUR", "89.100"), ("RM-YEAST", "0.600")], wip
        portion = next(u["track_id"] for u in wip if u["item"] == "RM-FLOUR")

        # The flour not used comes back: scan the portion, Enter tares the empty bucket on the scale, Enter takes the
        # steady net, scan the store location.
        term.keys("Escape")
        term.wait_for("Menu")
        term.keys(_menu_key("picker", "returns"))
        term.wait_for("Job returns", "Scan the TrackID of the container coming back")
        term.type(portion)
        term.keys("Enter")
        term.wait_for("Tare: put an empty container")
        term.keys("Enter")
        term.wait_for("Enter takes this weight")
        term.keys("Enter")
        term.wait_for("scan the store location")
        term.type("A-01-02")
        term.keys("Enter")
        shown = term.wait_for("back in A-01-02")
        back = re.search(rf"{portion}: ([\d.]+) back in A-01-02, posted to job {JOB}", " ".join(shown.split()))
        assert back, shown
        unit = next(u for u in day.json("stock") if u["track_id"] == portion)
        assert (unit["zone"], unit["location"], float(unit["on_hand"])) == ("STORE", "A-01-02", float(back.group(1)))
        term.keys("Escape")
        day.logout()

        # A supervisor prints the bread job's pallet labels (Space unticks cartons and products) to PICK-1's printer.
        bread = "000000000012345"
        term.wait_for("Scan your badge")
        term.type("BADGE-SV1")  # a badge scan logs in with one Enter
        term.keys("Enter")
        term.wait_for("SV1 (supervisor)", "Menu")
        term.keys(_menu_key("supervisor", "labels"))
        shown = term.wait_for("released job(s)", bread)
        jobs = [line.split()[0] for line in shown.splitlines() if re.match(r"\s*\d{15}\s", line)]
        term.keys(*["Down"] * jobs.index(bread), "Enter")  # down the list to the bread job, Enter opens it
        term.wait_for(f"Labels: job {bread}", "[x] Pallet", "PALLET 1/2")  # the preview drawn: the job is in
        for kind in ("Carton", "Product"):
            term.keys("Down")
            term.type(" ")
            term.wait_for(f"[ ] {kind}")
        term.wait_for("[x] Pallet", "[ ] Carton", "[ ] Product")
        term.keys("F5")
        term.wait_for(f"Print a new set of 2 label(s) for job {bread}", "Enter = yes")
        term.keys("Enter")
        term.wait_for("2 label(s) printed")
        book = day.json("labels", "ledger", bread)["kinds"]
        assert [(k, book[k]["printed"]) for k in ("pallet", "carton", "product")] == [
            ("pallet", 2), ("carton", 0), ("product", 0)], book
        term.keys("Escape", "Escape")
        term.wait_for("Menu")
        day.logout()

        # A supervisor completes the job from the command line (no screen does it) with the PIN as a station would.
        out = day.cli("complete", JOB, "--user", "SV1", pin="3333")
        assert out.returncode == 0, out.stderr
        assert f"Job {JOB} completed" in out.stdout

        # The postings go out as files, each exactly once.
        outbox = tmp_path / "out"
        out = day.cli("postings", "export", str(outbox), "--user", "PL1", pin="4444")
        assert out.returncode == 0, out.stderr
        names = sorted(p.name for p in outbox.glob("*.xml") if not p.name.endswith(".params.xml"))
        assert [n.split("-")[0] for n in names] == ["PICK", "PICK", "RETURN"], names
        assert all(f"-{JOB}-" in n for n in names), names
        again = day.cli("postings", "export", str(outbox), "--user", "PL1", pin="4444")
        assert again.returncode == 0 and "0 posting(s)" in again.stdout, again.stdout

        # The ledger: what the job held in WIP is used up, the output is received into store.
        units = day.json("stock")
        assert not [u for u in units if u["job"] == JOB and u["zone"] == "WIP"]
        received = [u for u in units if u["item"] == "SF-SPONGE"]
        assert [(u["on_hand"], u["zone"]) for u in received] == [("150.000", "STORE")], received
    finally:
        term.stop()

"""Live updates across terminals: change-to-screen delay, and what a terminal costs while nothing changes.

    python -m bench.live [--db sqlite|pg|both] [--changes 10] [--idle-seconds 20]

Delay: this process runs the app with the job board open; a second process (another terminal) assigns and frees
a job every 0.7 s and prints the wall-clock time of each commit; the delay is from that commit to the board
showing it. Idle cost: the real app in tmux with the board open, nothing changing; CPU time from /proc.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JOB = "000000000012345"
CHANGER = """
import sys, time
from core.data.db import connect
from core.site.actor import Actor
from core.jobs.assignment import assign
connect(sys.argv[1])
sv = Actor("SV1", "supervisor")
for k in range(int(sys.argv[2])):
    time.sleep(0.7)
    assign(sv, "%s", "PK1" if k %% 2 == 0 else None)
    print(time.time(), flush=True)
""" % JOB


def demo_db(kind: str, tmp: Path) -> str:
    from bench.release import fresh_db
    from core.data.db import connect, db
    from core.data.schema import init_schema
    from core.jobs.release import release
    from core.site.actor import Actor
    from core.erp.demo import load_demo

    url = fresh_db(kind, tmp)
    connect(url)
    init_schema()
    import datetime as dt

    load_demo(today=dt.date(2026, 11, 25))
    release(Actor("PL1", "planner"), all_imported=True)
    db.close()
    return url


async def measure_delay(url: str, changes: int) -> list[float]:
    from core.data.db import connect
    from tests.tui.helpers import login, make_app, open_module, wait_for

    connect(url)
    app = make_app(url)
    delays = []
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "board")
        await wait_for(pilot, lambda: getattr(app.screen, "rows", None))
        screen = app.screen
        proc = subprocess.Popen([sys.executable, "-c", CHANGER, url, str(changes)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        for k in range(changes):
            line = await asyncio.get_running_loop().run_in_executor(None, proc.stdout.readline)
            committed = float(line)
            want = "PK1" if k % 2 == 0 else None
            while next(r for r in screen.rows if r.job == JOB).assignee != want:
                await asyncio.sleep(0.002)
                if time.time() - committed > 5:
                    raise SystemExit("the board did not follow within 5 s")
            delays.append((time.time() - committed) * 1000)
        proc.wait()
    return delays


def idle_cpu(url: str, seconds: float) -> float:
    session = f"jfbench{uuid.uuid4().hex[:6]}"
    cmd = f"cd {ROOT} && exec {sys.executable} -m tui.entry --db {url}"
    subprocess.run(["tmux", "new", "-d", "-s", session, "-x", "80", "-y", "24", cmd], check=True)
    try:
        time.sleep(2.5)
        for keys in (["SV1", "Enter"], ["3333", "Enter"]):
            subprocess.run(["tmux", "send-keys", "-t", session, *keys], check=True)
            time.sleep(1.0)
        from tui.modules import modules_for

        n = [m.key for m in modules_for("supervisor")].index("board") + 1
        subprocess.run(["tmux", "send-keys", "-t", session, str(n)], check=True)
        time.sleep(3)
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
        if "Job board" not in screen:
            raise SystemExit("the board did not open:\n" + screen)
        pid = subprocess.run(["tmux", "list-panes", "-t", session, "-F", "#{pane_pid}"], capture_output=True,
                             text=True).stdout.split()[0]

        def cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        c0, t0 = cpu(), time.monotonic()
        time.sleep(seconds)
        return (cpu() - c0) / (time.monotonic() - t0) * 100
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    p.add_argument("--changes", type=int, default=10)
    p.add_argument("--idle-seconds", type=float, default=20)
    args = p.parse_args(argv)
    os.environ.setdefault("JOBFLOOR_DATA_DIR", tempfile.mkdtemp())
    kinds = ("sqlite", "pg") if args.db == "both" else (args.db,)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            url = demo_db(kind, Path(tmp))
            delays = asyncio.run(measure_delay(url, args.changes))
            print(f"{kind:<6} change-to-screen: median {statistics.median(delays):.0f} ms, max {max(delays):.0f} ms "
                  f"over {len(delays)} changes (target < 1000 ms: {'met' if max(delays) < 1000 else 'MISSED'})")
            pct = idle_cpu(url, args.idle_seconds)
            print(f"{kind:<6} idle terminal on the board: {pct:.2f}% of a core over {args.idle_seconds:.0f} s "
                  f"(target < 1%: {'met' if pct < 1 else 'MISSED'})")


if __name__ == "__main__":
    main()

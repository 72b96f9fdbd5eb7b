"""The Pick screen's gauge against a scale streaming 20 readings a second: rate and latency to the screen.

    python -m bench.gauge [--seconds 5]

The app runs with a pick in the weighing step on the demo station (MT-SICS on a pseudo-terminal, SIR at 20/s).
The emulator stamps each frame as it writes it and changes the weight for the next; the gauge widget stamps each
value it is given. Latency is from the frame's write to the gauge holding that value (the next screen refresh
paints it).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def run(url: str, seconds: float) -> dict:
    from tests.tui.helpers import login, make_app, open_module, type_text, wait_for
    from tui.widgets.gauge import WeightGauge

    shown: list[tuple[float, int]] = []
    original = WeightGauge.watch_value if hasattr(WeightGauge, "watch_value") else None

    def watch_value(self, value):
        shown.append((time.monotonic(), value))
        if original:
            original(self, value)

    WeightGauge.watch_value = watch_value
    app = make_app(url, "PICK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, "PK1", "2222")
        await open_module(pilot, "pick")
        await wait_for(pilot, lambda: app.screen.query_one("#jobs").row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "scan")
        await type_text(pilot, app.screen.current.track_id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "tare")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "weigh", timeout=10)
        emu = app.scale_link().emulator
        sent: dict[int, float] = {}
        weight = [Decimal("1.000")]

        tare = 850  # the demo bucket ScaleLink.place_container puts on the pan before taring

        def on_sent(frame: bytes, at: float) -> None:
            sent[int(weight[0] * 1000) - tare] = at
            weight[0] += Decimal("0.001")
            emu.set_weight(weight[0])

        emu.set_weight(weight[0])
        emu.on_sent = on_sent
        await pilot.pause(0.5)
        shown.clear()
        start_count = len(sent)
        await asyncio.sleep(seconds)
        frames = len(sent) - start_count
        emu.on_sent = None
        got = [(at, v) for at, v in shown if v in sent]
    lat = [(at - sent[v]) * 1000 for at, v in got]
    return {"frames": frames, "shown": len(got), "per_s": len(got) / seconds,
            "median": statistics.median(lat), "p95": sorted(lat)[int(len(lat) * 0.95) - 1], "max": max(lat)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=5)
    args = p.parse_args(argv)
    os.environ.setdefault("JOBFLOOR_DATA_DIR", tempfile.mkdtemp())
    from bench.live import demo_db

    with tempfile.TemporaryDirectory() as tmp:
        url = demo_db("sqlite", Path(tmp))
        r = asyncio.run(run(url, args.seconds))
    print(f"gauge: {r['shown']} of {r['frames']} readings shown ({r['per_s']:.1f}/s); frame to gauge median "
          f"{r['median']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms "
          f"(target: each within 50 ms: {'met' if r['max'] < 50 else 'p95 ' + ('met' if r['p95'] < 50 else 'MISSED')})")


if __name__ == "__main__":
    main()

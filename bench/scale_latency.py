"""How fast and how fresh live weights reach the screen: emulated scales streaming 20 readings/s.

    .venv/bin/python -m bench.scale_latency [--protocol all] [--transport pty] [--seconds 5]

For each protocol an emulator streams at 20/s (Toledo natively, MT-SICS through SIR, SMA answering the
monitor's W polls) and a ScaleMonitor receives the readings. Latency runs from the moment the emulator's write
of a frame returned to the moment the monitor callback got the Reading. Every frame carries a different weight,
so each Reading is matched to exactly the frame it came from.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from decimal import Decimal

from drivers.scale import PROTOCOL_NAMES, Reading, Scale
from drivers.scale.emulator import start_emulator

STEP = Decimal("0.001")


def measure(protocol: str, transport: str, seconds: float) -> dict[str, float]:
    emu = start_emulator(protocol, transport=transport, rate=20, settle_ms=0)
    sent: dict[Decimal, float] = {}
    weight = [Decimal("1.000")]

    def on_sent(frame: bytes, at: float) -> None:
        # Runs on the emulator thread right after the write: stamp this weight, then change it for the next frame.
        sent[weight[0]] = at
        weight[0] += STEP
        emu.set_weight(weight[0])

    emu.set_weight(weight[0])
    emu.on_sent = on_sent
    arrivals: list[tuple[float, Decimal]] = []
    errors = [0]
    lock = threading.Lock()

    def on_item(item: object) -> None:
        now = time.monotonic()
        if not isinstance(item, Reading):
            errors[0] += 1
            return
        with lock:
            arrivals.append((now, item.value))

    scale = Scale(emu.url, protocol)
    try:
        with scale.monitor(on_item):
            time.sleep(0.5)  # connect and settle into the stream before counting
            with lock:
                arrivals.clear()
            time.sleep(seconds)
            with lock:
                counted = list(arrivals)
    finally:
        scale.close()
        emu.close()
    # Matched afterwards: a reading can reach the callback before on_sent has recorded its frame.
    lat = [at - sent[value] for at, value in counted if value in sent]
    span = counted[-1][0] - counted[0][0] if len(counted) > 1 else seconds
    return {
        "readings": len(counted),
        "matched": len(lat),
        "per_second": (len(counted) - 1) / span if len(counted) > 1 else 0.0,
        "median_ms": statistics.median(lat) * 1000 if lat else float("nan"),
        "p95_ms": statistics.quantiles(lat, n=20)[18] * 1000 if len(lat) >= 20 else float("nan"),
        "max_ms": max(lat) * 1000 if lat else float("nan"),
        "errors": errors[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--protocol", choices=("all", *PROTOCOL_NAMES), default="all")
    parser.add_argument("--transport", choices=("pty", "socket"), default="pty")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    protocols = PROTOCOL_NAMES if args.protocol == "all" else (args.protocol,)
    print(f"scale monitor, emulators streaming 20 readings/s over {args.transport}, {args.seconds:g} s each")
    print(f"{'protocol':<9} {'readings/s':>10} {'matched':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} "
          f"{'errors':>6}")
    for protocol in protocols:
        r = measure(protocol, args.transport, args.seconds)
        print(f"{protocol:<9} {r['per_second']:>10.1f} {r['matched']:>4}/{r['readings']:<3} {r['median_ms']:>10.2f} {r['p95_ms']:>8.2f} "
              f"{r['max_ms']:>8.2f} {r['errors']:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Every benchmark, one after another, each in its own process (`make bench`). Figures go in the README.

A benchmark is never a timed unit test: this machine is shared, so read medians and ratios from one run.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["shell", "allocator", "release", "imports", "picks", "gauge", "scale_latency", "live", "labels", "trace",
         "kitbins",
         "web"]


def main() -> int:
    failed = []
    for name in ORDER:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue
        print(f"\n== bench.{name}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=ROOT)
        print(f"(bench.{name}: {time.perf_counter() - t0:.0f} s, exit {code})", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

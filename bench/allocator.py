"""Allocator benchmark: Numba kernel against the pure-Python reference and a plain numpy lexsort (the floor).

    python -m bench.allocator                      # 1k/10k, 10k/100k, 100k/1M (lines/units)
    python bench/allocator.py --sizes 1000:10000,10000:100000

The lexsort ranks all unit keys and allocates nothing: what a straightforward vectorised allocator would pay
before its first line. The kernel can come in under it because it ranks only the units some line can take,
one item's bucket at a time. The reference is slow by design, so it runs --reference-runs times up to 100k
units, once above, and not at all above --reference-max-units; the footer of the table says which.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    # Run as a script: make the repository importable the way `python -m` would.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays  # noqa: E402
from core.allocator.reference import allocate_reference  # noqa: E402

DEFAULT_SIZES = [(1_000, 10_000), (10_000, 100_000), (100_000, 1_000_000)]
TODAY = 20_000  # 2024-10-04, a day number
TARGET_SIZE = (100_000, 1_000_000)
TARGET_MS = 100.0
TARGET_RATIO = 100.0
GUARD_UNITS = 100_000  # the ratio is a goal from this many units up


def make_schedule(n_lines: int, n_units: int, seed: int = 0) -> tuple[UnitArrays, LineArrays]:
    """A plausible site: items with several lots of several containers, mostly dated, some opened,
    some in quarantine, about one item in ten single-lot, demand skewed towards popular items."""
    rng = np.random.default_rng(seed)
    n_items = max(1, n_units // 50)
    units_per_lot = rng.integers(2, 9, size=n_units)  # drawn generously, cut at n_units below
    n_lots = int(np.searchsorted(np.cumsum(units_per_lot), n_units)) + 1
    units_per_lot = units_per_lot[:n_lots]
    units_per_lot[-1] -= int(units_per_lot.sum()) - n_units
    lot_of_unit = np.repeat(np.arange(n_lots, dtype=np.int32), units_per_lot)

    lot_item = rng.integers(0, n_items, n_lots).astype(np.int32)
    dated_item = rng.random(n_items) < 0.6
    shelf_life = rng.integers(30, 720, n_items)
    lot_tracked_item = rng.random(n_items) < 0.7
    single_lot_item = lot_tracked_item & (rng.random(n_items) < 0.15)  # ~10% of all items
    lot_received = TODAY - rng.integers(0, 540, n_lots)

    item = lot_item[lot_of_unit]
    received = lot_received[lot_of_unit].astype(np.int32)
    # A few containers of a lot carry a different date (relabelled, split deliveries).
    drift = np.where(rng.random(n_units) < 0.1, rng.integers(-20, 21, n_units), 0)
    expiry = np.where(dated_item[item], received + shelf_life[item] + drift, NO_EXPIRY).astype(np.int32)
    lot = np.where(lot_tracked_item[item], lot_of_unit, -1).astype(np.int32)
    avail = (rng.integers(1, 200, n_units) * 1000 + rng.integers(0, 1000, n_units) * (rng.random(n_units) < 0.3))
    opened = (rng.random(n_units) < 0.05).astype(np.uint8)
    pick_seq = rng.integers(0, 5000, n_units).astype(np.int32)
    track_rank = rng.permutation(n_units).astype(np.int32)
    eligible = (rng.random(n_units) < 0.9).astype(np.uint8)
    units = UnitArrays(item, lot, avail.astype(np.int64), expiry, opened, received, pick_seq, track_rank, eligible)

    popularity = rng.lognormal(0.0, 1.0, n_items)
    line_item = rng.choice(n_items, size=n_lines, p=popularity / popularity.sum()).astype(np.int32)
    need = rng.integers(1, 400, n_lines) * 1000
    job_start = TODAY + np.sort(rng.integers(0, 30, n_lines))
    min_remaining = np.where(rng.random(n_items) < 0.3, rng.integers(30, 120, n_items), 0)
    min_expiry = (job_start + min_remaining[line_item]).astype(np.int32)
    mode = single_lot_item[line_item].astype(np.uint8)
    return units, LineArrays(line_item, need, min_expiry, mode)


def _median_ms(fn, runs: int) -> tuple[float, object]:
    """Median wall time of `runs` calls, and the last call's result."""
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0, result


def _lexsort(units: UnitArrays) -> np.ndarray:
    return np.lexsort(
        (units.track_rank, units.pick_seq, units.received, 1 - units.opened, units.expiry, units.item)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(f"{lines}:{units}" for lines, units in DEFAULT_SIZES),
        help="comma-separated LINES:UNITS pairs (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=9, help="kernel and lexsort runs per size (median)")
    parser.add_argument("--reference-runs", type=int, default=3, help="reference runs per size, 1 above 100k units")
    parser.add_argument(
        "--reference-max-units", type=int, default=1_000_000, help="skip the reference above this many units"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in pair.split(":")) for pair in args.sizes.split(",") if pair]

    from core.allocator.kernel import allocate, warm_up

    t0 = time.perf_counter()
    warm_up()
    print(f"warm-up (compile or cache load): {(time.perf_counter() - t0) * 1000:.0f} ms")

    header = f"{'lines':>8} {'units':>9} | {'kernel ms':>9} {'reference ms':>12} {'lexsort ms':>10} | " \
             f"{'ref/kernel':>10} {'kernel/sort':>11} | {'shorts':>6} {'match':>5}"
    print(header)
    print("-" * len(header))
    verdicts = []
    failed = False
    for n_lines, n_units in sizes:
        units, lines = make_schedule(n_lines, n_units, args.seed)
        kernel_ms, result = _median_ms(lambda: allocate(units, lines), args.runs)
        sort_ms, _ = _median_ms(lambda: _lexsort(units), args.runs)
        ratio = None
        if n_units <= args.reference_max_units:
            runs = args.reference_runs if n_units <= 100_000 else 1
            ref_ms, want = _median_ms(lambda: allocate_reference(units, lines), runs)
            match = "yes" if want.equals(result) else "NO"
            ratio = ref_ms / kernel_ms
            ref_text = f"{ref_ms:12.1f}"
            ratio_text = f"{ratio:9.0f}x"
        else:
            ref_text, ratio_text, match = f"{'skipped':>12}", f"{'-':>10}", "-"
        shorts = int((result.reason != 0).sum())
        print(
            f"{n_lines:>8} {n_units:>9} | {kernel_ms:9.2f} {ref_text} {sort_ms:10.2f} | "
            f"{ratio_text} {kernel_ms / sort_ms:10.2f}x | {shorts:>6} {match:>5}"
        )
        if (n_lines, n_units) == TARGET_SIZE:
            verdicts.append(f"{n_lines} lines over {n_units} units under {TARGET_MS:.0f} ms: "
                            f"{'met' if kernel_ms < TARGET_MS else 'NOT met'} ({kernel_ms:.1f} ms)")
        failed |= match == "NO"
        if ratio is not None:
            verdicts.append(f"{n_lines}/{n_units}: kernel at least {TARGET_RATIO:.0f}x the reference: "
                            f"{'met' if ratio >= TARGET_RATIO else 'NOT met'} ({ratio:.0f}x)")
            # The regression guard: at a real site's size (small ones are all start-up and cache effects).
            failed |= n_units >= GUARD_UNITS and ratio < TARGET_RATIO
    print("kernel = allocate() median after warm-up; reference = run "
          f"{args.reference_runs}x up to 100k units, once above, skipped above {args.reference_max_units} units; "
          "lexsort = np.lexsort of all unit rank keys, no allocation")
    for line in verdicts:
        print("target:", line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast a job's labels are ready to send: render + Brother raster (and ZPL) for a 500-label job.

    .venv/bin/python -m bench.labels [--labels 500] [--repeat 3]

Target: a 500-label job ready to send in under 5 s. Every timing starts with cold glyph and barcode caches.
Two mixes are timed:
  job      a realistic job: pallets, then cartons, then products, as `job_labels` plans them (the product
           labels of a lot are identical, so the printer side renders them once)
  distinct every label different (cartons numbered 1..N): the worst case, nothing can be reused
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time

from core.gs1.keys import sscc
from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo
from core.labels.job_set import job_labels
from drivers.printer.printing import PrinterConfig, prepare
from drivers.printer.render import clear_caches

WIDE = PrinterConfig("file:///dev/null", model="QL-1110NWB")
NARROW = PrinterConfig("file:///dev/null", model="QL-820NWB")
ZEBRA = PrinterConfig("file:///dev/null", language="zpl", dpi=300)


def job(qty_units: int) -> JobLabelInfo:
    return JobLabelInfo(
        job="000000000012345", item="FG-BREAD-800", description="White bread 800 g", uom="EA", lot="L2611-01",
        gtin="09501101020917", qty_to_make=qty_units * 1000, start_date=dt.date(2026, 11, 26),
        units_per_carton=12, cartons_per_pallet=8, shelf_life_days=7,
    )


def job_mix(count: int):
    """About `count` labels: with 12 a carton and 8 cartons a pallet, N units give N/96 + N/12 + N labels."""
    units = max(1, round(count / (1 + 1 / 12 + 1 / 96)))
    serials = itertools.count(1)
    labels = [label for _, label in job_labels(job(units), lambda: sscc(0, "9501101", next(serials)))]
    return labels[:count]


def distinct_mix(count: int):
    info = job(count * 12)
    return [carton_label(info, qty=12_000, index=i, of=count) for i in range(1, count + 1)]


def time_ql(labels) -> tuple[float, int]:
    clear_caches()
    wide = [lab for lab in labels if lab.size.width_mm > 62]
    narrow = [lab for lab in labels if lab.size.width_mm <= 62]
    start = time.perf_counter()
    size = len(prepare(wide, WIDE)) + len(prepare(narrow, NARROW))
    return time.perf_counter() - start, size


def time_zpl(labels) -> tuple[float, int]:
    clear_caches()
    start = time.perf_counter()
    size = len(prepare(labels, ZEBRA))
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    for name, make in (("job", job_mix), ("distinct", distinct_mix)):
        start = time.perf_counter()
        labels = make(args.labels)
        build = time.perf_counter() - start
        kinds = {}
        for lab in labels:
            kind = lab.name.split()[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        mix = ", ".join(f"{n} {k}" for k, n in kinds.items())
        for language, timer in (("QL raster", time_ql), ("ZPL 300dpi", time_zpl)):
            best = min((timer(labels) for _ in range(args.repeat)), key=lambda r: r[0])
            total = build + best[0]
            print(f"{name:8} {language:10} {len(labels)} labels ({mix}): build {build:.2f} s + render/encode "
                  f"{best[0]:.2f} s = {total:.2f} s, {len(labels) / total:.0f} labels/s, {best[1] / 1e3:,.0f} kB")


if __name__ == "__main__":
    main()

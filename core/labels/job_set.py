"""All the labels of one job, in print order, from the job's facts and a source of fresh SSCCs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo
from core.labels.kinds import CARTON, PALLET
from core.labels.pallet import pallet_label
from core.labels.plan import KINDS, PlannedLabel, label_plan
from core.labels.product import product_label
from core.labels.sizes import DEFAULT_SIZES
from drivers.printer.model import Label, LabelSize


def job_labels(info: JobLabelInfo, next_sscc: Callable[[], str], kinds: Iterable[str] = KINDS,
               sizes: Mapping[str, LabelSize] | None = None) -> Iterator[tuple[PlannedLabel, Label]]:
    """(plan entry, label) for every label asked for. `next_sscc` is called once per pallet label, as it is
    built, so a job stopped half-way has used only the SSCCs of the pallets it built; the caller keeps the
    serial counter (an SSCC must never be reused)."""
    chosen = {**DEFAULT_SIZES, **(sizes or {})}
    plan = label_plan(info.qty_to_make, info.units_per_carton, info.cartons_per_pallet, kinds, job=info.job,
                      bulk=info.bulk, uom=info.uom)
    # Checked before any label is built: a missing GTIN should stop the job, not its 41st label.
    wanted = set(kinds)
    if wanted:
        info.gtin14(sorted(wanted)[0])
    for entry in plan:
        size = chosen[entry.kind]
        if entry.kind == PALLET:
            label = pallet_label(info, sscc=next_sscc(), qty=entry.qty, index=entry.index, of=entry.of, size=size)
        elif entry.kind == CARTON:
            label = carton_label(info, qty=entry.qty, index=entry.index, of=entry.of, size=size)
        else:
            label = product_label(info, qty=entry.qty, size=size)
        yield entry, label

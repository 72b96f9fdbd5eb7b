"""How many labels of each kind a job needs and what each one holds (docs/labels.md).

Quantities are integer thousandths of the item's unit; UnitsPerCarton and CartonsPerPallet are whole units.
Every pallet (and carton) but the last is full; the last holds the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.labels.kinds import CARTON, PALLET, PRODUCT
from core.labels.kinds import JOB_KINDS as KINDS

UNIT = 1000
#: Units of measure that count discrete things. An item in any other unit (KG, L...) or weighed is bulk.
COUNT_UOMS = frozenset({"EA", "EACH", "PC", "PCS", "PCE", "UNIT", "UNITS", "NO", "NR"})


def is_bulk(uom: str | None, weighed: bool) -> bool:
    """A weighed item, or one kept in a unit that is not a count, has no discrete units to put a label on."""
    return bool(weighed) or (uom or "").strip().upper() not in COUNT_UOMS


class LabelPlanError(ValueError):
    """The job lacks what the labels asked for need."""


@dataclass(frozen=True)
class LabelCounts:
    pallets: int
    cartons: int
    products: int

    def of(self, kind: str) -> int:
        return {PALLET: self.pallets, CARTON: self.cartons, PRODUCT: self.products}[kind]


@dataclass(frozen=True)
class PlannedLabel:
    kind: str
    index: int  # 1-based within its kind
    of: int
    qty: int  # thousandths held by the pallet, carton or product

    @property
    def units(self) -> int:
        """The whole units a GS1 count (37) states: a part unit at the end still counts as one."""
        return -(-self.qty // UNIT)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _whole(value: int | None, name: str, job: str) -> int:
    if value is None:
        raise LabelPlanError(f"Job {job} has no {name}: pallet and carton labels need it. Set it in the job import.")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise LabelPlanError(f"Job {job}: {name} must be a whole number above zero, not {value!r}")
    return value


def _check_qty(qty_to_make: int, job: str) -> None:
    if isinstance(qty_to_make, bool) or not isinstance(qty_to_make, int) or qty_to_make <= 0:
        raise LabelPlanError(f"Job {job}: nothing to label, QtyToMake is {qty_to_make!r} thousandths")


def label_counts(qty_to_make: int, units_per_carton: int | None, cartons_per_pallet: int | None,
                 *, job: str = "") -> LabelCounts:
    """Counts for all three kinds; pallet and carton counts need both packing figures."""
    _check_qty(qty_to_make, job)
    upc = _whole(units_per_carton, "UnitsPerCarton", job)
    cpp = _whole(cartons_per_pallet, "CartonsPerPallet", job)
    return LabelCounts(
        pallets=_ceil_div(qty_to_make, upc * cpp * UNIT),
        cartons=_ceil_div(qty_to_make, upc * UNIT),
        products=_ceil_div(qty_to_make, UNIT),
    )


def _split(total: int, full: int) -> Iterator[tuple[int, int, int]]:
    count = _ceil_div(total, full)
    for i in range(1, count + 1):
        yield i, count, full if i < count else total - full * (count - 1)


def label_plan(qty_to_make: int, units_per_carton: int | None, cartons_per_pallet: int | None,
               kinds: Iterable[str] = KINDS, *, job: str = "", bulk: bool = False,
               uom: str = "") -> Iterator[PlannedLabel]:
    """Every label of the job, kind by kind in the order of `kinds`, each with what it holds. A bulk output gets
    no product labels: those are for discrete units (its container is labelled when the job is completed)."""
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise LabelPlanError(f"Label kind {unknown[0]!r} is not known: use {', '.join(KINDS)}")
    _check_qty(qty_to_make, job)
    if bulk and PRODUCT in kinds:
        made = f"{qty_to_make / UNIT:g} {uom}".strip()
        raise LabelPlanError(f"Job {job} makes {made} in bulk: product labels are for units one can count. Its "
                             "output gets a container label (TrackID) when the job is completed, and pallet or "
                             "carton labels when it is packed.")
    # Check everything before the first label comes out: a half-yielded plan would be half printed.
    if PALLET in kinds:
        _whole(cartons_per_pallet, "CartonsPerPallet", job)
    if PALLET in kinds or CARTON in kinds:
        _whole(units_per_carton, "UnitsPerCarton", job)
    return _plan(qty_to_make, units_per_carton, cartons_per_pallet, kinds)


def _plan(qty: int, upc: int | None, cpp: int | None, kinds: list[str]) -> Iterator[PlannedLabel]:
    for kind in kinds:
        if kind == PALLET:
            full = upc * cpp * UNIT  # type: ignore[operator]
        elif kind == CARTON:
            full = upc * UNIT  # type: ignore[operator]
        else:
            full = UNIT
        for index, of, held in _split(qty, full):
            yield PlannedLabel(kind, index, of, held)

"""A job's facts as the labels need them, from whatever the caller read (the database, an import, a test)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.gs1 import keys as gs1


class LabelContentError(ValueError):
    """A label that must not be printed with this job's data (no GTIN, a lot a barcode cannot carry...)."""


@dataclass(frozen=True)
class JobLabelInfo:
    job: str
    item: str
    description: str
    uom: str
    lot: str  # the job's output lot, fixed at release
    gtin: str | None
    qty_to_make: int  # thousandths
    start_date: dt.date
    units_per_carton: int | None = None
    cartons_per_pallet: int | None = None
    shelf_life_days: int | None = None
    #: Made by weight or volume (a dough, a pre-ferment): no discrete units, so no product labels.
    bulk: bool = False

    @property
    def expiry(self) -> dt.date | None:
        return expiry_date(self.start_date, self.shelf_life_days)

    def gtin14(self, kind: str) -> str:
        if not self.gtin:
            raise LabelContentError(
                f"Item {self.item} has no GTIN, and {kind} labels carry it in their barcode. Add the GTIN to "
                "items.csv and import it again."
            )
        try:
            return gs1.normalize_gtin(self.gtin)
        except gs1.GS1Error as exc:
            raise LabelContentError(f"Item {self.item}: {exc}") from None


def expiry_date(start: dt.date, shelf_life_days: int | None) -> dt.date | None:
    """The job's start date plus the finished item's shelf life; None when the item does not expire."""
    if shelf_life_days is None:
        return None
    if shelf_life_days < 0:
        raise LabelContentError(f"shelf life of {shelf_life_days} days is negative")
    return start + dt.timedelta(days=shelf_life_days)


def gs1_data(pairs, what: str, *, gs1_128: bool = True) -> tuple[tuple[str, str], ...]:
    """Validated AI pairs for a barcode, with the label named in the error if the data cannot go on it."""
    try:
        elements = gs1.element_string(pairs)
        if gs1_128:
            elements.check_gs1_128()
    except gs1.GS1Error as exc:
        raise LabelContentError(f"{what}: {exc}") from None
    return elements.pairs

"""Which label stock each kind goes on by default, and falling back to a larger stock when one is too small."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.labels.kinds import CARTON, PALLET, PRODUCT, TRACKID
from drivers.printer.errors import LabelDoesNotFit, UnsupportedLabel
from drivers.printer.model import SIZE_62, SIZE_62X29, SIZE_102, SIZE_102X152, Label, LabelSize

DEFAULT_SIZES: dict[str, LabelSize] = {
    PALLET: SIZE_102X152,  # three logistic barcodes need the 102 mm width and the 152 mm length
    CARTON: SIZE_102,  # its logistic barcodes need the 102 mm width
    PRODUCT: SIZE_62,
    TRACKID: SIZE_62X29,
}


def choose_size(build: Callable[[LabelSize], Label], sizes: Sequence[LabelSize],
                check: Callable[[Label], None]) -> Label:
    """The label built on the first of `sizes` that `check` (e.g. drivers.printer.check_label with the
    printer's config) accepts. If none does, the last refusal is raised, naming every size tried."""
    refusals: list[str] = []
    for size in sizes:
        label = build(size)
        try:
            check(label)
        except (LabelDoesNotFit, UnsupportedLabel) as exc:
            refusals.append(f"{size}: {exc.message}")
            continue
        return label
    if not refusals:
        raise LabelDoesNotFit("No label size was offered to print on.")
    raise LabelDoesNotFit("None of the label sizes fits.\n" + "\n".join(refusals))

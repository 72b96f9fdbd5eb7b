"""From what a person typed or a scanner sent (a lot, a TrackID, an SSCC in any form, a GTIN) to the lot to trace."""
from __future__ import annotations

from core.data.models import Item, Job, LabelJob, Lot, StockUnit
from core.errors import NotFound, UserInputError
from core.gs1.scan import sscc_of
from core.trace.result import LotKey


def resolve(text: str, item: str | None = None) -> LotKey:
    """A lot code (with its item when the code is not unique), a TrackID or a pallet SSCC, as (item, lot).

    An SSCC is found in every form a person sees or scans (core.gs1.scan.sscc_of): 18 digits, `00` and 18
    digits, the bracketed form under the barcode with its spaces, a `]C1` scan, a Digital Link with `/00/`.
    """
    t = (text or "").strip()
    if not t:
        raise UserInputError("give a lot, a TrackID or an SSCC to trace")
    item = (item or "").strip() or None
    if item is not None and Item.get_or_none(Item.code == item) is None:
        raise NotFound(f"item {item} is not known: check the item code")
    for candidate in dict.fromkeys((t, t.upper())):
        query = Lot.select(Lot.item, Lot.code).where(Lot.code == candidate)
        if item is not None:
            query = query.where(Lot.item == item)
        found = sorted((r.item_id, r.code) for r in query)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            items = ", ".join(i for i, _ in found)
            raise UserInputError(f"lot {candidate} exists for several items ({items}): give the item as well "
                                 "(--item ITEM)")
        unit = StockUnit.get_or_none(StockUnit.track_id == candidate)
        if unit is not None:
            if not unit.lot_id:
                raise UserInputError(f"TrackID {candidate} holds {unit.item_id}, which has no lot: nothing to trace")
            return unit.item_id, unit.lot.code
    sscc = sscc_of(t) or (t.zfill(18) if t.isdigit() and len(t) == 17 else None)  # a 0 extension digit dropped
    label = LabelJob.get_or_none(LabelJob.sscc == (sscc or t))
    if label is not None and label.job:
        job = Job.get_or_none(Job.job == label.job)
        if job is not None and job.output_lot:
            return job.item_id, job.output_lot
        raise NotFound(f"the pallet {label.sscc} is of job {label.job}, which has no output lot yet")
    if sscc is not None:
        raise NotFound(f"no pallet label of this site has the SSCC {sscc}: check the number, or scan the label "
                       "again")
    raise NotFound(f"'{t}' is not a known lot, TrackID or SSCC" + (f" of {item}" if item else "")
                   + ": check the code, or scan the label again")


def item_for_gtin(gtin: str | None) -> str | None:
    if not gtin:
        return None
    row = Item.get_or_none(Item.gtin == gtin.zfill(14))
    return row.code if row else None

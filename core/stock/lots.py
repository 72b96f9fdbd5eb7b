"""Lots: one row per (item, lot code), shared by every unit of that lot."""
from __future__ import annotations

from core.data.models import Lot


def lot_for(item: str, code: str | None, made_by_job: str | None = None) -> int | None:
    if not code:
        return None
    lot = Lot.get_or_none((Lot.item == item) & (Lot.code == code))
    if lot is None:
        lot = Lot.create(item=item, code=code, made_by_job=made_by_job)
    elif made_by_job and not lot.made_by_job:
        Lot.update(made_by_job=made_by_job).where(Lot.id == lot.id).execute()
    return lot.id

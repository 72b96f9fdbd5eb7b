"""What is stored with each label, and the label rebuilt exactly from it: a reprint next year prints the same
label even if the item's description has changed since."""
from __future__ import annotations

import datetime as dt
import json

from core.data.models import LabelJob
from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo, LabelContentError
from core.labels.kinds import CARTON, JOB_KINDS, PALLET, TRACKID
from core.labels.pallet import pallet_label
from core.labels.product import product_label
from core.labels.sizes import DEFAULT_SIZES
from core.labels.trackid import trackid_label
from drivers.printer.errors import LabelError
from drivers.printer.model import Label
from drivers.printer.model import label_size as size_named


def job_content(info: JobLabelInfo, kind: str, index: int, of: int, qty: int, set_no: int,
                sscc: str | None) -> dict:
    return {"set": set_no, "kind": kind, "index": index, "of": of, "qty": qty, "sscc": sscc, "job": info.job,
            "item": info.item, "description": info.description, "uom": info.uom, "lot": info.lot,
            "gtin": info.gtin, "qty_to_make": info.qty_to_make, "start_date": info.start_date.isoformat(),
            "units_per_carton": info.units_per_carton, "cartons_per_pallet": info.cartons_per_pallet,
            "shelf_life_days": info.shelf_life_days}


def label_for(kind: str, content: dict, size_name: str | None = None) -> Label:
    """The label exactly as stored. Raises LabelContentError when the stored content cannot make one."""
    try:
        size = size_named(size_name) if size_name else DEFAULT_SIZES[kind]
        if kind == TRACKID:
            expiry = dt.date.fromisoformat(content["expiry"]) if content.get("expiry") else None
            return trackid_label(track_id=str(content["track_id"]), item=str(content["item"]),
                                 description=str(content.get("description") or ""), lot=content.get("lot"),
                                 qty=int(content["qty"]), uom=str(content.get("uom") or ""), expiry=expiry,
                                 size=size)
        if kind not in JOB_KINDS:
            raise LabelContentError(f"label kind '{kind}' is not one this app prints")
        info = JobLabelInfo(
            job=content["job"], item=content["item"], description=content["description"], uom=content["uom"],
            lot=content["lot"], gtin=content["gtin"], qty_to_make=int(content["qty_to_make"]),
            start_date=dt.date.fromisoformat(content["start_date"]),
            units_per_carton=content["units_per_carton"], cartons_per_pallet=content["cartons_per_pallet"],
            shelf_life_days=content["shelf_life_days"],
        )
        if kind == PALLET:
            return pallet_label(info, sscc=content["sscc"], qty=int(content["qty"]), index=int(content["index"]),
                                of=int(content["of"]), size=size)
        if kind == CARTON:
            return carton_label(info, qty=int(content["qty"]), index=int(content["index"]), of=int(content["of"]),
                                size=size)
        return product_label(info, qty=int(content["qty"]), size=size)
    except LabelContentError:
        raise
    except LabelError as exc:
        raise LabelContentError(exc.message) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise LabelContentError(f"the stored {kind} label is incomplete ({type(exc).__name__}: {exc})") from None


def content_of(row: LabelJob) -> dict:
    try:
        content = json.loads(row.content)
    except (TypeError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def label_for_row(row: LabelJob) -> Label:
    content = content_of(row)
    if not content:
        raise LabelContentError(f"label {row.id}: its stored content is not readable")
    return label_for(row.kind, content, row.label_size)


def set_of(row: LabelJob) -> int | None:
    try:
        return int(content_of(row).get("set"))
    except (TypeError, ValueError):
        return None


def describe(row: LabelJob) -> str:
    what = f"TrackID label {row.track_id}" if row.kind == TRACKID else f"{row.kind} label {row.seq}"
    return f"label {row.id} ({what})"

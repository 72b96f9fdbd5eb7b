"""ERP postings: an outbox of SYSPRO Post Material (WIPTMI) documents, each exported exactly once.

SYSPRO's Post Material business object takes two XML documents in one call: the parameters (WIPTMI) and the
items (WIPTMIDOC). For each pending posting `export_pending` writes both, `<key>.params.xml` and `<key>.xml`,
the items file last, and marks the posting exported only once both are safely on disk. docs/interchange.md
("Files out: ERP postings") says how an integrator hands them to SYSPRO.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.clock import utcnow
from core.data.db import db, run_sql
from core.data.models import Movement, Posting
from core.data.setting_store import setting
from core.errors import UserInputError
from core.qty import fmt_qty

#: WIPTMIDOC's Reference holds 9 characters.
REFERENCE_MAX = 9
#: What jobfloor writes into WIPTMIDOC's Notation at most (the full text stays in its audit trail).
NOTATION_MAX = 50
#: WIPTMIDOC's QtyIssued holds at most 11 digits before the point.
QTY_MAX_WHOLE_DIGITS = 11
_SCHEMA_ATTRS = {"xmlns:xsd": "http://www.w3.org/2001/XMLSchema-instance"}


def add_posting(movement: Movement, *, job: str, line: int | None, warehouse: str, qty: int,
                lot: str | None, reference: str, kind: str, bin: str | None = None,
                notation: str | None = None) -> Posting:
    """Called inside the service's transaction; the key names the event, so an ERP can deduplicate.

    `bin` is the jobfloor location the material left (a pick) or went back to (a return); without it, the
    movement's own location (a return's store location, the kit bin a consumption drew from). `notation` says
    why, when there is something to say (a job closed short).
    """
    key = f"{kind}-{job}-{line if line is not None else 0}-{movement.id:09d}"
    posting = Posting(key=key, job=job, warehouse=warehouse, stock_code=movement.item, line=line, qty=qty, lot=lot,
                      reference=reference or "", txn_date=movement.at.date(), movement=movement.id,
                      bin=bin or movement.location, created_at=utcnow(),
                      notation=(notation or "")[:NOTATION_MAX] or None)
    # Plain SQL: every pick and return writes one, and building the peewee insert cost more than sending it.
    run_sql("INSERT INTO posting (key, job, warehouse, stock_code, line, qty, lot, reference, txn_date, movement, "
            "bin, created_at, notation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (posting.key, job, warehouse, posting.stock_code, line, qty, lot, posting.reference, posting.txn_date,
             movement.id, posting.bin, posting.created_at, posting.notation))
    return posting


@dataclass(frozen=True)
class SiteParameters:
    """The site settings that shape the documents (core.site.settings says what each accepts)."""

    bins: str = "Y"  # Y, N, or the warehouses kept with multiple bins: "RM,FP"
    posting_period: str = "C"
    ignore_warnings: str = "N"
    validate_only: str = "N"

    @classmethod
    def from_settings(cls) -> SiteParameters:
        return cls(bins=setting("syspro_bins") or "Y", posting_period=setting("syspro_posting_period") or "C",
                   ignore_warnings=setting("syspro_ignore_warnings") or "N",
                   validate_only=setting("syspro_validate_only") or "N")

    def bins_for(self, warehouse: str) -> bool:
        if self.bins in ("Y", "N"):
            return self.bins == "Y"
        return warehouse in {w.strip() for w in self.bins.split(",")}


def reference_for(track_id: str) -> str:
    """SYSPRO's Reference holds 9 characters. Every TrackID jobfloor makes fits; a longer one a site imported
    with its own labels is cut to its last 9, the end that holds its serial number (the full TrackID stays in
    jobfloor's ledger under the posting's key)."""
    return (track_id or "")[-REFERENCE_MAX:]


def _qty_text(p: Posting) -> str:
    text = fmt_qty(p.qty)
    if len(text.lstrip("-").split(".")[0]) > QTY_MAX_WHOLE_DIGITS:
        raise UserInputError(f"posting {p.key}: {text} has more than {QTY_MAX_WHOLE_DIGITS} digits before the "
                             "point, more than SYSPRO's QtyIssued holds")
    return text


def _document(root_attrs: dict, build) -> bytes:
    root = ET.Element("PostMaterial", root_attrs)
    build(root)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def items_document(p: Posting, site: SiteParameters) -> bytes:
    """The WIPTMIDOC items: one <Item> whose elements are in the schema's sequence order."""
    def build(root):
        item = ET.SubElement(root, "Item")
        qty = _qty_text(p)
        values = [("Job", p.job), ("Warehouse", p.warehouse), ("StockCode", p.stock_code),
                  ("Line", None if p.line is None else str(p.line)), ("QtyIssued", qty),
                  ("Reference", reference_for(p.reference) or None), ("Notation", p.notation or None)]
        for tag, value in values:
            if value is not None:
                ET.SubElement(item, tag).text = value
        if site.bins_for(p.warehouse) and p.bin:
            bins = ET.SubElement(item, "Bins")
            ET.SubElement(bins, "BinLocation").text = p.bin
            ET.SubElement(bins, "BinQuantity").text = qty  # the bins of an item add up to its QtyIssued
        if p.lot:
            ET.SubElement(item, "Lot").text = p.lot

    return _document({**_SCHEMA_ATTRS, "xsd:noNamespaceSchemaLocation": "WIPTMIDOC.XSD"}, build)


def parameters_document(p: Posting, site: SiteParameters) -> bytes:
    """The WIPTMI parameters: the transaction date lives here, never in the item."""
    txn_date = p.txn_date if isinstance(p.txn_date, dt.date) else dt.date.fromisoformat(str(p.txn_date))

    def build(root):
        params = ET.SubElement(root, "Parameters")
        for tag, value in (("TransactionDate", txn_date.isoformat()), ("PostingPeriod", site.posting_period),
                           ("ApplyIfEntireDocumentValid", "Y"), ("ValidateOnly", site.validate_only),
                           ("IgnoreWarnings", site.ignore_warnings),
                           # without bins SYSPRO must choose the bins itself
                           ("AutoDepleteLotsBins", "N" if site.bins_for(p.warehouse) else "Y"),
                           ("PostFloorstock", "N")):
            ET.SubElement(params, tag).text = value

    return _document({**_SCHEMA_ATTRS, "xsd:noNamespaceSchemaLocation": "WIPTMI.XSD"}, build)


def documents(p: Posting, site: SiteParameters | None = None) -> dict[str, bytes]:
    """{file name: bytes} of one posting: the parameters first, the items last (the order they are written)."""
    site = site or SiteParameters.from_settings()
    return {f"{p.key}.params.xml": parameters_document(p, site), f"{p.key}.xml": items_document(p, site)}


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def export_pending(directory: str) -> list[str]:
    """Write every pending posting; mark each exported only once both its files are safely on disk.

    The parameters go first and the items last, so an integrator that waits for `<key>.xml` always finds its
    parameters beside it. A crash between the renames and the mark leaves complete files with the same names
    and bytes, which the next run writes again identically: the ERP sees each key once. Returns the items files.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with _one_export_at_a_time(out):
        site = SiteParameters.from_settings()
        pending = list(Posting.select().where(Posting.exported_at.is_null())
                       .order_by(Posting.created_at, Posting.key))
        for p in pending:
            for name, data in documents(p, site).items():
                path = out / name
                if not (path.exists() and path.read_bytes() == data):
                    _write_durably(path, data)
            with db.atomic():
                Posting.update(exported_at=utcnow()).where(
                    (Posting.key == p.key) & Posting.exported_at.is_null()).execute()
            written.append(str(out / f"{p.key}.xml"))
    return written


@contextmanager
def _one_export_at_a_time(directory: Path):
    """Two exports into one folder (a cron run overlapping a manual one) would share a posting's temporary name
    and one rename would fail; they take turns on a lock of the folder itself, which the system drops if the
    holder dies, so a killed export never blocks the next."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

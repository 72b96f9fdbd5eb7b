"""ERP postings: an outbox of SYSPRO WIPTMI PostMaterial documents, each exported exactly once."""
from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

from core.clock import utcnow
from core.data.db import db
from core.data.models import Movement, Posting
from core.qty import fmt_qty


def add_posting(movement: Movement, *, job: str, line: int | None, warehouse: str, qty: int,
                lot: str | None, reference: str, kind: str) -> Posting:
    """Called inside the service's transaction; the key names the event, so an ERP can deduplicate."""
    key = f"{kind}-{job}-{line if line is not None else 0}-{movement.id:09d}"
    return Posting.create(key=key, job=job, warehouse=warehouse, stock_code=movement.item, line=line, qty=qty,
                          lot=lot, reference=reference or "", txn_date=movement.at.date(), movement=movement.id)


def document(p: Posting) -> bytes:
    root = ET.Element("PostMaterial")
    item = ET.SubElement(root, "Item")
    txn_date = p.txn_date if isinstance(p.txn_date, dt.date) else dt.date.fromisoformat(str(p.txn_date))
    for tag, value in (("Job", p.job), ("Warehouse", p.warehouse), ("StockCode", p.stock_code),
                       ("Line", "" if p.line is None else str(p.line)), ("QtyIssued", fmt_qty(p.qty)),
                       ("Lot", p.lot or ""), ("Reference", p.reference or ""),
                       ("TransactionDate", txn_date.isoformat())):
        ET.SubElement(item, tag).text = value
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


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
    """Write every pending posting; mark each exported only once its file is safely on disk.

    A crash between the rename and the mark leaves a complete file with the same name and bytes, which the next
    run writes again identically: the ERP sees each key once.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with _one_export_at_a_time(out):
        pending = list(Posting.select().where(Posting.exported_at.is_null())
                       .order_by(Posting.created_at, Posting.key))
        for p in pending:
            path = out / f"{p.key}.xml"
            data = document(p)
            if not (path.exists() and path.read_bytes() == data):
                _write_durably(path, data)
            with db.atomic():
                Posting.update(exported_at=utcnow()).where(
                    (Posting.key == p.key) & Posting.exported_at.is_null()).execute()
            written.append(str(path))
    return written


@contextmanager
def _one_export_at_a_time(directory: Path):
    """Two exports into one folder (a cron run overlapping a manual one) would share a posting's temporary name
    and one rename would fail; they take turns on a lock of the folder itself, which the system drops if the
    holder dies, so a killed export never blocks the next."""
    import fcntl

    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

"""jobs.xml: SYSPRO-style WIP job export, parsed with a hardened parser (no DTDs, no entities)."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from core.data.db import write_txn
from core.data.models import Item, Job, JobLine
from core.erp.imports.common import (
    CellError,
    ImportFileError,
    ImportResult,
    Problem,
    RowChecker,
    code,
    date_or_none,
    qty,
    read_text,
    whole,
    yes_no,
)


class _Element(ET.Element):
    """An element that can carry the line it started on (the C Element takes no new attributes)."""

    sourceline = 0


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers each element's line, so an error can point at it."""

    parser = None

    def __init__(self):
        super().__init__(element_factory=_Element)

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        element.sourceline = self.parser.parser.CurrentLineNumber
        return element


def _parse_xml(path: str) -> ET.Element:
    text = read_text(path)
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(text.encode("utf-8"))
        return parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise ImportFileError(path, [Problem(line, None, f"broken XML: {exc}")]) from None
    except DefusedXmlException:
        # The expat parser stops on the declaration itself: its line is the one to name.
        line = parser.parser.CurrentLineNumber
        raise ImportFileError(path, [Problem(line, None, "the XML has a DTD or entities, which jobs.xml never "
                                                         "needs: export it again from the ERP")]) from None


def _text(el: ET.Element, tag: str) -> str:
    child = el.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _check_exact(qty_reqd: int, unit_qty: int, to_make: int) -> bool:
    # unit_qty * to_make is in millionths; QtyReqd in thousandths: the difference may be at most 0.001 inclusive.
    return abs(qty_reqd * 1000 - unit_qty * to_make) <= 1000


def parse_jobs(path: str) -> list[dict]:
    root = _parse_xml(path)
    if root.tag != "WipJobs":
        raise ImportFileError(path, [Problem(root.sourceline, None, f"the root element is <{root.tag}>, not <WipJobs>")])
    check = RowChecker(path)
    items = {i.code for i in Item.select(Item.code)}
    jobs, seen = [], {}
    for el in root.findall("Job"):
        ln = el.sourceline
        number = _text(el, "Job")
        label = f"job {number}" if number else "a job"

        def cell(tag, fn, *args, _ln=ln, _label=label, **kwargs):
            try:
                return fn(_text(el, tag), *args, **kwargs)
            except CellError as exc:
                check.add(_ln, None, f"{_label}: <{tag}> {exc}")
            except ValueError as exc:
                check.add(_ln, None, f"{_label}: <{tag}> {exc}")
            return None

        number = cell("Job", code, "Job number")
        stock_code = _text(el, "StockCode")
        if stock_code not in items:
            check.add(ln, None, f"{label}: StockCode '{stock_code}' is not in the items: import items.csv first")
        to_make = cell("QtyToMake", qty, required=True, positive=True)
        start = cell("JobStartDate", date_or_none, True)
        delivery = cell("JobDeliveryDate", date_or_none)
        priority = cell("Priority", whole, minimum=None, default=0)
        upc = cell("UnitsPerCarton", whole, minimum=1)
        cpp = cell("CartonsPerPallet", whole, minimum=1)
        lines, line_seen = [], set()
        materials = el.find("Materials")
        for mat in (materials.findall("Material") if materials is not None else []):
            mln = mat.sourceline
            where = f"{label}, material line {_text(mat, 'Line') or '?'}"
            try:
                line_no = whole(_text(mat, "Line"), required=True, minimum=1)
                unit_qty = qty(_text(mat, "UnitQtyReqd"))
                qty_reqd = qty(_text(mat, "QtyReqd"))
                kit = yes_no(_text(mat, "KitIssue"))
                warehouse = _text(mat, "Warehouse")
            except ValueError as exc:
                check.add(mln, None, f"{where}: {exc}")
                continue
            item = _text(mat, "StockCode")
            if item not in items:
                check.add(mln, None, f"{where}: StockCode '{item}' is not in the items: import items.csv first")
            if line_no in line_seen:
                check.add(mln, None, f"{where}: the line number is used twice")
            line_seen.add(line_no)
            if to_make is not None and not _check_exact(qty_reqd, unit_qty, to_make):
                check.add(mln, None, f"{where}: QtyReqd {_text(mat, 'QtyReqd')} is not UnitQtyReqd x QtyToMake "
                                     f"({_text(mat, 'UnitQtyReqd')} x {_text(el, 'QtyToMake')})")
            lines.append(dict(line=line_no, item=item, warehouse=warehouse[:10], unit_qty=unit_qty, qty_reqd=qty_reqd,
                              uom=_text(mat, "Uom")[:10] or "EA", kit_issue=kit))
        if number is not None:
            if number in seen:
                check.add(ln, None, f"{label} is in the file twice (first on line {seen[number]})")
            seen[number] = ln
        jobs.append(dict(line=ln, job=number, description=_text(el, "JobDescription")[:200], item=stock_code,
                         warehouse=_text(el, "Warehouse")[:10], qty_to_make=to_make, start_date=start,
                         delivery_date=delivery, priority=priority or 0, units_per_carton=upc,
                         cartons_per_pallet=cpp, lines=sorted(lines, key=lambda x: x["line"])))
    check.raise_if_any()
    return jobs


_JOB_FIELDS = ("description", "item", "warehouse", "qty_to_make", "start_date", "delivery_date", "priority",
               "units_per_carton", "cartons_per_pallet")
_LINE_FIELDS = ("line", "item", "warehouse", "unit_qty", "qty_reqd", "uom", "kit_issue")


def _current(job: Job) -> tuple[dict, list[dict]]:
    fields = {f: (job.item_id if f == "item" else getattr(job, f)) for f in _JOB_FIELDS}
    lines = [{f: (ln.item_id if f == "item" else getattr(ln, f)) for f in _LINE_FIELDS}
             for ln in job.lines.order_by(JobLine.line)]
    return fields, lines


def _dates(value):
    return value if not isinstance(value, str) else dt.date.fromisoformat(value)


def import_jobs(path: str) -> ImportResult:
    jobs = parse_jobs(path)
    result = ImportResult("jobs", path, rows=len(jobs))
    check = RowChecker(path)
    with write_txn():
        existing = {j.job: j for j in Job.select().where(Job.job.in_([j["job"] for j in jobs]))} if jobs else {}
        plans = []
        for j in jobs:
            new_fields = {f: j[f] for f in _JOB_FIELDS}
            new_lines = [{f: ln[f] for f in _LINE_FIELDS} for ln in j["lines"]]
            old = existing.get(j["job"])
            if old is None:
                plans.append(("create", j, new_fields, new_lines))
                continue
            fields, lines = _current(old)
            fields = {k: _dates(v) if k.endswith("date") else v for k, v in fields.items()}
            if fields == new_fields and lines == new_lines:
                plans.append(("same", j, None, None))
            elif old.state != "IMPORTED":
                changed = next((k for k in _JOB_FIELDS if fields[k] != new_fields[k]), "its material lines")
                check.add(j["line"], None, f"job {j['job']} is already {old.state.lower()} and the file changes "
                                           f"{changed}: un-release it first, or leave it out of the file")
            else:
                plans.append(("update", j, new_fields, new_lines))
        check.raise_if_any()
        for action, j, fields, lines in plans:
            if action == "same":
                result.unchanged += 1
                continue
            if action == "create":
                Job.create(job=j["job"], **fields)
                result.created += 1
            else:
                Job.update(**fields).where(Job.job == j["job"]).execute()
                JobLine.delete().where(JobLine.job == j["job"]).execute()
                result.updated += 1
            if lines:
                JobLine.insert_many([dict(job=j["job"], **ln) for ln in lines]).execute()
    return result

"""jobs.xml: SYSPRO's WIP job export as it comes (docs/interchange.md, "jobs.xml").

Parsed with a hardened parser (no DTDs, no entities). The values take SYSPRO's own shapes (core.erp.imports.syspro);
elements jobfloor does not use are ignored and named once in the result's notes.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from fractions import Fraction

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from core.data.db import is_postgres, write_txn
from core.data.models import Item, Job, JobLine
from core.erp.imports import syspro
from core.erp.imports.common import CellError, ImportFileError, ImportResult, Problem, RowChecker, code, read_text


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


#: The elements jobfloor reads; anything else an export carries is ignored and named in the import's summary.
JOB_TAGS = frozenset({"Job", "JobDescription", "StockCode", "Warehouse", "QtyToMake", "JobStartDate",
                      "JobDeliveryDate", "Priority", "UnitsPerCarton", "CartonsPerPallet", "Materials"})
MATERIAL_TAGS = frozenset({"Line", "StockCode", "Warehouse", "UnitQtyReqd", "QtyReqd", "Uom", "KitIssue",
                           "FixedQtyPerFlag", "FixedQtyPer", "ScrapPercentage", "ScrapQuantity"})
_CHUNK = 500


def _text(el: ET.Element, tag: str) -> str:
    child = el.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _micro(cells: dict[str, str], tag: str, default: str | None = None) -> int:
    try:
        return syspro.micro(cells[tag] or default or "")
    except CellError as exc:
        raise CellError(f"<{tag}> {exc}") from None


def qty_reqd(cells: dict[str, str], to_make_micro: int | None) -> int | None:
    """The line's requirement in thousandths: QtyReqd as SYSPRO computed it when the export has it (scrap and
    fixed quantities included); else computed the way SYSPRO does, from FixedQtyPer or from UnitQtyReqd x
    QtyToMake with the scrap allowance. Rounded up to the next thousandth either way."""
    if cells["QtyReqd"]:
        return syspro.milli_up(_micro(cells, "QtyReqd"))
    try:
        fixed = syspro.yes_no(cells["FixedQtyPerFlag"])
    except CellError as exc:
        raise CellError(f"<FixedQtyPerFlag> {exc}") from None
    if fixed:
        if not cells["FixedQtyPer"]:
            raise CellError("<FixedQtyPerFlag> is Y but <FixedQtyPer> is missing, and so is <QtyReqd>")
        return syspro.milli_up(_micro(cells, "FixedQtyPer"))
    unit = Fraction(_micro(cells, "UnitQtyReqd"), syspro.MICRO)
    pct = Fraction(_micro(cells, "ScrapPercentage", "0"), syspro.MICRO)
    scrap = Fraction(_micro(cells, "ScrapQuantity", "0"), syspro.MICRO)
    if to_make_micro is None:
        return None  # QtyToMake is bad and already reported
    units = unit * Fraction(to_make_micro, syspro.MICRO) * (1 + pct / 100) + scrap
    return syspro.milli_up(units * syspro.MICRO)


class _Ignored:
    """Element names an export carries that jobfloor does not read: each named once, with where it was first."""

    def __init__(self):
        self.first: dict[str, int] = {}

    def note(self, el: ET.Element, known: frozenset[str], where: str) -> None:
        for child in el:
            if isinstance(child.tag, str) and child.tag not in known:
                self.first.setdefault(f"<{child.tag}> in <{where}>", child.sourceline)

    def summary(self) -> str | None:
        if not self.first:
            return None
        names = sorted(self.first, key=self.first.get)
        return "ignored elements jobfloor does not use: " + ", ".join(names)


def parse_jobs(path: str, ignored: _Ignored | None = None, progress=None) -> list[dict]:
    root = _parse_xml(path)
    if root.tag != "WipJobs":
        raise ImportFileError(path, [Problem(root.sourceline, None, f"the root element is <{root.tag}>, not <WipJobs>")])
    ignored = ignored if ignored is not None else _Ignored()
    ignored.note(root, frozenset({"Job"}), "WipJobs")
    check = RowChecker(path)
    items = {i.code for i in Item.select(Item.code)}
    jobs, seen = [], {}
    elements = root.findall("Job")
    for n, el in enumerate(elements, 1):
        if progress and n % 100 == 0:
            progress(n, len(elements), "jobs checked")
        ln = el.sourceline
        ignored.note(el, JOB_TAGS, "Job")
        number = _text(el, "Job")
        label = f"job {number}" if number else "a job"

        def cell(tag, fn, *args, required=False, _ln=ln, _label=label, **kwargs):
            text = _text(el, tag)
            if not text:
                if required:
                    check.add(_ln, None, f"{_label}: <{tag}> is missing or blank")
                return None
            try:
                return fn(text, *args, **kwargs)
            except (CellError, ValueError) as exc:
                check.add(_ln, None, f"{_label}: <{tag}> {exc}")
            return None

        number = cell("Job", code, "Job number", required=True)
        stock_code = _text(el, "StockCode")
        if stock_code not in items:
            check.add(ln, None, f"{label}: StockCode '{stock_code}' is not in the items: import items.csv first")
        to_make_micro = cell("QtyToMake", syspro.micro, required=True)
        if to_make_micro == 0:
            check.add(ln, None, f"{label}: <QtyToMake> must be above zero")
            to_make_micro = None
        start = cell("JobStartDate", syspro.date, required=True)
        delivery = cell("JobDeliveryDate", syspro.date)
        priority = cell("Priority", syspro.whole_number, minimum=None)
        upc = cell("UnitsPerCarton", syspro.whole_number, minimum=1)
        cpp = cell("CartonsPerPallet", syspro.whole_number, minimum=1)
        lines, line_seen = [], set()
        materials = el.find("Materials")
        if materials is not None:
            ignored.note(materials, frozenset({"Material"}), "Materials")
        for mat in (materials.iterfind("Material") if materials is not None else ()):
            mln = mat.sourceline
            ignored.note(mat, MATERIAL_TAGS, "Material")
            cells = {tag: _text(mat, tag) for tag in MATERIAL_TAGS}
            where = f"{label}, material line {cells['Line'] or '?'}"
            try:
                if not cells["Line"]:
                    raise CellError("<Line> is missing")
                try:
                    line_no = syspro.whole_number(cells["Line"], minimum=1)
                except CellError as exc:
                    raise CellError(f"<Line> {exc}") from None
                if not cells["UnitQtyReqd"]:
                    raise CellError("<UnitQtyReqd> is missing")
                unit_micro = _micro(cells, "UnitQtyReqd")
                for tag in ("FixedQtyPer", "ScrapPercentage", "ScrapQuantity"):
                    if cells[tag]:
                        _micro(cells, tag)  # a malformed value is refused even where QtyReqd makes it unused
                required = qty_reqd(cells, to_make_micro)
                try:
                    kit = syspro.yes_no(cells["KitIssue"])
                except CellError as exc:
                    raise CellError(f"<KitIssue> {exc}") from None
            except CellError as exc:
                check.add(mln, None, f"{where}: {exc}")
                continue
            item = cells["StockCode"]
            if item not in items:
                check.add(mln, None, f"{where}: StockCode '{item}' is not in the items: import items.csv first")
            if line_no in line_seen:
                check.add(mln, None, f"{where}: the line number is used twice")
            line_seen.add(line_no)
            lines.append(dict(line=line_no, item=item, warehouse=cells["Warehouse"][:10], unit_qty=unit_micro,
                              qty_reqd=required, uom=cells["Uom"][:10] or "EA", kit_issue=kit))
        if number is not None:
            if number in seen:
                check.add(ln, None, f"{label} is in the file twice (first on line {seen[number]})")
            seen[number] = ln
        jobs.append(dict(line=ln, job=number, description=_text(el, "JobDescription")[:200], item=stock_code,
                         warehouse=_text(el, "Warehouse")[:10],
                         qty_to_make=syspro.milli_up(to_make_micro) if to_make_micro is not None else None,
                         start_date=start, delivery_date=delivery, priority=priority or 0, units_per_carton=upc,
                         cartons_per_pallet=cpp, lines=sorted(lines, key=lambda x: x["line"])))
    check.raise_if_any()
    return jobs


_JOB_FIELDS = ("description", "item", "warehouse", "qty_to_make", "start_date", "delivery_date", "priority",
               "units_per_carton", "cartons_per_pallet")
_LINE_FIELDS = ("line", "item", "warehouse", "unit_qty", "qty_reqd", "uom", "kit_issue")


def _day(value):
    return value if not isinstance(value, str) else dt.date.fromisoformat(value)


def _existing(numbers: list[str]) -> dict[str, tuple[Job, dict, list[dict]]]:
    """The jobs of the file already in the database, with their fields and lines as the file would give them,
    read in a few queries however many jobs the file has."""
    out: dict[str, tuple[Job, dict, list[dict]]] = {}
    size = 5000 if is_postgres() else _CHUNK
    for k in range(0, len(numbers), size):
        chunk = numbers[k:k + size]
        lines: dict[str, list[dict]] = {}
        for ln in JobLine.select().where(JobLine.job.in_(chunk)).order_by(JobLine.job, JobLine.line):
            lines.setdefault(ln.job_id, []).append(
                {f: (ln.item_id if f == "item" else getattr(ln, f)) for f in _LINE_FIELDS})
        for job in Job.select().where(Job.job.in_(chunk)):
            fields = {f: (job.item_id if f == "item" else getattr(job, f)) for f in _JOB_FIELDS}
            fields = {k: _day(v) if k.endswith("date") else v for k, v in fields.items()}
            out[job.job] = (job, fields, lines.get(job.job, []))
    return out


def import_jobs(path: str, progress=None) -> ImportResult:
    ignored = _Ignored()
    jobs = parse_jobs(path, ignored, progress)
    result = ImportResult("jobs", path, rows=len(jobs))
    if ignored.summary():
        result.notes.append(ignored.summary())
    check = RowChecker(path)
    with write_txn():
        existing = _existing([j["job"] for j in jobs])
        creates, updates = [], []
        for j in jobs:
            new_fields = {f: j[f] for f in _JOB_FIELDS}
            new_lines = [{f: ln[f] for f in _LINE_FIELDS} for ln in j["lines"]]
            old = existing.get(j["job"])
            if old is None:
                creates.append((j, new_fields, new_lines))
                continue
            job, fields, lines = old
            if fields == new_fields and lines == new_lines:
                result.unchanged += 1
            elif job.state != "IMPORTED":
                changed = next((k for k in _JOB_FIELDS if fields[k] != new_fields[k]), "its material lines")
                check.add(j["line"], None, f"job {j['job']} is already {job.state.lower()} and the file changes "
                                           f"{changed}: un-release it first, or leave it out of the file")
            else:
                updates.append((j, new_fields, new_lines))
        check.raise_if_any()
        for j, fields, _ in updates:
            Job.update(**fields).where(Job.job == j["job"]).execute()
        if updates:
            changed = [j["job"] for j, _, _ in updates]
            for k in range(0, len(changed), _CHUNK):
                JobLine.delete().where(JobLine.job.in_(changed[k:k + _CHUNK])).execute()
        job_rows = [dict(job=j["job"], **fields) for j, fields, _ in creates]
        line_rows = [dict(job=j["job"], **ln) for j, _, lines in creates + updates for ln in lines]
        for k in range(0, len(job_rows), _CHUNK):
            Job.insert_many(job_rows[k:k + _CHUNK]).execute()
            if progress:
                progress(min(k + _CHUNK, len(job_rows)), len(job_rows), "jobs written")
        for k in range(0, len(line_rows), _CHUNK * 2):
            JobLine.insert_many(line_rows[k:k + _CHUNK * 2]).execute()
        result.created, result.updated = len(creates), len(updates)
    return result

"""A trace read by people: the tree the screen and the command line print, the recall report's rows and files."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from core.clock import utcnow
from core.data.setting_store import setting
from core.qty import fmt_qty, fmt_short
from core.trace.genealogy import trace
from core.trace.result import Link, LotKey, TraceResult, Where


def _lot_line(result: TraceResult, key: LotKey) -> str:
    w = result.where.get(key)
    now = f"  [{w.text(result.uoms.get(key[0], ''))}]" if w is not None else ""
    return f"{key[0]} lot {key[1]}{now}"


def tree_lines(result: TraceResult) -> list[str]:
    """The trace as an indented tree for a terminal or a printout."""
    root = (result.item, result.lot)
    made = f", made by job {result.made_by}" if result.made_by else ""
    out = [f"Trace of {_lot_line(result, root)}{made}"]

    def job_text(link: Link) -> str:
        info = result.jobs.get(link.job)
        return f"job {link.job}" + (f" ({info.when})" if info else "")

    def walk(direction: str, parent: LotKey, indent: str, seen: set) -> None:
        for link in result.children(direction, parent):
            uom = result.uoms.get(parent[0] if direction == "forward" else link.item, "")
            qty = f"{fmt_short(link.qty)} {uom}".strip()
            if direction == "forward":
                out.append(f"{indent}- {job_text(link)} used {qty} -> "
                           + (_lot_line(result, (link.item, link.lot)) if link.lot else f"{link.item} (no lot)"))
            else:
                out.append(f"{indent}- {qty} of {_lot_line(result, (link.item, link.lot))} into {job_text(link)}")
            key = (link.item, link.lot)
            if link.lot is not None and key not in seen:
                walk(direction, key, indent + "    ", seen | {key})

    out.append("Forward (where it went):")
    if result.forward:
        walk("forward", root, "  ", {root})
    else:
        out.append("  no job has consumed this lot")
    out.append("Backward (what went into it):")
    if result.backward:
        walk("backward", root, "  ", {root})
    else:
        out.append("  not made by a job here (bought in)" if not result.made_by else "  nothing issued to the job")
    if result.kit_bins:
        out.append("Kit bins (jobs that may contain it):")
        for k in result.kit_bins:
            end = f"{k.end:%Y-%m-%d %H:%M}" if k.end else "still in the bin"
            info = result.jobs.get(k.job)
            makes = f" -> {info.item} lot {info.lot}" if info and info.lot else ""
            out.append(f"  - job {k.job} drew from {k.location} ({k.start:%Y-%m-%d %H:%M} to {end}){makes}")
    if result.kit_lots:
        out.append("Kit-bin lots the jobs may have drawn:")
        for k in result.kit_lots:
            out.append(f"  - job {k.job} from {k.location}: {k.item} lot {k.lot}")
    return out


def recall_rows(result: TraceResult) -> list[dict]:
    """One row per lot reached, with how it was reached and where its stock is now."""
    rows = []

    def add(relation, depth, job, key, qty, via):
        w = result.where.get(key, Where())
        info = result.jobs.get(job) if job else None
        rows.append({
            "relation": relation, "depth": depth, "job": job or "", "job_start": info.start.isoformat()
            if info and info.start else "", "job_completed": info.completed.date().isoformat()
            if info and info.completed else "", "item": key[0], "lot": key[1], "qty": fmt_qty(qty) if qty else "",
            "via": via, "in_store": fmt_qty(w.store), "in_wip": fmt_qty(w.wip), "in_kit_bins": fmt_qty(w.kitbin),
            "at_dispatch": fmt_qty(w.dispatch), "held": fmt_qty(w.held), "consumed": fmt_qty(w.consumed),
            "locations": " ".join(f"{loc}:{fmt_qty(q)}" for loc, _z, _s, q in w.places)})

    add("traced", 0, result.made_by, (result.item, result.lot), 0, "")
    for x in result.forward:
        if x.lot is not None:
            add("forward", x.depth, x.job, (x.item, x.lot), x.qty, f"{x.parent[0]} lot {x.parent[1]}")
    for x in result.backward:
        add("backward", x.depth, x.job, (x.item, x.lot), x.qty, f"{x.parent[0]} lot {x.parent[1]}")
    for k in result.kit_bins:
        info = result.jobs.get(k.job)
        if info and info.lot:
            add("kit bin (may contain)", 1, k.job, (info.item, info.lot), 0, k.location)
    for k in result.kit_lots:
        add("kit lot (may contain)", k.depth, k.job, (k.item, k.lot), 0, k.location)
    return rows


RECALL_COLUMNS = ("relation", "depth", "job", "job_start", "job_completed", "item", "lot", "qty", "via",
                  "in_store", "in_wip", "in_kit_bins", "at_dispatch", "held", "consumed", "locations")


def export_recall(result: TraceResult | str, directory: str | Path, item: str | None = None) -> tuple[Path, Path]:
    """The recall report: a CSV for spreadsheets and a plain-text summary to print. Returns both paths.

    `result` is a trace already made (what the screen shows) or a lot, TrackID or SSCC to trace now.
    """
    if not isinstance(result, TraceResult):
        result = trace(result, item)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{result.item}-{result.lot}")
    csv_path, txt_path = out / f"recall-{safe}-{stamp}.csv", out / f"recall-{safe}-{stamp}.txt"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=RECALL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(recall_rows(result))
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    txt_path.write_text("\n".join(summary_lines(result)) + "\n", encoding="utf-8")
    return csv_path, txt_path


def summary_lines(result: TraceResult) -> list[str]:
    finished = {(x.item, x.lot) for x in result.forward if x.lot is not None}
    on_hand = [(k, result.where[k]) for k in finished if k in result.where and result.where[k].on_hand]
    lines = [f"RECALL REPORT  {setting('site_name') or ''}".rstrip(),
             f"Lot {result.lot} of {result.item}, printed {utcnow():%Y-%m-%d %H:%M} UTC", "",
             f"Jobs that used it: {len({x.job for x in result.forward})}; lots made from it: {len(finished)}; "
             f"jobs that may contain it (kit bins): {len({k.job for k in result.kit_bins})}",
             f"Component lots in it: {len({(x.item, x.lot) for x in result.backward})}", ""]
    if on_hand:
        lines.append("Stock made from it still on hand (hold and recover):")
        for (item, lot), w in sorted(on_hand):
            lines.append(f"  {item} lot {lot}: " + ", ".join(f"{fmt_short(q)} at {loc}" + ("" if s == "AVAILABLE"
                                                              else f" ({s.lower()})") for loc, _z, s, q in w.places))
        lines.append("")
    lines += tree_lines(result)
    return lines

"""Lot trace: scan or type a lot, TrackID or SSCC; see where it went, what went into it, and where it is now.

A recall starts here: the tree shows forward (the jobs that used the lot and what they made) and backward (what
the lot was made from), with the quantity each job used, the jobs' dates and, for every lot, the stock still on
hand. F5 puts a lot on hold after a confirmation; F6 writes the recall report into the data directory.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree

from core.config import data_dir
from core.qty import fmt_short
from core.trace.genealogy import trace
from core.trace.holds import hold_lot
from core.trace.lookup import item_for_gtin
from core.trace.report import export_recall
from tui.screens.base import FloorScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.scan_input import ScanInput


def _stock_note(where, uom: str) -> Text:
    """What is left of a lot, loud when there is stock to get back in a recall."""
    if where is None:
        return Text("")
    if where.on_hand:
        held = f", {fmt_short(where.held)} held" if where.held else ""
        return Text(f"  {fmt_short(where.on_hand)} {uom} on hand{held}".rstrip(), style="bold yellow")
    return Text("  none left", style="dim")


class TraceScreen(FloorScreen):
    RESUME_KEY = "trace"
    MESSAGE = "#summary"
    HELP = ("Lot trace\n\n"
            "Scan a lot, a TrackID or a pallet SSCC (or type a lot code), then Enter. A lot code used by several "
            "items: type LOT ITEM.\n\n"
            "Forward: the jobs that used the lot, what they made, and on.\n"
            "Backward: the job that made the lot and the component lots it used, and on.\n"
            "Kit bins: jobs that drew from a floor bin while the lot was in it (they may contain it).\n"
            "Yellow: stock still on hand. Up/Down/Enter move through the tree; the line below tells where the "
            "highlighted lot is now.\n\n"
            "F5  put the highlighted lot (else the traced lot) on hold, every unit of it\n"
            "F6  write the recall report (CSV and a printable text) to the data directory\n"
            "Esc back")
    BINDINGS = [
        Binding("f5", "hold", "Hold lot"),
        Binding("f6", "export", "Recall report"),
    ]

    def __init__(self):
        super().__init__()
        self.result = None
        self._query: tuple[str, str | None] | None = None

    def body(self) -> ComposeResult:
        yield Static("Lot trace", classes="title")
        yield ScanInput(placeholder="lot, TrackID or SSCC (LOT ITEM if the lot is not unique)", id="query")
        yield Static("Scan or type what to trace, then Enter.", id="summary", classes="hint")
        yield Tree("nothing traced yet", id="tree")
        yield Static("", id="detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#tree", Tree).show_root = False
        field = self.query_one("#query", ScanInput)
        field.select_on_focus = False  # else the first character of a scan, typed before the focus lands, is lost
        field.focus()

    # --- asking ---------------------------------------------------------------------------------------------
    @on(ScanInput.Scanned, "#query")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        s = event.scan
        if s.kind == "sscc":
            self.lookup(s.sscc)
        elif s.lot:
            self.lookup(s.lot, gtin=s.gtin)
        elif s.kind == "text" and len((s.text or "").split()) == 2:
            lot, item = s.text.split()
            self.lookup(lot, item)
        else:
            self.lookup(s.track_id or s.text or s.location or s.gtin or s.raw)

    @on(ScanInput.ScanFailed, "#query")
    def _scan_failed(self, event: ScanInput.ScanFailed) -> None:
        self.fail(event.message)

    def lookup(self, text: str, item: str | None = None, gtin: str | None = None) -> None:
        self.say(f"Tracing {text}...")
        self._trace(text, item, gtin)

    @work(thread=True, exclusive=True, group="trace")
    def _trace(self, text: str, item: str | None, gtin: str | None) -> None:
        with self.refusals() as refused:
            result = trace(text, item or item_for_gtin(gtin))
        if refused:
            return
        self.app.call_from_thread(self._show, result)

    # --- the tree -------------------------------------------------------------------------------------------
    def _show(self, result) -> None:
        self.result = result
        self._query = (result.lot, result.item)
        root_key = (result.item, result.lot)
        uom = result.uoms.get(result.item, "")
        where = result.where.get(root_key)
        made = f"made by job {result.made_by}" if result.made_by else "bought in"
        jobs = len({x.job for x in result.forward})
        self.say(f"{result.item} lot {result.lot} ({made}): {where.text(uom) if where else ''}. "
                  f"{jobs} job(s) used it, {len({k.job for k in result.kit_bins})} may contain it.")
        tree = self.query_one("#tree", Tree)
        tree.clear()
        tree.root.set_label(f"{result.item} lot {result.lot}")
        tree.root.data = {"lot": root_key}
        fwd = tree.root.add(Text(f"Forward: where it went ({len(result.forward)})", style="bold"),
                            data={"lot": root_key}, expand=True)
        self._grow(fwd, "forward", root_key, {root_key})
        if not result.forward:
            fwd.add_leaf(Text("no job has used this lot", style="dim"), data={"lot": root_key})
        back = tree.root.add(Text(f"Backward: what went into it ({len(result.backward)})", style="bold"),
                             data={"lot": root_key}, expand=True)
        self._grow(back, "backward", root_key, {root_key})
        if not result.backward:
            back.add_leaf(Text("bought in: not made by a job here" if not result.made_by
                               else "nothing issued to the job", style="dim"), data={"lot": root_key})
        if result.kit_bins:
            kit = tree.root.add(Text(f"Kit bins: may contain it ({len(result.kit_bins)})", style="bold"),
                                data={"lot": root_key}, expand=True)
            for k in result.kit_bins:
                info = result.jobs.get(k.job)
                until = f"{k.end:%d %b %H:%M}" if k.end else "now"
                label = Text(f"job {k.job} from {k.location} {k.start:%d %b %H:%M}-{until}")
                data = {"job": k.job}
                if info and info.lot:
                    label.append(f" -> {info.item} {info.lot}")
                    key = (info.item, info.lot)
                    label.append_text(_stock_note(result.where.get(key), result.uoms.get(info.item, "")))
                    data["lot"] = key
                kit.add_leaf(label, data=data)
        if result.kit_lots:
            kl = tree.root.add(Text(f"Kit-bin lots its jobs may have drawn ({len(result.kit_lots)})", style="bold"),
                               data={"lot": root_key}, expand=True)
            for k in result.kit_lots:
                kl.add_leaf(f"{k.item} {k.lot} from {k.location} (job {k.job})",
                            data={"lot": (k.item, k.lot), "job": k.job})
        tree.root.expand()
        tree.focus()
        tree.move_cursor(fwd)

    def _grow(self, node, direction: str, parent, seen: set) -> None:
        r = self.result
        for link in r.children(direction, parent):
            key = (link.item, link.lot)
            if direction == "forward":
                used = f"{fmt_short(link.qty)} {r.uoms.get(parent[0], '')}".strip()
                label = Text(f"job {link.job} used {used} -> {link.item} {link.lot or '(no lot)'}")
            else:
                label = Text(f"{link.item} {link.lot} {fmt_short(link.qty)} {r.uoms.get(link.item, '')} "
                             f"into job {link.job}")
            label.append_text(_stock_note(r.where.get(key), r.uoms.get(link.item, "")))
            data = {"lot": key if link.lot else None, "job": link.job}
            if link.lot is not None and key not in seen and r.children(direction, key):
                child = node.add(label, data=data, expand=True)
                self._grow(child, direction, key, seen | {key})
            else:
                node.add_leaf(label, data=data)

    def on_key(self, event) -> None:
        # The next scan starts a new trace even while the tree has the focus: its first character brings the
        # field back, the rest of the scan follows it there.
        if event.is_printable and event.character and isinstance(self.focused, Tree):
            field = self.query_one("#query", ScanInput)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._detail(event.node.data or {})

    def _detail(self, data: dict) -> None:
        r = self.result
        detail = self.query_one("#detail", Static)
        if r is None:
            detail.update("")
            return
        parts = []
        job = r.jobs.get(data.get("job") or "")
        if job is not None:
            parts.append(f"job {job.job} {job.description[:30]} ({job.when})")
        key = data.get("lot")
        if key:
            w = r.where.get(tuple(key))
            places = ", ".join(f"{loc} {fmt_short(q)}" + ("" if s == "AVAILABLE" else f" {s.lower()}")
                               for loc, _z, s, q in (w.places if w else [])[:4])
            more = " ..." if w and len(w.places) > 4 else ""
            parts.append(f"{key[0]} {key[1]}: {w.text(r.uoms.get(key[0], '')) if w else 'no stock'}"
                         + (f" @ {places}{more}" if places else ""))
        detail.update("\n".join(parts))

    def _current_lot(self):
        if self.result is None:
            return None
        node = self.query_one("#tree", Tree).cursor_node
        key = (node.data or {}).get("lot") if node is not None else None
        return tuple(key) if key else (self.result.item, self.result.lot)

    # --- hold and recall report -----------------------------------------------------------------------------
    def action_hold(self) -> None:
        key = self._current_lot()
        if key is None:
            self.fail("Trace a lot first, then F5 holds it.")
            return

        question = (f"Put every unit of {key[0]} lot {key[1]} on HOLD? It cannot be picked or used until "
                    "released by quality.")
        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self._hold(key))

    @work(thread=True, exclusive=True, group="trace-write")
    def _hold(self, key) -> None:
        with self.refusals() as refused:
            result = hold_lot(self.app.actor, key[1], key[0])
        if refused:
            return
        self.app.call_from_thread(self._held, result)

    def _held(self, result) -> None:
        self.ok(result.text(), toast=True)
        if self._query:
            self.lookup(*self._query)

    def action_export(self) -> None:
        if self.result is None:
            self.fail("Trace a lot first, then F6 writes its recall report.")
            return
        self._export(self.result)

    @work(thread=True, exclusive=True, group="trace-write")
    def _export(self, result) -> None:
        try:
            csv_path, txt_path = export_recall(result, data_dir() / "recall")
        except OSError as exc:
            self.fail(f"The report could not be written: {exc.strerror or exc}")
            return
        self.app.call_from_thread(self._exported, csv_path, txt_path)

    def _exported(self, csv_path, txt_path) -> None:
        message = f"Recall report written: {csv_path} (and .txt to print)"
        self.query_one("#detail", Static).update(message)
        self.app.signal_ok(message)

    # --- resume ---------------------------------------------------------------------------------------------
    def resume_state(self) -> dict | None:
        return {"lot": self._query[0], "item": self._query[1]} if self._query else None

    def restore(self, state: dict) -> None:
        if state.get("lot"):
            self.lookup(state["lot"], state.get("item"))

"""A job's picking slip: lines, the TrackIDs, lots and locations reserved, and what is short."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from core.qty import fmt_short


def slip_text(job: str, lines: list[dict]) -> str:
    out = [f"Picking slip  job {job}", ""]
    for ln in lines:
        head = f"{ln['line']:>2} {ln['item']:<14} {fmt_short(ln['required']):>9} {ln['uom']}"
        if ln["kit_issue"]:
            out.append(f"{head}  kit-issued from the floor bin")
            continue
        held = ln["allocated"] + ln["issued"]
        state = "covered" if held >= ln["required"] else f"SHORT {fmt_short(ln['required'] - held)}"
        out.append(f"{head}  {state}" + (f" ({ln['short']})" if ln["short"] else ""))
        for t in ln["tasks"]:
            out.append(f"     {t['location']:<10} {t['track_id']:<9} lot {t['lot'] or '-':<11} "
                       f"{fmt_short(t['qty']):>8}  {t['state'].lower()}")
    return "\n".join(out)


class SlipScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SlipScreen { align: center middle; }
    #slip { width: 80; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
            background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter,f3", "close", "Close")]

    def __init__(self, job: str, lines: list[dict]):
        super().__init__()
        self._text = slip_text(job, lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="slip"):
            yield Static(self._text)
            yield Static("Esc closes.", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)

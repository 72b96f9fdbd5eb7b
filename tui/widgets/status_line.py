"""One line at the top of every screen: who, where, and how the scale and printer are."""
from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

# How a device state reads and looks. A state that needs someone's attention is also in capitals, so it stands
# out on a terminal without colours (NO_COLOR, a vt220) as well.
SAID = {"ok": "online"}
GOOD = {"online", "stable", "ready"}
WAIT = {"moving", "busy", "printing"}


def _state(device: str, state: str, detail: bool = True) -> Content:
    head, _, rest = SAID.get(state, state).partition(":")
    rest = rest.strip() if detail else ""
    if head in GOOD or head in WAIT:
        style = "$text-success" if head in GOOD else "$text-warning"
    else:
        head, style = head.upper(), "bold $text-error"
    return Content.styled(f"{device} {head}" + (f": {rest}" if rest else ""), style)


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $primary-background; color: $text; padding: 0 1; }
    """

    scale = reactive("")
    printer = reactive("")

    def on_mount(self) -> None:
        self.refresh_from_app()

    def on_resize(self) -> None:
        self.update(self._text())

    def refresh_from_app(self) -> None:
        app = self.app
        self.scale = getattr(app, "scale_state", "") or ""
        self.printer = getattr(app, "printer_state", "") or ""
        self.update(self._text())

    def _text(self) -> Content:
        app = self.app
        actor = getattr(app, "actor", None)
        station = getattr(app, "station_code", None) or "no station"
        devices = [(name, state) for name, state in (("scale", self.scale), ("printer", self.printer)) if state]
        room = self.content_size.width or app.size.width - 2
        full = f"{actor.user} ({actor.role})" if actor else "not logged in"
        short = actor.user if actor else "-"
        # Longest first; on a handheld the role goes, then the spacing, then a state's detail, then the "@": who,
        # where and each device's state stay in view.
        for who, gap, at, detail in ((full, "  ", "@ ", True), (short, "  ", "@ ", True), (short, " ", "@ ", True),
                                     (short, " ", "@ ", False), (short, " ", "", False)):
            parts = [Content(who), Content(at + station)] + [_state(n, s, detail) for n, s in devices]
            line = Content(gap).join(parts)
            if line.cell_length <= room:
                break
        return line

    def watch_scale(self) -> None:
        self.update(self._text())

    def watch_printer(self) -> None:
        self.update(self._text())

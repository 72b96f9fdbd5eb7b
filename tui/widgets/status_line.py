"""One line at the top of every screen: who, where, and how the scale and printer are."""
from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $primary-background; color: $text; padding: 0 1; }
    """

    scale = reactive("")
    printer = reactive("")

    def on_mount(self) -> None:
        self.refresh_from_app()

    def refresh_from_app(self) -> None:
        app = self.app
        self.scale = getattr(app, "scale_state", "") or ""
        self.printer = getattr(app, "printer_state", "") or ""
        self.update(self._text())

    def _text(self) -> str:
        app = self.app
        actor = getattr(app, "actor", None)
        station = getattr(app, "station_code", None)
        parts = [f"{actor.user} ({actor.role})" if actor else "not logged in", f"@ {station or 'no station'}"]
        if self.scale:
            parts.append(f"scale {self.scale}")
        if self.printer:
            parts.append(f"printer {self.printer}")
        return "  ".join(parts)

    def watch_scale(self) -> None:
        self.update(self._text())

    def watch_printer(self) -> None:
        self.update(self._text())

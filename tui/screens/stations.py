"""Stations: where each terminal stands, with the scale and printer at hand. Supervisors see and change them.

A terminal finds its station by --station, by JOBFLOOR_STATION (per SSH key, docs/ssh.md) or by the address it
connects from ("SSH from" here). What is typed goes to core.site.stations.save_station, the one check of a
station's settings (the command line's `jobfloor station set` uses it too): it says what is wrong in words, reads a
changed scale once, saves only what changed, writes the audit row, and says in words what was saved.
"""
from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Static

from core.site.kiosk import current_links
from core.site.stations import field_text, list_stations, save_station
from drivers.printer.facts import LANGUAGES
from drivers.scale import PROTOCOL_NAMES, PROTOCOLS_SAID
from tui.screens.base import FloorScreen
from tui.screens.confirm import ConfirmScreen


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    placeholder: str
    choices: tuple[str, ...] = ()


FIELDS = (
    Field("name", "Name", "what people call it"),
    Field("area", "Area", "e.g. STORE, LINE-2"),
    Field("ssh_address", "SSH from", "terminal's IP address, or empty"),
    Field("scale_url", "Scale at", "/dev/ttyUSB0 or socket://host:port"),
    Field("scale_protocol", "Scale speaks", PROTOCOLS_SAID, PROTOCOL_NAMES),
    Field("scale_baud", "Scale baud", "9600"),
    Field("printer_url", "Printer at", "tcp://host:9100, file:///path"),
    Field("printer_language", "Printer speaks", "ql (Brother) or zpl (Zebra)", LANGUAGES),
    Field("printer_model", "Printer model", "e.g. QL-820NWB"),
    Field("label_size", "Label size", "62, 102x152; empty: per kind"),
)


class StationsScreen(FloorScreen):
    MESSAGE = "#form-message"
    HELP = ("Stations\n\nEach terminal's place: the scale and printer at hand. A terminal finds its station by "
            "--station, by JOBFLOOR_STATION (set per SSH key) or by the address it connects from (SSH from); a "
            "browser kiosk by the station's kiosk link (jobfloor station link CODE).\n\n"
            "List: Up/Down choose, Enter or F2 edits.\n"
            "Editing: Enter or Down goes to the next field, Up back; F5 saves (a changed scale is opened and read "
            "once first: a port that is not there, or a scale that does not answer, is said so and nothing is "
            "saved); Esc leaves without saving.\n"
            "Terminals already at a station use new settings when they next connect.")
    BINDINGS = [
        Binding("f2", "edit", "Edit"),
        Binding("f5", "save", "Save"),
        Binding("down", "field(1)", show=False),
        Binding("up", "field(-1)", show=False),
    ]
    DEFAULT_CSS = """
    StationsScreen #stations { height: 1fr; }
    StationsScreen #form { height: auto; }
    StationsScreen .row { height: 1; }
    StationsScreen .row Label { width: 16; padding: 0 1; color: $text-muted; }
    StationsScreen #form-message { height: auto; }
    """
    # App CSS (jobfloor.tcss) gives every Input a frame; a form of ten framed fields would not fit 24 lines.
    CSS = """
    StationsScreen #form Input.field { border: none; height: 1; width: 1fr; padding: 0 1; background: $surface; }
    StationsScreen #form Input.field:focus { background: $primary 25%; text-style: bold; }
    StationsScreen #form Input.field:nocolor:focus { text-style: bold reverse; }
    """

    def __init__(self):
        super().__init__()
        self._stations = []
        self._links: dict[str, str] = {}
        self._editing: str | None = None
        self._before: dict[str, str] = {}

    def body(self) -> ComposeResult:
        yield Static("Stations", classes="title", id="title")
        yield DataTable(id="stations", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", classes="hint")
        with Vertical(id="form"):
            for f in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(f.label)
                    yield Input(placeholder=f.placeholder, id=f"f-{f.name}", classes="field",
                                suggester=SuggestFromList(f.choices) if f.choices else None,
                                restrict=r"\d*" if f.name == "scale_baud" else None)
            yield Static("", id="form-message", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#form").display = False
        self._columns()
        self._load(self.app.station_code)  # start on this terminal's own station

    def on_resize(self) -> None:
        if self._stations:
            self._columns()
            self._fill()

    # --- the list --------------------------------------------------------------------------------------------
    def _narrow(self) -> bool:
        return self.app.size.width < 60

    def _columns(self) -> None:
        table = self.query_one("#stations", DataTable)
        table.clear(columns=True)
        if self._narrow():
            table.add_columns("Station", "Area", "SSH from")
        else:
            table.add_columns("Station", "Area", "SSH from", "Scale", "Printer")

    @work(thread=True, exclusive=True, group="stations")
    def _load(self, select: str | None = None) -> None:
        stations = list_stations()
        links = current_links()
        self.app.call_from_thread(self._loaded, stations, select, links)

    def _loaded(self, stations, select: str | None, links: dict[str, str] | None = None) -> None:
        self._stations = stations
        self._links = links or {}
        self._fill()
        table = self.query_one("#stations", DataTable)
        if select:
            index = next((i for i, s in enumerate(stations) if s.code == select), 0)
            table.move_cursor(row=index)
        if self._editing is None:
            table.focus()
        if not stations:
            self.query_one("#detail", Static).update("No stations are set up yet: add them with the site's "
                                                     "import, then set them here.")

    def _fill(self) -> None:
        table = self.query_one("#stations", DataTable)
        row = table.cursor_row
        table.clear()
        for s in self._stations:
            cells = [s.code, s.area or "", s.ssh_address or "-"]
            if not self._narrow():
                # Addresses can be long: the line under the table has them in full.
                cells.append(s.scale_protocol or "?" if s.scale_url else "none")
                cells.append(f"{s.printer_language} {s.printer_model}" if s.printer_url else "none")
            table.add_row(*cells, key=s.code)
        if self._stations:
            table.move_cursor(row=min(row, len(self._stations) - 1))
            self._detail(table.cursor_row)

    @on(DataTable.RowHighlighted, "#stations")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if not 0 <= index < len(self._stations):
            return
        s = self._stations[index]
        scale = (f"scale {s.scale_protocol} at {s.scale_url}, {s.scale_baud} baud" if s.scale_url else "no scale")
        printer = (f"printer {s.printer_language} {s.printer_model} at {s.printer_url}"
                   f"{', labels ' + s.label_size if s.label_size else ''}" if s.printer_url else "no printer")
        here = "  (this terminal)" if s.code == self.app.station_code else ""
        # The browser kiosk's address; made and replaced on the command line, where the supervisor is asked
        # for their PIN (docs/thin-clients.md).
        link = self._links.get(s.code) or f"none yet: jobfloor station link {s.code} --user YOU"
        self.query_one("#detail", Static).update(f"{s.code} {s.name}{here}: {scale}; {printer}\n"
                                                 f"Kiosk link: {link}")

    @on(DataTable.RowSelected, "#stations")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    # --- editing ---------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "edit":
            return self._editing is None
        if action in ("save", "field"):
            return self._editing is not None
        return True

    def action_edit(self) -> None:
        table = self.query_one("#stations", DataTable)
        if self._editing is not None or not self._stations:
            return
        station = self._stations[table.cursor_row]
        self._editing = station.code
        self._before = {f.name: field_text(station, f.name) for f in FIELDS}
        for f in FIELDS:
            self.query_one(f"#f-{f.name}", Input).value = self._before[f.name]
        self.say("Change what you need, then F5 to save. Esc leaves without saving.")
        self.query_one("#title", Static).update(f"Station {station.code}: settings")
        self._show_form(True)
        self.query_one(f"#f-{FIELDS[0].name}", Input).focus()

    def _show_form(self, editing: bool) -> None:
        self.query_one("#stations").display = not editing
        self.query_one("#detail").display = not editing
        self.query_one("#form").display = editing
        self.refresh_bindings()

    def _typed(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#f-{f.name}", Input).value for f in FIELDS}

    def action_field(self, step: int) -> None:
        (self.focus_next if step > 0 else self.focus_previous)()

    @on(Input.Submitted, "#form Input")
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    def action_back(self) -> None:
        if self._editing is None:
            super().action_back()
            return
        if self._typed() == self._before:
            self._leave_form()
            return

        self.app.push_screen(ConfirmScreen(f"Leave station {self._editing} without saving your changes?"),
                             lambda leave: self._leave_form() if leave else None)

    def _leave_form(self, select: str | None = None) -> None:
        code = select or self._editing
        self._editing = None
        self.query_one("#title", Static).update("Stations")
        self._show_form(False)
        self._load(code)

    def action_save(self) -> None:
        if self._editing is None:
            return
        self.say("Checking (a changed scale is read once)...")
        # Only what was changed here goes in: a field another terminal changed meanwhile is left as it is now.
        typed = {name: value for name, value in self._typed().items() if value != self._before[name]}
        self._save(self._editing, typed)

    @work(thread=True, exclusive=True, group="stations-save")
    def _save(self, code: str, typed: dict) -> None:
        with self.refusals() as refused:  # said on the form's line: still editing, nothing lost
            saved = save_station(self.app.actor, code, typed)
        if refused:
            return
        self.app.call_from_thread(self._saved, code, saved.changes, saved.station, saved.text())

    def _saved(self, code: str, changes: dict, station, text: str) -> None:
        if not changes:
            self._leave_form(code)
            self.app.notify(text, timeout=3)
            return
        if station is not None and code == self.app.station_code:
            self.app.station = station  # this terminal's own printer and scale settings, for what opens next
        self._leave_form(code)
        self.ok(text, toast=True)  # the form's line goes with the form

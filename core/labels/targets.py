"""Where labels go: a printer as a station or the command line names it, checked before anything is stored."""
from __future__ import annotations

from dataclasses import dataclass

from core.data.models import Station
from core.errors import UserInputError
from core.labels.sizes import DEFAULT_SIZES
from drivers.printer.errors import LabelError
from drivers.printer.facts import DEFAULT_QL_MODEL, QL, WIDE_QL_MODEL, ZPL
from drivers.printer.model import LabelSize
from drivers.printer.model import label_size as size_named
from drivers.printer.printing import PrinterConfig, printer_config
from drivers.printer.setting import checked_setting


@dataclass(frozen=True)
class PrintTarget:
    url: str
    language: str = QL
    model: str | None = None
    #: The roll loaded: every kind goes on it. None: each kind on its own stock (DEFAULT_SIZES).
    label_size: str | None = None

    def config(self, **options) -> PrinterConfig:
        return printer_config(self.url, self.language, self.model, **options)

    def size_for(self, kind: str) -> LabelSize:
        return size_named(self.label_size) if self.label_size else DEFAULT_SIZES[kind]

    def describe(self) -> str:
        what = self.model or ("Zebra" if self.language == ZPL else DEFAULT_QL_MODEL)
        return f"{self.url} ({what}, {self.label_size + ' mm labels' if self.label_size else 'default label sizes'})"


#: Where nothing is printed: a preview at a terminal without a printer, each kind on the stock it usually goes on.
PREVIEW_ONLY = PrintTarget("file:///dev/null", QL, WIDE_QL_MODEL)


def make_target(url: str | None, language: str | None = QL, model: str | None = None,
                label_size: str | None = None) -> PrintTarget:
    """A checked print target: everything that can be refused without the printer is refused here."""
    try:
        return PrintTarget(*checked_setting(url, language, model, label_size))
    except LabelError as exc:
        raise UserInputError(exc.message) from None


def target_for_station(station: Station | None) -> PrintTarget:
    if station is None:
        raise UserInputError("this terminal is not at a station, so there is no printer here: log in at a station "
                             "or ask a supervisor to set this one up")
    if not station.printer_url:
        raise UserInputError(f"station {station.code} has no printer set up: ask a supervisor to add one")
    try:
        return make_target(station.printer_url, station.printer_language, station.printer_model, station.label_size)
    except UserInputError as exc:
        raise UserInputError(f"station {station.code}'s printer setting: {exc}") from None

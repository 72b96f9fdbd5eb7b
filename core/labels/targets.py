"""Where labels go: a printer as a station or the command line names it, checked before anything is stored."""
from __future__ import annotations

from dataclasses import dataclass

from core.data.models import Station
from core.errors import UserInputError
from core.labels.sizes import DEFAULT_SIZES
from drivers.printer.errors import LabelError
from drivers.printer.facts import (
    ADDRESS_FORMS,
    DEFAULT_QL_MODEL,
    LANGUAGE_NAMES,
    LANGUAGES,
    QL,
    WIDE_QL_MODEL,
    ZPL,
    address_problem,
)
from drivers.printer.model import LabelSize
from drivers.printer.model import label_size as size_named
from drivers.printer.printing import PrinterConfig, printer_config
from drivers.printer.ql import check_model
from drivers.printer.ql import models as ql_models


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
    url = (url or "").strip()
    if not url:
        raise UserInputError(f"give the printer's address: {ADDRESS_FORMS}")
    problem = address_problem(url)
    if problem:
        raise UserInputError(problem)
    language = (language or QL).strip().lower()
    if language not in LANGUAGES:
        known = " or ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)
        raise UserInputError(f"printer language '{language}' is not known: use {known}")
    model = (model or "").strip() or None
    if language == QL:
        model = model or DEFAULT_QL_MODEL
        if model not in ql_models():
            raise UserInputError(f"printer model '{model}' is not a Brother QL this app knows: "
                                 f"{', '.join(ql_models())}")
    elif model and len(model) > 20:
        raise UserInputError("a printer model name is at most 20 characters")
    size = None
    if label_size:
        try:
            size = size_named(label_size)
            if language == QL:
                check_model(model, size)
        except LabelError as exc:
            raise UserInputError(exc.message) from None
    return PrintTarget(url, language, model, size.name if size else None)


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

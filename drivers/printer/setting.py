"""A printer as a station or the command line sets it (address, language, model, roll), checked before anything is
stored or printed: the one check for print targets (core.labels.targets) and station settings (core.site.stations).
"""
from __future__ import annotations

from drivers.printer.errors import LabelError
from drivers.printer.facts import ADDRESS_FORMS, DEFAULT_QL_MODEL, LANGUAGE_NAMES, LANGUAGES, QL, address_problem
from drivers.printer.model import label_size as size_named
from drivers.printer.ql import check_model
from drivers.printer.ql import models as ql_models


def checked_setting(url: str | None, language: str | None = QL, model: str | None = None,
                    label_size: str | None = None) -> tuple[str, str, str | None, str | None]:
    """(url, language, model, label size name) as they are kept; a LabelError whose message says what to fix."""
    url = (url or "").strip()
    if not url:
        raise LabelError(f"give the printer's address: {ADDRESS_FORMS}")
    problem = address_problem(url)
    if problem:
        raise LabelError(problem)
    language = (language or QL).strip().lower()
    if language not in LANGUAGES:
        known = " or ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)
        raise LabelError(f"printer language '{language}' is not known: use {known}")
    model = (model or "").strip() or None
    if language == QL:
        model = model or DEFAULT_QL_MODEL
        if model not in ql_models():
            raise LabelError(f"printer model '{model}' is not a Brother QL this app knows: {', '.join(ql_models())}")
    elif model and len(model) > 20:
        raise LabelError("a printer model name is at most 20 characters")
    size = None
    if label_size:
        size = size_named(label_size)
        if language == QL:
            check_model(model, size)
    return url, language, model, size.name if size else None

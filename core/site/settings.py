"""The site settings a person may change (`jobfloor settings`), each with what it means and what it accepts.

Values live in the Setting table (core.data.schema keeps the defaults); a change is checked here first, so a
typing error is refused in words instead of breaking a screen or an export later, and every change is audited.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.data.db import write_txn
from core.data.models import Location, Setting
from core.data.setting_store import DEFAULT_SETTINGS, set_setting, setting
from core.errors import UserInputError
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require


def _yes_no(value: str) -> str:
    v = value.strip().upper()
    if v not in ("Y", "N"):
        raise UserInputError(f"'{value}' is not Y or N")
    return v


def _one_of(*choices: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        v = value.strip().upper()
        if v not in choices:
            raise UserInputError(f"'{value}' is not one of {', '.join(choices)}")
        return v
    return check


def _number(minimum: float = 0) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not re.fullmatch(r"\d+(\.\d+)?", value.strip(), re.ASCII):
            raise UserInputError(f"'{value}' is not a number such as 4 or 1.5")
        if float(value) < minimum:
            raise UserInputError(f"'{value}' is below {minimum:g}")
        return value.strip()
    return check


def _whole(minimum: int = 0) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip().isdigit() or int(value) < minimum:
            raise UserInputError(f"'{value}' is not a whole number from {minimum}")
        return str(int(value))
    return check


def _pattern(regex: str, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not re.fullmatch(regex, value.strip(), re.ASCII):
            raise UserInputError(f"'{value}' is not {what}")
        return value.strip()
    return check


def _text(value: str) -> str:
    if not value.strip() or len(value) > 100 or not value.isprintable():
        raise UserInputError("give a name of 1 to 100 printable characters")
    return value.strip()


def _location(value: str) -> str:
    if Location.get_or_none(Location.code == value.strip()) is None:
        raise UserInputError(f"location {value} is not known: import it in locations.csv first")
    return value.strip()


def _bins(value: str) -> str:
    v = value.strip().upper()
    if v in ("Y", "N"):
        return v
    codes = [c.strip() for c in value.split(",")]
    if not all(codes) or any(len(c) > 10 for c in codes):
        raise UserInputError(f"'{value}' is not Y, N or a list of warehouse codes such as RM,FP")
    return ",".join(codes)


@dataclass(frozen=True)
class Spec:
    key: str
    meaning: str
    check: Callable[[str], str]


SPECS: dict[str, Spec] = {s.key: s for s in (
    Spec("site_name", "the site's name on screens and reports", _text),
    Spec("gs1_company_prefix", "the GS1 company prefix in SSCCs (4 to 12 digits)", _pattern(r"\d{4,12}", "4 to 12 digits")),
    Spec("sscc_extension_digit", "the SSCC extension digit (0-9)", _pattern(r"\d", "one digit")),
    Spec("track_id_prefix", "the letters before a new TrackID's number; at most 2, so a TrackID stays within the 9 "
                            "characters of a SYSPRO posting's Reference", _pattern(r"[A-Z]{1,2}", "1 or 2 capital letters")),
    Spec("idle_logout_minutes", "log a terminal out after this many idle minutes (0: never)", _number(0)),
    Spec("lockout_attempts", "wrong PINs before a user is locked out", _whole(1)),
    Spec("lockout_minutes", "how long a lockout lasts", _whole(0)),
    Spec("kit_task_due_hours", "a kit-bin fill task is due this many hours after the bin drops below min", _number(0)),
    Spec("shift_start", "when the first shift starts (HH:MM)", _pattern(r"([01]\d|2[0-3]):[0-5]\d", "a time HH:MM")),
    Spec("shift_hours", "hours in a shift", _number(0)),
    Spec("at_risk_hours", "the job board marks a job at risk this many hours before it is due", _number(0)),
    Spec("syspro_bins", "postings name the bin for SYSPRO warehouses kept with multiple bins: Y (every "
                        "warehouse), N (none: SYSPRO depletes lots and bins itself) or the warehouses, e.g. RM,FP",
         _bins),
    Spec("syspro_posting_period", "the SYSPRO posting period of material postings: C current, P previous",
         _one_of("C", "P")),
    Spec("syspro_ignore_warnings", "postings ask SYSPRO to ignore its warnings (Y/N)", _yes_no),
    Spec("syspro_validate_only", "a trial run: SYSPRO checks the postings and posts nothing (Y/N)", _yes_no),
)}
#: Settings kept per SYSPRO warehouse: the key is the prefix followed by the warehouse code.
PER_WAREHOUSE = {
    "wip_location.": Spec("wip_location.", "where picked material goes for jobs of the warehouse", _location),
    "receipt_location.": Spec("receipt_location.", "where a completed job's output is received", _location),
}


def spec_for(key: str) -> Spec:
    if key in SPECS:
        return SPECS[key]
    for prefix, spec in PER_WAREHOUSE.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            return spec
    known = ", ".join([*SPECS, *(f"{p}WAREHOUSE" for p in PER_WAREHOUSE)])
    raise UserInputError(f"there is no setting '{key}': the settings are {known}")


def all_settings() -> list[tuple[str, str, str]]:
    """(key, value, meaning) of every setting, the stored value or its default."""
    stored = {s.key: s.value for s in Setting.select()}
    keys = [*SPECS, *sorted(k for k in stored if k not in SPECS)]
    out = []
    for key in keys:
        try:
            meaning = spec_for(key).meaning
        except UserInputError:
            meaning = ""
        out.append((key, stored.get(key, DEFAULT_SETTINGS.get(key, "")), meaning))
    return out


def change(actor: Actor, key: str, value: str) -> tuple[str | None, str]:
    """Check and store a setting; returns (the value before, the value now)."""
    require(actor, "settings.edit")
    spec = spec_for(key.strip())
    with write_txn():
        new = spec.check(value)
        before = setting(key)
        set_setting(key, new)
        record(actor, "settings.set", key, before=before, value=new)
    return before, new

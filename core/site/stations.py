"""Which station (scale and printer at hand) a session is at."""
from __future__ import annotations

import os

from core.data.db import write_txn
from core.data.models import Station
from core.errors import NotFound, UserInputError, clean, shown
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from drivers.printer.facts import LANGUAGES

EDITABLE = ("name", "area", "ssh_address", "scale_url", "scale_protocol", "scale_baud", "printer_url",
            "printer_language", "printer_model", "label_size")


def ssh_client_address(environ=os.environ) -> str | None:
    """OpenSSH puts 'client_ip client_port server_port' in SSH_CLIENT (SSH_CONNECTION has it first too)."""
    for var in ("SSH_CLIENT", "SSH_CONNECTION"):
        value = environ.get(var, "").split()
        if value:
            return value[0] if clean(value[0], 60) else None  # not an address: no station by address
    return None


def resolve_station(cli_value: str | None = None, environ=os.environ) -> Station | None:
    code = cli_value or environ.get("JOBFLOOR_STATION")
    if code:
        # Compared only when it can be a station code at all: bytes that are no text, or an escape sequence
        # set per key, are refused in words, never sent to the database nor echoed to the terminal.
        station = Station.get_or_none(Station.code == code) if clean(code, 30) else None
        if station is None:
            raise UserInputError(f"station '{shown(code)}' is not set up: ask a supervisor to add it")
        return station
    address = ssh_client_address(environ)
    if address:
        return Station.get_or_none(Station.ssh_address == address)
    return None


def list_stations() -> list[Station]:
    return list(Station.select().order_by(Station.code))


def update_station(actor: Actor, code: str, **fields) -> Station:
    require(actor, "stations.edit")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise UserInputError(f"cannot change {', '.join(sorted(unknown))} of a station")
    from drivers.scale import PROTOCOL_NAMES, PROTOCOLS_SAID  # here, not at import: the CLI starts without pyserial

    if fields.get("scale_protocol") not in (None, "", *PROTOCOL_NAMES):
        raise UserInputError(f"the scale protocol is {PROTOCOLS_SAID}")
    if fields.get("printer_language") not in (None, *LANGUAGES):
        raise UserInputError(f"the printer language is {' or '.join(LANGUAGES)}")
    with write_txn():
        if not Station.get_or_none(Station.code == code):
            raise NotFound(f"station {code} is not set up")
        Station.update(**fields).where(Station.code == code).execute()
        record(actor, "station.edit", code, **fields)
    return Station.get(Station.code == code)

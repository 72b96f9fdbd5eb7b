"""Which station (scale and printer at hand) a session is at, and the one check of a station's settings.

Whoever changes a station (the Stations screen, `jobfloor station set`) goes through `save_station`: every field
is checked in the words of the floor, a scale whose address, protocol or speed changed is opened and read once
(a port that does not exist or a scale that does not answer is said so, and nothing is saved), the change is
audited, and `Saved.text()` says what was saved.
"""
from __future__ import annotations

import glob
import ipaddress
import os
from dataclasses import dataclass

from core.data.db import write_txn
from core.data.models import Station
from core.errors import NotFound, UserInputError, clean, shown
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from drivers.printer.facts import LANGUAGES

EDITABLE = ("name", "area", "ssh_address", "scale_url", "scale_protocol", "scale_baud", "printer_url",
            "printer_language", "printer_model", "label_size")
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
NULLABLE = {"ssh_address", "scale_url", "scale_protocol", "printer_url"}
SCALE_FIELDS = ("scale_url", "scale_protocol", "scale_baud")
PRINTER_FIELDS = ("printer_url", "printer_language", "printer_model", "label_size")
# Where a serial scale usually shows up on Linux, to name the ports that are there when the one given is not.
SERIAL_PORTS = ("/dev/serial/by-id/*", "/dev/ttyUSB*", "/dev/ttyACM*")


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


def field_text(station: Station, name: str) -> str:
    """A field as a person types it: empty for nothing."""
    value = getattr(station, name)
    return "" if value is None else str(value)


def checked_changes(code: str, typed: dict[str, str]) -> dict:
    """What to save, in the model's types, from what was typed (fields left out stay as they are); a
    UserInputError says what to fix and how. Reads the station and the other stations' SSH addresses (two
    stations on one address would make the address lookup pick one at random)."""
    from drivers.scale import PROTOCOL_NAMES, PROTOCOLS_SAID, is_scale_address  # the CLI starts without pyserial

    station = Station.get_or_none(Station.code == code)
    if station is None:
        raise NotFound(f"station {code} is not set up: check the code")
    unknown = set(typed) - set(EDITABLE)
    if unknown:
        raise UserInputError(f"cannot change {', '.join(sorted(unknown))} of a station")
    current = {name: field_text(station, name) for name in EDITABLE}
    v = {name: (typed[name] if name in typed else current[name] or "").strip() for name in EDITABLE}
    if len(v["name"]) > 100 or len(v["area"]) > 30:
        raise UserInputError("the name is at most 100 characters and the area at most 30")
    if v["ssh_address"]:
        try:
            v["ssh_address"] = str(ipaddress.ip_address(v["ssh_address"]))
        except ValueError:
            raise UserInputError(f"'{shown(v['ssh_address'])}' is not an IP address: type the terminal's address, "
                                 "like 10.0.4.21, or leave it empty") from None
        other = Station.get_or_none((Station.ssh_address == v["ssh_address"]) & (Station.code != code))
        if other is not None:
            raise UserInputError(f"{v['ssh_address']} is already station {other.code}'s address: clear it there first")
    v["scale_protocol"] = v["scale_protocol"].lower()
    if v["scale_url"]:
        url = v["scale_url"]
        if not is_scale_address(url):
            raise UserInputError(f"scale address '{shown(url)}' is not one this app can use: give a serial port "
                                 "such as /dev/ttyUSB0, or socket://host:port for a serial device server")
        if not v["scale_protocol"]:
            raise UserInputError(f"say which protocol the scale speaks: {PROTOCOLS_SAID}")
    if v["scale_protocol"] and v["scale_protocol"] not in PROTOCOL_NAMES:
        raise UserInputError(f"scale protocol '{shown(v['scale_protocol'])}' is not known: use {PROTOCOLS_SAID}")
    if not v["scale_baud"].isdigit() or int(v["scale_baud"]) not in BAUDS:
        raise UserInputError(f"scale baud '{shown(v['scale_baud'])}' is not a serial speed: use one of "
                             f"{', '.join(map(str, BAUDS))} (most scales: 9600)")
    v["printer_language"] = v["printer_language"].lower() or "ql"
    if v["printer_url"]:
        from drivers.printer.errors import LabelError
        from drivers.printer.setting import checked_setting  # as printing checks it; loads the raster code

        try:
            _, _, model, _ = checked_setting(v["printer_url"], v["printer_language"], v["printer_model"],
                                             v["label_size"])
        except LabelError as exc:
            raise UserInputError(exc.message) from None
        v["printer_model"] = model or v["printer_model"]
    elif v["printer_language"] not in LANGUAGES:
        raise UserInputError(f"printer language '{shown(v['printer_language'])}' is not known: use ql (Brother QL) or "
                             "zpl (Zebra)")
    changes = {}
    for name, value in v.items():
        if value == current[name]:
            continue
        if name == "scale_baud":
            changes[name] = int(value)
        elif name in NULLABLE and value == "":
            changes[name] = None
        else:
            changes[name] = value
    return changes


def check_scale(url: str, protocol: str, baud: int) -> str:
    """Open the scale's port and read once; what it said ("0.850 kg stable"), or a UserInputError in words."""
    from drivers.scale import ScaleError, ScaleOffline, ScaleProtocolError, is_simulated, read_once

    if is_simulated(url):
        return "simulated"
    if url.startswith("/dev/") and not os.path.exists(url):
        here = sorted({p for pattern in SERIAL_PORTS for p in glob.glob(pattern)})
        ports = f" (this computer has {', '.join(here)})" if here else " (this computer has no serial port plugged in)"
        raise UserInputError(f"{shown(url, 80)} does not exist: check the cable or pick the scale's port{ports}")
    try:
        reading = read_once(url, protocol, stable=False, timeout=2.0)
    except ScaleOffline:
        raise UserInputError(f"nothing answers at {url}: check that the scale is on and its cable is in, or pick "
                             "the scale's port") from None
    except ScaleProtocolError:
        raise UserInputError(f"the scale at {url} answers, but not in {protocol} at {baud} baud: set the protocol "
                             "and speed the scale itself is set to") from None
    except ScaleError as exc:
        return exc.state  # it answered (over capacity, moving, a fault on its display): the scale is there
    except (ValueError, OSError) as exc:
        raise UserInputError(f"the scale at {url} could not be opened: {exc}") from None
    return reading.text()


@dataclass(frozen=True)
class Saved:
    code: str
    changes: dict
    scale_said: str | None = None  # what the scale answered when it was checked
    station: Station | None = None  # as saved

    def text(self) -> str:
        """What was saved, in words: "Station PICK-2 saved: area LINE-2; scale sma at socket://..., 19200 baud
        (it answered 0.000 kg stable)."""
        if not self.changes:
            return f"Station {self.code}: nothing changed."
        station = self.station or Station.get(Station.code == self.code)
        said = []
        if "name" in self.changes:
            said.append(f"name '{station.name}'")
        if "area" in self.changes:
            said.append(f"area {station.area}" if station.area else "no area")
        if "ssh_address" in self.changes:
            said.append(f"SSH from {station.ssh_address}" if station.ssh_address else "no SSH address")
        if set(SCALE_FIELDS) & set(self.changes):
            said.append(f"scale {station.scale_protocol} at {station.scale_url}, {station.scale_baud} baud"
                        + (f" (it answered {self.scale_said})" if self.scale_said else "")
                        if station.scale_url else "no scale")
        if set(PRINTER_FIELDS) & set(self.changes):
            said.append(f"printer {station.printer_language} {station.printer_model} at {station.printer_url}"
                        + (f", labels {station.label_size}" if station.label_size else ", labels per kind")
                        if station.printer_url else "no printer")
        return f"Station {self.code} saved: {'; '.join(said)}. Terminals already there use it when they next connect."


def save_station(actor: Actor, code: str, typed: dict[str, str]) -> Saved:
    """Check what was typed, try a scale that changed, save what changed and audit it."""
    require(actor, "stations.edit")
    changes = checked_changes(code, typed)
    if not changes:
        return Saved(code, {})
    said = None
    if set(SCALE_FIELDS) & set(changes):
        before = Station.get(Station.code == code)
        url = changes.get("scale_url", before.scale_url)
        if url:
            said = check_scale(url, changes.get("scale_protocol", before.scale_protocol),
                               changes.get("scale_baud", before.scale_baud))
    return Saved(code, changes, said, update_station(actor, code, **changes))

"""`jobfloor station link CODE [--new] --user CODE`: a station's kiosk link, for its browser; `jobfloor station set
CODE --FIELD VALUE... --user CODE`: change a station, checked as the Stations screen checks it (a changed scale is
read once).

The link alone goes to standard output (scripts take it as it is); anything else a person should know goes to
standard error.
"""
from __future__ import annotations

import sys


def register(sub) -> dict:
    s = sub.add_parser("station", help="stations: change one (checked, its scale read once); a browser kiosk link")
    ss = s.add_subparsers(dest="station_command", required=True, metavar="ACTION")
    a = ss.add_parser("link", help="print the station's kiosk link (supervisor or admin)")
    a.add_argument("code", help="the station's code, as on the Stations screen")
    a.add_argument("--new", action="store_true", help="replace the link: the old one stops working at once")
    a.add_argument("--user", required=True, help="your user code")
    e = ss.add_parser("set", help="change a station's settings (supervisor or admin); an empty value clears one")
    e.add_argument("code", help="the station's code, as on the Stations screen")
    for field, what in STATION_FIELDS.items():
        e.add_argument(f"--{field.replace('_', '-')}", dest=field, metavar="VALUE", help=what)
    e.add_argument("--user", help="your user code")
    return {"station": run}


STATION_FIELDS = {
    "name": "what people call it", "area": "e.g. BAKERY, LINE-2", "ssh_address": "the terminal's IP address",
    "scale_url": "/dev/serial/by-id/..., /dev/ttyUSB0 or socket://host:port (opened and read once)",
    "scale_protocol": "mt-sics, sma or toledo", "scale_baud": "the scale's serial speed, e.g. 9600",
    "printer_url": "tcp://host:9100, file:///path or a serial port", "printer_language": "ql or zpl",
    "printer_model": "e.g. QL-1100, ZD421", "label_size": "the roll loaded: 62, 102, 102x152; empty: per kind",
}


def run(args) -> int:
    if args.station_command == "set":
        return _set(args)
    from core.site.kiosk import link_url, public_url, public_url_known, station_link

    token = station_link(args.actor, args.code, new=args.new)
    print(link_url(token))
    if args.new:
        print(f"jobfloor: station {args.code} has a new link; the old one no longer opens it", file=sys.stderr)
    if not public_url_known():
        print(f"jobfloor: no server has given its public address yet, so the link starts with {public_url()}: "
              "start `jobfloor serve --web --public-url URL` and ask again", file=sys.stderr)
    return 0


def _set(args) -> int:
    from core.errors import UserInputError
    from core.site.stations import save_station

    typed = {field: getattr(args, field) for field in STATION_FIELDS if getattr(args, field) is not None}
    if not typed:
        raise UserInputError("say what to change, e.g. --scale-url /dev/ttyUSB0 (see jobfloor station set --help)")
    print(save_station(args.actor, args.code, typed).text())
    return 0

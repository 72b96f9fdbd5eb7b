"""`jobfloor station link CODE [--new] --user CODE`: a station's kiosk link, for its browser.

The link alone goes to standard output (scripts take it as it is); anything else a person should know goes to
standard error.
"""
from __future__ import annotations

import sys


def register(sub) -> dict:
    s = sub.add_parser("station", help="stations: the kiosk link of a browser station")
    ss = s.add_subparsers(dest="station_command", required=True, metavar="ACTION")
    a = ss.add_parser("link", help="print the station's kiosk link (supervisor or admin)")
    a.add_argument("code", help="the station's code, as on the Stations screen")
    a.add_argument("--new", action="store_true", help="replace the link: the old one stops working at once")
    a.add_argument("--user", required=True, help="your user code")
    return {"station": run}


def run(args) -> int:
    from core.site.kiosk import link_url, public_url, public_url_known, station_link

    token = station_link(args.actor, args.code, new=args.new)
    print(link_url(token))
    if args.new:
        print(f"jobfloor: station {args.code} has a new link; the old one no longer opens it", file=sys.stderr)
    if not public_url_known():
        print(f"jobfloor: no server has given its public address yet, so the link starts with {public_url()}: "
              "start `jobfloor serve --web --public-url URL` and ask again", file=sys.stderr)
    return 0

"""`jobfloor station link CODE [--new] --user CODE`: a station's kiosk link, for its browser.

The link alone goes to standard output (scripts take it as it is); anything else a person should know goes to
standard error.
"""
from __future__ import annotations

import os
import sys


def register(sub) -> dict:
    s = sub.add_parser("station", help="stations: the kiosk link of a browser station")
    ss = s.add_subparsers(dest="station_command", required=True, metavar="ACTION")
    a = ss.add_parser("link", help="print the station's kiosk link (supervisor or admin)")
    a.add_argument("code", help="the station's code, as on the Stations screen")
    a.add_argument("--new", action="store_true", help="replace the link: the old one stops working at once")
    a.add_argument("--user", required=True, help="your user code (PIN from JOBFLOOR_PIN, or asked)")
    return {"station": run}


def authenticated(code: str, station: str | None):
    """The acting user, by PIN: from JOBFLOOR_PIN, else asked on the terminal. A wrong PIN counts as on a screen.

    One small function on purpose: when the command line gets one way of authenticating for every command, this
    is the only place that changes.
    """
    from core.errors import AuthError
    from core.site.auth import login

    pin = os.environ.get("JOBFLOOR_PIN")
    if pin is None:
        if not sys.stdin.isatty():
            raise AuthError(f"{code}'s PIN is needed: set JOBFLOOR_PIN, or run this at a terminal to be asked")
        import getpass

        pin = getpass.getpass(f"PIN for {code}: ")
    return login(code, pin, station)


def run(args) -> int:
    from core.site.kiosk import link_url, public_url, public_url_known, station_link

    actor = authenticated(args.user, args.station)
    token = station_link(actor, args.code, new=args.new)
    print(link_url(token))
    if args.new:
        print(f"jobfloor: station {args.code} has a new link; the old one no longer opens it", file=sys.stderr)
    if not public_url_known():
        print(f"jobfloor: no server has given its public address yet, so the link starts with {public_url()}: "
              "start `jobfloor serve --web --public-url URL` and ask again", file=sys.stderr)
    return 0

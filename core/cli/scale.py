"""`jobfloor scale read --port URL --protocol NAME [--stable] [--timeout S]`: one weight, no database."""
from __future__ import annotations

import sys


def register(sub) -> dict:
    s = sub.add_parser("scale", help="talk to a scale")
    ss = s.add_subparsers(dest="scale_command", required=True, metavar="ACTION")
    r = ss.add_parser("read", help="print one weight as '<value> <unit> <stable|moving>'")
    r.add_argument("--port", required=True, help="a serial port (/dev/serial/by-id/..., /dev/ttyUSB0) or a serial "
                   "device server (socket://host:port, rfc2217://host:port)")
    # Checked by the driver, which owns the protocol names (a wrong one is named with the choices, exit 2): the
    # names are not imported here so that the CLI starts without loading the scale drivers.
    r.add_argument("--protocol", required=True, help="the protocol the scale speaks (see docs/devices.md)")
    r.add_argument("--stable", action="store_true", help="wait for a settled weight")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds to wait with --stable (default 10)")
    return {"scale": run}


def run(args) -> int:
    from drivers.scale import ScaleError, read_once

    if args.timeout <= 0:
        print("jobfloor: --timeout must be above zero", file=sys.stderr)
        return 2
    try:
        reading = read_once(args.port, args.protocol, stable=args.stable, timeout=args.timeout)
    except ScaleError as exc:
        print(f"jobfloor: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"jobfloor: {exc}", file=sys.stderr)
        return 2
    print(reading.text())
    return 0

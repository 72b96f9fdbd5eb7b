"""`jobfloor lot hold|release-hold|held`: stop a lot wherever it is, and let it go again with a reason."""
from __future__ import annotations

import json


def register(sub) -> dict:
    s = sub.add_parser("lot", help="lot holds: hold a lot, release its hold, list the lots on hold")
    ls = s.add_subparsers(dest="lot_command", required=True, metavar="ACTION")
    h = ls.add_parser("hold", help="put every unit of a lot on hold (supervisor or admin)")
    h.add_argument("lot", metavar="LOT", help="a lot code; a TrackID or a pallet SSCC finds its lot")
    h.add_argument("--item", help="the item, when the lot code is used by more than one item")
    h.add_argument("--user", help="your user code")
    r = ls.add_parser("release-hold", help="release a lot's hold: its units go back to what they were "
                                           "(supervisor or admin)")
    r.add_argument("lot", metavar="LOT", help="a lot code; a TrackID or a pallet SSCC finds its lot")
    r.add_argument("--item", help="the item, when the lot code is used by more than one item")
    r.add_argument("--reason", required=True, help="why, for the audit trail")
    r.add_argument("--user", help="your user code")
    k = ls.add_parser("held", help="the lots with stock on hold")
    k.add_argument("--json", action="store_true")
    return {"lot": run}


def run(args) -> int:
    return {"hold": _hold, "release-hold": _release, "held": _held}[args.lot_command](args)


def _hold(args) -> int:
    from core.trace.holds import hold_lot

    print(hold_lot(args.actor, args.lot, args.item).text())
    return 0


def _release(args) -> int:
    from core.trace.holds import release_hold

    print(release_hold(args.actor, args.lot, args.item, args.reason).text())
    return 0


def _held(args) -> int:
    from core.qty import fmt_qty, fmt_short
    from core.trace.holds import held_lots

    lots = held_lots()
    if args.json:
        print(json.dumps([{"item": h.item, "lot": h.lot, "units": h.units, "qty": fmt_qty(h.qty), "uom": h.uom}
                          for h in lots], indent=1))
        return 0
    for h in lots:
        print(f"{h.item:<16} {h.lot:<14} {h.units:>3} unit(s) {fmt_short(h.qty):>10} {h.uom}")
    print(f"{len(lots)} lot(s) on hold")
    return 0

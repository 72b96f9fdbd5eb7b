"""The site's own commands: `init`, `import`, `stock`, `postings export` (docs/interchange.md)."""
from __future__ import annotations

import json
import sys

from core.cli.errors import EXIT_BAD, EXIT_OK


def register(sub) -> dict:
    s = sub.add_parser("init", help="create or upgrade the schema")
    s.add_argument("--demo", action="store_true", help="also load the demo site from fixtures/")
    s.add_argument("--if-new", action="store_true", help="load the demo only into a database that had no schema")
    s.add_argument("--user", help="an admin's code: needed only to load the demo into a site that has users")

    s = sub.add_parser("import", help="import an ERP file (atomic)")
    s.add_argument("kind", choices=("items", "locations", "stock", "jobs"))
    s.add_argument("file")

    s = sub.add_parser("stock", help="stock units with on-hand and reserved quantities")
    s.add_argument("--item")
    s.add_argument("--track-id")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("postings", help="ERP postings")
    ps = s.add_subparsers(dest="postings_command", required=True, metavar="ACTION")
    e = ps.add_parser("export", help="write each pending posting as DIR/<key>.xml, exactly once")
    e.add_argument("dir")

    return {"init": cmd_init, "import": cmd_import, "stock": cmd_stock, "postings": cmd_postings}


def cmd_init(args) -> int:
    import time

    from core.data.schema import init_schema

    t0 = time.perf_counter()
    _demo_into_a_live_site_needs_an_admin(args)
    before, after = init_schema()
    msg = "created" if before is None else ("upgraded from version %d" % before if before != after else "up to date")
    print(f"schema {msg} (version {after})")
    if args.demo and not (args.if_new and before is not None):
        from core.erp.demo import load_demo

        for line in load_demo():
            print(line)
    print(f"done in {time.perf_counter() - t0:.2f} s")
    return EXIT_OK


def _demo_into_a_live_site_needs_an_admin(args) -> None:
    """Creating or upgrading the schema is the database owner's (there may be no users yet); writing the demo's
    items, stock and jobs into a site people already use is an admin's decision, authenticated and audited."""
    from core.data.schema import current_version

    if not args.demo or current_version() is None or args.if_new:
        return
    from core.cli.credentials import authenticate
    from core.data.models import User
    from core.site.audit import record
    from core.site.auth import require

    if not User.select().where(User.active == True).exists():  # noqa: E712
        return
    actor = authenticate(args.user, args.station)
    require(actor, "users.edit")
    from core.data.db import write_txn

    with write_txn():
        record(actor, "cli", "init --demo", note="demo site loaded into a site with users")


def cmd_import(args) -> int:
    from core.cli.progress import progress_line
    from core.erp.imports import ImportFileError, run_import

    progress = progress_line(f"import {args.kind}")
    try:
        result = run_import(args.kind, args.file, progress=progress)
    except ImportFileError as exc:
        if progress:
            progress.close()
        print("jobfloor: " + str(exc), file=sys.stderr)
        for line in exc.lines()[1:20]:
            print("  " + line, file=sys.stderr)
        return EXIT_BAD
    if progress:
        progress.close()
    print(result.summary())
    return EXIT_OK


def cmd_stock(args) -> int:
    from core.qty import fmt_qty
    from core.stock.inquiry import list_units

    rows = list_units(item=args.item, track_id=args.track_id)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=1))
        return EXIT_OK
    print(f"{'TrackID':<12} {'Item':<16} {'Lot':<12} {'Location':<10} {'On hand':>11} {'Reserved':>11} Status")
    for r in rows:
        print(f"{r.track_id:<12} {r.item:<16} {r.lot or '':<12} {r.location:<10} {fmt_qty(r.on_hand):>11} "
              f"{fmt_qty(r.reserved):>11} {r.status}")
    print(f"{len(rows)} unit(s)")
    return EXIT_OK


def cmd_postings(args) -> int:
    from core.erp.postings import export_pending

    written = export_pending(args.dir)
    print(f"{len(written)} posting(s) written to {args.dir}")
    return EXIT_OK

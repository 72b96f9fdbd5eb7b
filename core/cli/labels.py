"""`jobfloor labels print|send|again|seen|void|ledger|queue`: job labels from the command line, through the print
queue.

`print` stores a new set first and then sends it, so a printer that cannot be reached leaves the labels queued
(exit 1, and `labels send` sends them later) instead of losing them.
"""
from __future__ import annotations

import json
import sys

from core.labels.kinds import JOB_KINDS
from core.labels.sizes import DEFAULT_SIZES
from drivers.printer.facts import ADDRESS_FORMS, DEFAULT_QL_MODEL, LANGUAGE_NAMES, LANGUAGES, QL


def register(sub) -> dict:
    s = sub.add_parser("labels", help="job labels and the print queue")
    ls = s.add_subparsers(dest="labels_command", required=True, metavar="ACTION")

    p = ls.add_parser("print", help="print a new set of a job's labels (exit 1 if they stay queued)",
                      description="Store a new set of the job's labels (new pallets get new SSCCs), then send it. "
                                  "A printer that cannot be reached leaves the labels in the print queue: exit 1.")
    p.add_argument("job", metavar="JOB")
    p.add_argument("--printer", required=True, metavar="URL", help=ADDRESS_FORMS + " (raw printer bytes to a file)")
    p.add_argument("--language", choices=LANGUAGES, default=QL,
                   help=" or ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items()) + f" ({QL})")
    p.add_argument("--model", help=f"Brother QL model, e.g. QL-1100 (default {DEFAULT_QL_MODEL}); a Zebra's model "
                                   "with -300dpi at the end for a 300 dpi printer (203 dpi otherwise)")
    defaults = ", ".join(f"{kind} {DEFAULT_SIZES[kind]}" for kind in JOB_KINDS)
    p.add_argument("--label", metavar="SIZE",
                   help=f"the labels loaded, e.g. 62, 102, 102x152: every kind goes on it (default: {defaults})")
    p.add_argument("--kind", action="append", choices=JOB_KINDS,
                   help=f"{', '.join(JOB_KINDS)}; repeat for more (default all)")
    p.add_argument("--user", help="acting user code")
    p.add_argument("--json", action="store_true")

    p = ls.add_parser("send", help="send the labels waiting in the print queue (exit 1 if some stay queued)")
    p.add_argument("--printer", metavar="URL", help="only this printer's labels")
    p.add_argument("--all", action="store_true", help="also those waiting for their next try (the printer is back)")
    p.add_argument("--watch", action="store_true", help="keep sending every few seconds until stopped (Ctrl-C)")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between rounds with --watch (5)")

    p = ls.add_parser("again", help="print again exactly the job's UNCONFIRMED labels, with their SSCCs",
                      description="Labels sent without the printer's proof are UNCONFIRMED. Look at the printer: if "
                                  "they are not there, this sends exactly those labels again (the same labels, the "
                                  "same SSCCs). Exit 1 if some are still not proven printed.")
    p.add_argument("job", metavar="JOB")
    p.add_argument("--user", required=True, help="acting user code")
    p = ls.add_parser("seen", help="the job's UNCONFIRMED labels did come out: count them printed",
                      description="When a person has checked the printer's output and the unconfirmed labels are "
                                  "there, they count as printed on that person's word (audited).")
    p.add_argument("job", metavar="JOB")
    p.add_argument("--user", required=True, help="acting user code")
    p = ls.add_parser("void", help="take labels out of circulation (supervisor), by label number",
                      description="Voids exactly the labels named (the numbers `labels queue` and the Labels screen "
                                  "show): a reprint and its original are two labels.")
    p.add_argument("ids", metavar="ID", nargs="+", type=int)
    p.add_argument("--reason", default="", help="why, for the audit trail")
    p.add_argument("--user", required=True, help="acting user code")

    p = ls.add_parser("ledger", help="a job's labels per kind: printed, reprinted, voided, live, unconfirmed, "
                                     "queued, failed",
                      description="Every label of the job counted once per kind. printed + reprint = void + live; "
                                  "unconf (sent without proof), queued, failed and cancel (voided before it "
                                  "printed) are the rest.")
    p.add_argument("job", metavar="JOB")
    p.add_argument("--json", action="store_true")

    p = ls.add_parser("queue", help="labels waiting for a printer or failed, with their error and next try")
    p.add_argument("--printer", metavar="URL")
    p.add_argument("--job")
    p.add_argument("--json", action="store_true")
    return {"labels": run}


def run(args) -> int:
    handlers = {"print": _print, "send": _send, "again": _again, "seen": _seen, "void": _void, "ledger": _ledger,
                "queue": _queue}
    return handlers[args.labels_command](args)


def _print(args) -> int:
    from core.errors import UserInputError
    from core.labels.sets import print_job_labels

    actor = args.actor
    try:
        result = print_job_labels(actor, args.job, args.printer, args.language, args.model, args.label,
                                  args.kind or JOB_KINDS)
    except UserInputError as exc:
        if args.language == QL and not args.model and DEFAULT_QL_MODEL in str(exc):
            raise UserInputError(f"{exc} (No --model was given, so a {DEFAULT_QL_MODEL} was assumed: name the "
                                 "printer's model, or print the pallet labels separately.)") from None
        raise
    sent = result.sent
    if args.json:
        print(json.dumps({"job": result.job, "lot": result.lot, "set": result.set_no, "counts": result.counts,
                          "ids": [result.ids[0], result.ids[-1]] if result.ids else [],
                          "ssccs": result.ssccs, "printed": sent.printed, "unconfirmed": sent.unconfirmed,
                          "queued": sent.queued, "failed": sent.failed, "errors": sent.errors}, indent=1))
    else:
        print(result.text())
    if result.all_printed:
        return 0
    if sent.queued:
        print(f"jobfloor: {sent.queued} of {result.total} label(s) are stored in the print queue and were not "
              f"printed: {sent.errors[0] if sent.errors else 'the printer was busy'}. `jobfloor labels send` "
              "sends them when the printer is back.", file=sys.stderr)
    if sent.unconfirmed:
        print(f"jobfloor: {sent.unconfirmed} label(s) were sent but not proven printed (UNCONFIRMED): check the "
              f"printer, then `jobfloor labels again {result.job}` prints exactly those again, or `jobfloor labels "
              f"seen {result.job}` if they came out.", file=sys.stderr)
    if sent.failed:
        print(f"jobfloor: {sent.failed} label(s) cannot print as stored; a supervisor reprints or voids them on the "
              "Labels screen.", file=sys.stderr)
    return 1


def _again(args) -> int:
    from core.labels.reprints import print_unconfirmed_again

    result = print_unconfirmed_again(args.actor, args.job)
    print(f"{len(result.ids)} unconfirmed label(s) of job {args.job} sent again.\n{result.sent.text()}")
    if result.sent.unconfirmed:
        print(f"jobfloor: {result.sent.unconfirmed} label(s) are still not proven printed: check the printer, then "
              f"`jobfloor labels seen {args.job}` if they came out.", file=sys.stderr)
    return 0 if result.sent.ok else 1


def _seen(args) -> int:
    from core.labels.reprints import confirm_printed

    ids = confirm_printed(args.actor, args.job)
    print(f"{len(ids)} label(s) of job {args.job} counted printed: seen at the printer by {args.user}.")
    return 0


def _void(args) -> int:
    from core.labels.reprints import void

    ids = void(args.actor, args.ids, args.reason)
    print(f"{len(ids)} label(s) voided: {', '.join(map(str, ids))}.")
    return 0


def _send(args) -> int:
    from core.labels.sender import send_pending

    if args.interval <= 0:
        print("jobfloor: --interval must be above zero", file=sys.stderr)
        return 2
    if not args.watch:
        report = send_pending(printer_url=args.printer, force=args.all)
        print(report.text())
        return 0 if report.ok else 1
    import threading

    from core.labels.sender import run as run_loop

    stop = threading.Event()
    print(f"sending the print queue every {args.interval:g} s; Ctrl-C stops", flush=True)
    try:
        run_loop(stop, args.interval, on_report=lambda r: print(r.text(), flush=True), printer_url=args.printer)
    except KeyboardInterrupt:
        stop.set()
    return 0


def _ledger(args) -> int:
    from core.labels.ledger import ledger

    book = ledger(args.job)
    if args.json:
        print(json.dumps(book.as_json(), indent=1))
        return 0
    print(f"job {book.job} lot {book.lot or '-'}: " + ("reconciled: every label printed or voided"
                                                      if book.reconciled else
                                                      "labels still owed to a printer or unconfirmed"))
    for line in book.lines():
        print("  " + line)
    return 0


def _queue(args) -> int:
    from core.labels.queue import queue

    rows = queue(printer_url=args.printer, job=args.job)
    if args.json:
        print(json.dumps([{"id": r.id, "job": r.job, "kind": r.kind, "seq": r.seq, "of": r.of, "state": r.state,
                           "attempts": r.attempts, "reprint": r.reprint, "sscc": r.sscc, "track_id": r.track_id,
                           "printer": r.printer_url,
                           "next_try_at": r.next_try_at.isoformat() if r.next_try_at else None,
                           "error": r.last_error} for r in rows], indent=1))
        return 0
    for r in rows:
        when = f" next try {r.next_try_at:%H:%M:%S}" if r.next_try_at and r.state == "QUEUED" else ""
        print(f"{r.id:>7} {r.job or '-':<16} {r.name:<16} {r.state:<8} tries {r.attempts}{when}  "
              f"{r.last_error or ''}")
    print(f"{len(rows)} label(s) waiting or failed")
    return 0

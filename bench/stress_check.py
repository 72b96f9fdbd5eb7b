"""The books after a stress or crash run: each invariant, whether it held, and the rows that break it.

Everything is read back from the database the run used; nothing here trusts what the workers said except the
ack files, which are exactly what is being checked (a pick a screen showed as done must be in the ledger).
"""
from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

#: Movements that must each have exactly one ERP posting, and the posting kind (key prefix) they get.
#: ISSUE and RETURN post on their positive row (into WIP, back to store); a whole container's move out of the
#: store and a return's move out of WIP are the other half of the same event and do not post again.
POSTING_KIND = {"ISSUE": "PICK", "RETURN": "RETURN", "CONSUME": "KIT"}

#: The audit action each kind of movement is written with, by the service that writes it.
AUDIT_ACTION = {"OPENING": "import.stock", "PICK": "pick", "ISSUE": "pick", "RETURN": "return",
                "TRANSFER": "kit.replenish", "COUNT": "kit.count", "RECEIPT": "job.complete",
                "CONSUME": "job.complete"}
#: A movement and its audit event are written in one transaction: the event comes after, within this.
AUDIT_WINDOW = dt.timedelta(minutes=2)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    examples: list = field(default_factory=list)

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        more = f": {self.detail}" if self.detail else ""
        ex = f"  e.g. {self.examples[:3]}" if self.examples and not self.ok else ""
        return f"  [{mark}] {self.name}{more}{ex}"


def _when(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def check_ledger() -> Check:
    from core.stock.ledger import ledger_mismatches

    bad = ledger_mismatches()
    return Check("every unit's on-hand equals the sum of its ledger", not bad, f"{len(bad)} unit(s) differ",
                 bad)


def check_balances() -> list[Check]:
    from peewee import fn

    from core.data.models import JobLine, Reservation, StockUnit

    units = list(StockUnit.select(StockUnit.track_id, StockUnit.on_hand, StockUnit.reserved).tuples())
    negative = [u for u in units if u[1] < 0 or u[2] < 0]
    over = [u for u in units if u[2] > u[1]]
    held = dict(Reservation.select(Reservation.unit, fn.SUM(Reservation.qty)).group_by(Reservation.unit).tuples())
    differ = [(t, r, int(held.get(t) or 0)) for t, _o, r in units if r != int(held.get(t) or 0)]
    not_positive = list(Reservation.select(Reservation.id, Reservation.qty).where(Reservation.qty <= 0).tuples())
    per_line = dict(Reservation.select(Reservation.job_line, fn.SUM(Reservation.qty))
                    .group_by(Reservation.job_line).tuples())
    lines = list(JobLine.select(JobLine.id, JobLine.job, JobLine.line, JobLine.allocated).tuples())
    line_differ = [(j, n, a, int(per_line.get(i) or 0)) for i, j, n, a in lines if a != int(per_line.get(i) or 0)]
    return [
        Check("no negative stock or reservation", not negative, f"{len(negative)} unit(s)", negative),
        Check("nothing reserved beyond on-hand", not over, f"{len(over)} unit(s)", over),
        Check("each unit's reserved equals the sum of its reservations", not differ,
              f"{len(differ)} unit(s) differ (track_id, reserved, reservations)", differ),
        Check("every reservation is for more than nothing", not not_positive, f"{len(not_positive)} row(s)",
              not_positive),
        Check("each job line's allocated equals the sum of its reservations", not line_differ,
              f"{len(line_differ)} line(s) differ (job, line, allocated, reservations)", line_differ),
    ]


def _posting_movements() -> dict[int, tuple]:
    """id -> (kind, qty, job, line) of every movement that must post."""
    from core.data.models import Location, Movement

    kit_bins = {code for (code,) in Location.select(Location.code).where(Location.zone == "KITBIN").tuples()}
    out = {}
    for mid, kind, qty, job, line, loc in (Movement.select(Movement.id, Movement.kind, Movement.qty, Movement.job,
                                                           Movement.line, Movement.location)
                                           .where(Movement.kind.in_(list(POSTING_KIND))).tuples()):
        if kind == "CONSUME" and loc not in kit_bins:
            continue  # a completed job using up what it holds in WIP: posted when it was issued
        if kind in ("ISSUE", "RETURN") and qty <= 0:
            continue
        out[mid] = (kind, qty, job, line)
    return out


def check_postings() -> list[Check]:
    from core.data.models import Posting

    must = _posting_movements()
    postings = list(Posting.select(Posting.key, Posting.movement, Posting.qty, Posting.job, Posting.line).tuples())
    by_movement = defaultdict(list)
    for key, mid, qty, job, line in postings:
        by_movement[mid].append((key, qty, job, line))
    missing = [mid for mid in must if mid not in by_movement]
    twice = [(mid, [p[0] for p in ps]) for mid, ps in by_movement.items() if len(ps) > 1]
    orphans = [ps[0][0] for mid, ps in by_movement.items() if mid not in must]
    wrong = []
    for mid, ps in by_movement.items():
        if mid not in must:
            continue
        kind, qty, job, line = must[mid]
        expect = -qty if kind in ("RETURN", "CONSUME") else qty
        for key, pqty, pjob, pline in ps:
            if not key.startswith(POSTING_KIND[kind] + "-") or pqty != expect or pjob != job or pline != line:
                wrong.append((key, kind, qty, pqty))
    return [
        Check("every movement that posts (ISSUE, RETURN, kit CONSUME) has a posting", not missing,
              f"{len(must)} movement(s), {len(missing)} without", missing),
        Check("no movement has two postings", not twice, f"{len(twice)} movement(s)", twice),
        Check("no posting without its movement", not orphans, f"{len(postings)} posting(s), {len(orphans)} orphan(s)",
              orphans),
        Check("each posting says what its movement did (kind, job, line, signed quantity)", not wrong,
              f"{len(wrong)} posting(s)", wrong),
    ]


def check_net_issue() -> Check:
    """Each job line's `issued` is its ledger: issued into WIP, less returned, plus what it drew from kit bins."""
    from core.data.models import JobLine

    net = defaultdict(int)
    for (job, line), qty in _ledger_issue().items():
        net[(job, line)] += qty
    bad = []
    for job, line, issued in JobLine.select(JobLine.job, JobLine.line, JobLine.issued).tuples():
        if issued != net.get((job, line), 0):
            bad.append((job, line, issued, net.get((job, line), 0)))
    return Check("each job line's net issue equals its ledger (issues - returns + kit draws)", not bad,
                 f"{len(bad)} line(s) differ", bad)


def _ledger_issue() -> dict:
    must = _posting_movements()
    out = defaultdict(int)
    for mid, (kind, qty, job, line) in must.items():
        out[(job, line)] += qty if kind == "ISSUE" else -qty
    return out


def read_jsonl(path: Path) -> list[dict]:
    out = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # a line cut short by a kill: it was never acknowledged
    return out


def check_acks(log_dir: Path) -> list[Check]:
    """Every pick and return a worker was told was done is in the ledger, once."""
    from peewee import fn

    from core.data.models import AuditEvent, Movement, Posting

    acks = [a for f in sorted(log_dir.glob("acks-*.jsonl")) for a in read_jsonl(f) if a.get("posting")]
    keys = {a["posting"] for a in acks}
    found = dict(Posting.select(Posting.key, Posting.movement).where(Posting.key.in_(list(keys))).tuples()) \
        if keys else {}
    missing = sorted(keys - set(found))
    moves = {m for (m,) in Movement.select(Movement.id).where(Movement.id.in_(list(found.values()))).tuples()} \
        if found else set()
    no_move = sorted(k for k, m in found.items() if m not in moves)
    rids = [a["rid"] for a in acks]
    answered = defaultdict(set)
    for a in acks:
        answered[a["rid"]].add(a["posting"])
    two_answers = [(r, sorted(p)) for r, p in answered.items() if len(p) > 1]
    twice = list(AuditEvent.select(AuditEvent.subject).where(AuditEvent.action.in_(["pick", "return"]))
                 .group_by(AuditEvent.subject, AuditEvent.action).having(fn.COUNT(AuditEvent.id) > 1)
                 .tuples())
    twice = [s for (s,) in twice if len(s) == 32]  # request ids; job/line subjects repeat by design
    picks = sum(1 for a in acks if a["op"] == "pick")
    return [
        Check("every acknowledged pick and return is in the ledger", not missing and not no_move,
              f"{picks} pick ack(s), {len(acks) - picks} return ack(s), {len(missing) + len(no_move)} missing",
              missing + no_move),
        Check("no request was carried out twice (request ids)", not twice and not two_answers,
              f"{len(set(rids))} request id(s) acknowledged", twice + two_answers),
    ]


def check_audit() -> Check:
    """Every movement has an audit event from the same operation: same user and station, the action its
    service records, naming the unit (or job, or bin) it moved, written in the same transaction just after."""
    from core.data.models import AuditEvent, Movement

    events = defaultdict(list)  # (action, user, station, key) -> [at...]
    for action, user, station, subject, detail, at in AuditEvent.select(
            AuditEvent.action, AuditEvent.user, AuditEvent.station, AuditEvent.subject, AuditEvent.detail,
            AuditEvent.at).where(AuditEvent.action.in_(sorted(set(AUDIT_ACTION.values())))).tuples():
        d = json.loads(detail or "{}")
        for key in _event_keys(action, subject, d):
            events[(action, user, station, key)].append(_when(at))
    for times in events.values():
        times.sort()
    bad = []
    n = 0
    for mid, kind, unit, job, location, user, station, at in Movement.select(
            Movement.id, Movement.kind, Movement.unit, Movement.job, Movement.location, Movement.user,
            Movement.station, Movement.at).tuples():
        n += 1
        action = AUDIT_ACTION.get(kind)
        key = {"OPENING": "*", "COUNT": location, "RECEIPT": job, "CONSUME": job}.get(kind, unit)
        times = events.get((action, user, station, key), [])
        at = _when(at)
        k = bisect_left(times, at)
        if action is None or k == len(times) or times[k] - at > AUDIT_WINDOW:
            bad.append((mid, kind, unit, user))
    return Check("every movement has its audit event (same operation, user, station)", not bad,
                 f"{n} movement(s), {len(bad)} without", bad)


def _event_keys(action: str, subject: str, d: dict) -> list[str]:
    if action == "import.stock":
        return ["*"]
    if action == "pick":
        return [d.get("source"), d.get("portion")]
    if action == "return":
        return [d.get("track_id")]
    if action == "kit.replenish":
        return [d.get("source"), d.get("unit")]
    if action in ("kit.count", "job.complete"):
        return [subject]
    return []


def check_print_queue(crash: bool) -> list[Check]:
    """Every pick and return queued its TrackID label, and after the final send every label row is printed on
    proof or flagged unconfirmed with the reason (a sender killed mid-send, a printer that gave no proof): none
    vanished, none waits silently, none is counted printed on faith."""
    from core.data.models import AuditEvent, LabelJob

    labelled = {t for (t,) in LabelJob.select(LabelJob.track_id).where(LabelJob.kind == "trackid").tuples()}
    needs = set()
    for action, detail in AuditEvent.select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.action.in_(["pick", "return"])).tuples():
        d = json.loads(detail)
        needs.add(d.get("portion") if action == "pick" else d.get("track_id"))
    missing = sorted(needs - labelled)
    states = defaultdict(int)
    odd = []
    for lid, state, error in LabelJob.select(LabelJob.id, LabelJob.state, LabelJob.last_error).tuples():
        states[state] += 1
        if state in ("PRINTED", "VOID") or (state == "UNCONFIRMED" and error):
            # printed on proof; voided by a supervisor; or flagged for a person: sent without proof (a sender
            # killed mid-send leaves INTERRUPTED), never counted printed
            continue
        odd.append((lid, state, (error or "")[:60]))
    return [
        Check("every pick and return queued its TrackID label", not missing,
              f"{len(needs)} unit(s) to label, {len(missing)} without a label row", missing),
        Check("every label printed on proof or voided by a supervisor, or flagged unconfirmed", not odd,
              ", ".join(f"{n} {s}" for s, n in sorted(states.items())), odd),
    ]


def check_integrity() -> Check:
    from core.data.db import db, is_postgres

    if is_postgres():
        return Check("database integrity (PostgreSQL: constraints hold by construction)", True)
    result = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
    return Check("SQLite integrity_check", result == ["ok"], ", ".join(result[:3]), result)


def check_all(log_dir: Path | None = None, crash: bool = False, labels: bool = True) -> list[Check]:
    checks = [check_integrity(), check_ledger(), *check_balances(), *check_postings(), check_net_issue(),
              check_audit()]
    if log_dir is not None:
        checks += check_acks(log_dir)
    if labels:
        checks += check_print_queue(crash)
    return checks


def check_export(directory: Path) -> list[Check]:
    """After `postings export`: each posting exported once, as its two files with their documents, nothing else."""
    from core.data.models import Posting
    from core.erp.postings import SiteParameters, documents

    site = SiteParameters.from_settings()
    files = {p.name: p for p in directory.iterdir()} if directory.exists() else {}
    stray = sorted(n for n in files if not n.endswith(".xml") or n.startswith("."))
    pending, wrong, no_file = [], [], []
    postings = list(Posting.select())
    known = set()
    for p in postings:
        docs = documents(p, site)
        known.update(docs)
        if p.exported_at is None:
            pending.append(p.key)
        present = [name for name in docs if name in files]
        if len(present) < len(docs):
            if p.exported_at is not None:
                no_file.append(p.key)
            if not present:
                continue
        if any(files[name].read_bytes() != data for name, data in docs.items() if name in files):
            wrong.append(p.key)
    unknown = sorted(n for n in files if n.endswith(".xml") and not n.startswith(".") and n not in known)
    return [
        Check("every posting exported (marked and written)", not pending,
              f"{len(postings)} posting(s), {len(pending)} still pending", pending),
        Check("no posting marked exported without both its files", not no_file, f"{len(no_file)}", no_file),
        Check("each file holds exactly its posting's document", not wrong, f"{len(wrong)} differ", wrong),
        Check("no temporary or unknown file left in the export folder", not stray and not unknown,
              f"{len(stray)} temporary, {len(unknown)} unknown", stray + unknown),
    ]

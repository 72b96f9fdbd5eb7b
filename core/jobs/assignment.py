"""Who picks which job: a supervisor or a planner assigns released jobs to a picker, a team or a station; a picker
takes one.

Taking is a single conditional UPDATE, so of two pickers pressing at the same moment exactly one gets the job.
An assignment binds: a pick is refused, inside its own transaction, when the job is someone else's
(core.jobs.picking reads the assignee with the line it locks), and `is_mine` is the one rule of whose a job is.
"""
from __future__ import annotations

from core.clock import utcnow
from core.data.db import write_txn
from core.data.models import AuditEvent, Job, Station, User
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require

KINDS = ("user", "team", "station")


def is_mine(kind: str | None, name: str | None, user: str | None, team: str | None, station: str | None) -> bool:
    """A job may be worked by this picker: it is free, theirs, their team's or their station's."""
    if not name:
        return True
    return (kind or "user", name) in {("user", user), ("team", team), ("station", station)}


def holder(kind: str | None, name: str) -> str:
    """Who has a job, in floor words: 'PK2', 'team DOUGH', 'station PICK-2'."""
    return name if (kind or "user") == "user" else f"{kind} {name}"


def not_yours(job: str, kind: str | None, name: str) -> str:
    """The sentence a picker gets for a job that is someone else's."""
    return f"job {job} is assigned to {holder(kind, name)}: nothing was booked. Choose another job"


def still_yours(actor: Actor, job: str) -> str | None:
    """None while `actor` may go on picking `job`; else the sentence that says why not (whose it is now, or that
    it is no longer released)."""
    row = Job.get_or_none(Job.job == job)
    if row is None or row.state != "RELEASED":
        state = "gone" if row is None else row.state.lower()
        return f"job {job} is {state}: nothing more to pick on it"
    team = User.select(User.team).where(User.code == actor.user).scalar()
    if is_mine(row.assignee_kind, row.assignee, actor.user, team, actor.station):
        return None
    by = (AuditEvent.select(AuditEvent.user).where((AuditEvent.subject == job) & (AuditEvent.action == "job.assign"))
          .order_by(AuditEvent.id.desc()).scalar())
    return (f"Job {job} was assigned to {holder(row.assignee_kind, row.assignee)}"
            + (f" by {by}" if by else "") + ": it is theirs now. Nothing more is booked to you on it; "
            "put back anything poured and not confirmed.")


def parse_target(text: str) -> tuple[str, str]:
    """'PK1', 'user:PK1', 'team:DOUGH' or 'station:PICK-1'."""
    kind, _, name = (text or "").strip().rpartition(":")
    kind = kind or "user"
    if kind not in KINDS or not name:
        raise UserInputError(f"assign to a user code, team:NAME or station:CODE, not '{text}'")
    return kind, name


def assign(actor: Actor, job: str, target: str | None) -> None:
    """Assign (or, with target None, free) a released job."""
    require(actor, "jobs.assign")
    with write_txn():
        row = Job.get_or_none(Job.job == job)
        if row is None:
            raise NotFound(f"job {job} is not imported: check the job number")
        if row.state != "RELEASED":
            raise BusinessRefusal(f"job {job} is {row.state.lower()}: only released jobs are assigned, so release "
                                  "it first" if row.state == "IMPORTED" else
                                  f"job {job} is {row.state.lower()}: only released jobs are assigned")
        if target is None:
            Job.update(assignee=None, assignee_kind=None, assigned_at=None).where(Job.job == job).execute()
            record(actor, "job.unassign", job)
            return
        kind, name = parse_target(target)
        if kind == "user" and not User.get_or_none((User.code == name) & (User.active == True)):  # noqa: E712
            raise NotFound(f"user {name} is not known: check the user code")
        if kind == "station" and not Station.get_or_none(Station.code == name):
            raise NotFound(f"station {name} is not set up: check the station code")
        Job.update(assignee=name, assignee_kind=kind, assigned_at=utcnow()).where(Job.job == job).execute()
        record(actor, "job.assign", job, kind=kind, to=name, before=row.assignee)


def take(actor: Actor, job: str) -> None:
    """A picker takes a free job (or one assigned to their team or station) for themself."""
    require(actor, "pick")
    with write_txn():
        user = User.get_or_none(User.code == actor.user)
        mine = (Job.assignee.is_null()) | ((Job.assignee_kind == "user") & (Job.assignee == actor.user))
        if user is not None and user.team:
            mine |= (Job.assignee_kind == "team") & (Job.assignee == user.team)
        if actor.station:
            mine |= (Job.assignee_kind == "station") & (Job.assignee == actor.station)
        taken = (Job.update(assignee=actor.user, assignee_kind="user", assigned_at=utcnow())
                 .where((Job.job == job) & (Job.state == "RELEASED") & mine).execute())
        if not taken:
            row = Job.get_or_none(Job.job == job)
            if row is None:
                raise NotFound(f"job {job} is not imported")
            if row.state != "RELEASED":
                raise BusinessRefusal(f"job {job} is {row.state.lower()}: nothing to pick")
            raise BusinessRefusal(f"job {job} is already {row.assignee_kind or 'user'} {row.assignee}'s: "
                                  "take another one")
        record(actor, "job.take", job)

"""A job number as a person types it (12345) found as SYSPRO stores it (000000000012345)."""
from __future__ import annotations


def resolve_job(number: str) -> str:
    """The job's number as stored: as typed when such a job exists, else SYSPRO's padded form when that one does.

    A job found neither way is named with both tries, so the message says what was looked for."""
    from core.data.models import Job
    from core.erp.imports.syspro import JOB_DIGITS, padded_job
    from core.errors import NotFound

    typed = (number or "").strip()
    if Job.get_or_none(Job.job == typed) is not None:
        return typed
    padded = padded_job(typed)
    if padded is not None and Job.get_or_none(Job.job == padded) is not None:
        return padded
    tried = f"'{typed}' or '{padded}' (SYSPRO's {JOB_DIGITS}-digit form)" if padded else f"'{typed}'"
    raise NotFound(f"there is no job {tried} on this site: check the number on the works order")


def resolve_job_arguments(args) -> None:
    """Every command's JOB arguments (`job`, `jobs`), found before the command runs."""
    if isinstance(getattr(args, "job", None), str):
        args.job = resolve_job(args.job)
    if isinstance(getattr(args, "jobs", None), list):
        args.jobs = [resolve_job(j) for j in args.jobs]

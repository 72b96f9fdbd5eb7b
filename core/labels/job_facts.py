"""A job's facts as its labels need them, read from the database, and what stops a kind from printing."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.data.models import Job
from core.data.setting_store import setting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.gs1 import keys as gs1
from core.labels.job import JobLabelInfo, LabelContentError
from core.labels.kinds import JOB_KINDS
from core.labels.plan import LabelPlanError, is_bulk, label_plan

PRINTABLE_JOB_STATES = ("RELEASED", "COMPLETED")


def info_for(job: Job) -> JobLabelInfo:
    if job.state not in PRINTABLE_JOB_STATES:
        raise BusinessRefusal(f"job {job.job} is not released yet: its labels carry the output lot, which is fixed "
                              "when the job is released")
    if not job.output_lot:
        raise BusinessRefusal(f"job {job.job} has no output lot: release it again to fix one")
    item = job.item
    return JobLabelInfo(
        job=job.job, item=item.code, description=item.description or job.description, uom=item.uom,
        lot=job.output_lot, gtin=item.gtin, qty_to_make=job.qty_to_make, start_date=job.start_date,
        units_per_carton=job.units_per_carton, cartons_per_pallet=job.cartons_per_pallet,
        shelf_life_days=item.shelf_life_days, bulk=is_bulk(item.uom, item.weighed),
    )


def find_job(code: str) -> Job:
    code = (code or "").strip()
    job = Job.get_or_none(Job.job == code)
    if job is None:
        raise NotFound(f"job {code or '(none)'} is not known: import it from the ERP first")
    return job


def job_info(code: str) -> JobLabelInfo:
    return info_for(find_job(code))


def chosen_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    wanted = [str(k).strip().lower() for k in (kinds or ())]
    unknown = [k for k in wanted if k not in JOB_KINDS]
    if unknown:
        raise UserInputError(f"label kind '{unknown[0]}' is not known: use {', '.join(JOB_KINDS)}")
    if not wanted:
        raise UserInputError(f"choose at least one kind of label: {', '.join(JOB_KINDS)}")
    return tuple(k for k in JOB_KINDS if k in wanted)


def check_plan(info: JobLabelInfo, kinds: tuple[str, ...]) -> None:
    try:
        label_plan(info.qty_to_make, info.units_per_carton, info.cartons_per_pallet, kinds, job=info.job,
                   bulk=info.bulk, uom=info.uom)
        info.gtin14(kinds[0])
    except (LabelPlanError, LabelContentError) as exc:
        raise BusinessRefusal(str(exc)) from None


def counts_for(info: JobLabelInfo) -> dict[str, int | None]:
    """Labels of each kind in one set; None where the job lacks what that kind needs."""
    out: dict[str, int | None] = {}
    for kind in JOB_KINDS:
        try:
            plan = label_plan(info.qty_to_make, info.units_per_carton, info.cartons_per_pallet, (kind,),
                              job=info.job, bulk=info.bulk, uom=info.uom)
            out[kind] = next(iter(plan)).of
        except (LabelPlanError, StopIteration):
            out[kind] = None
    return out


def problems_for(info: JobLabelInfo) -> list[str]:
    """What stops some kinds from printing, in words, for a screen to show before anyone presses print."""
    found = []
    for kind in JOB_KINDS:
        try:
            check_plan(info, (kind,))
        except BusinessRefusal as exc:
            if str(exc) not in found:
                found.append(str(exc))
    return found


def sscc_settings() -> tuple[int, str]:
    ext = (setting("sscc_extension_digit") or "").strip()
    prefix = (setting("gs1_company_prefix") or "").strip()
    try:
        if len(ext) != 1 or not ext.isdigit():
            raise gs1.GS1Error(f"the SSCC extension digit is '{ext}', not one digit 0-9")
        gs1.sscc(int(ext), prefix, 0)
    except gs1.GS1Error as exc:
        raise BusinessRefusal(f"the site's GS1 settings cannot make SSCCs ({exc}): an administrator sets "
                              "gs1_company_prefix and sscc_extension_digit") from None
    return int(ext), prefix


def sample_sscc() -> str:
    """A stand-in for previews: serial 0 of the site's prefix. Real SSCCs are taken only when a set is stored."""
    ext, prefix = sscc_settings()
    return gs1.sscc(ext, prefix, 0)


@dataclass(frozen=True)
class JobSummary:
    job: str
    description: str
    item: str
    lot: str
    qty: int
    uom: str
    start: dt.date
    counts: dict[str, int | None]


def label_jobs() -> list[JobSummary]:
    """Released jobs, the ones whose labels are printed ahead of production, soonest first."""
    out = []
    for job in Job.select().where(Job.state == "RELEASED").order_by(Job.start_date, Job.priority, Job.job):
        try:
            info = info_for(job)
        except BusinessRefusal:
            continue
        out.append(JobSummary(job.job, info.description, info.item, info.lot, info.qty_to_make, info.uom,
                              info.start_date, counts_for(info)))
    return out

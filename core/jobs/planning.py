"""What-if planning for the Release screen: the whole schedule through the kernel, nothing written.

The schedule is loaded once; each re-plan only reorders line arrays and runs the kernel, so a planner sees the
effect of a priority or selection change on every job at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.allocator import rules
from core.allocator.arrays import LineArrays
from core.allocator.loading import LineTable, load_lines, load_units
from core.data.models import Job


@dataclass
class JobInfo:
    job: str
    description: str
    item: str
    priority: int
    start: object
    state: str


@dataclass
class LinePlan:
    line: int
    item: str
    required: int
    covered: int
    reason: str | None


@dataclass
class JobPlan:
    job: str
    selected: bool
    priority: int
    short: list[LinePlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.short


class Schedule:
    """Imported jobs, their lines and the stock they could use, held in arrays for fast re-planning."""

    def __init__(self):
        self.jobs: dict[str, JobInfo] = {
            j.job: JobInfo(j.job, j.description, j.item_id, j.priority, j.start_date, j.state)
            for j in Job.select().where(Job.state == "IMPORTED")
        }
        self.lines: LineTable = load_lines(list(self.jobs))
        self.items = sorted(set(self.lines.item))
        self.units = load_units(self.items)
        index = {code: i for i, code in enumerate(self.items)}
        n = len(self.lines)
        job_order = {code: k for k, code in enumerate(sorted(self.jobs))}  # job as text, for rule 2 ties
        self._job_of_line = np.fromiter((job_order[j] for j in self.lines.job), np.int32, n)
        self._job_codes = sorted(self.jobs)
        self._start = self.lines.start
        self._line_no = self.lines.line
        arrays = self.lines.arrays(index)
        self._item, self._need, self._min_exp, self._mode = arrays.item, arrays.need, arrays.min_expiry, arrays.mode
        self.base_priority = {code: info.priority for code, info in self.jobs.items()}

    def plan(self, priorities: dict[str, int] | None = None, selected: set[str] | None = None) -> dict[str, JobPlan]:
        from core.allocator.kernel import allocate

        prio = dict(self.base_priority, **(priorities or {}))
        chosen = set(self.jobs) if selected is None else set(selected)
        job_prio = np.array([prio[c] for c in self._job_codes], np.int64)
        job_chosen = np.array([c in chosen for c in self._job_codes], bool)
        out = {c: JobPlan(c, c in chosen, prio[c]) for c in self._job_codes}
        if not len(self.lines):
            return out
        mask = job_chosen[self._job_of_line]
        idx = np.nonzero(mask)[0]
        # rules.job_key, then the line: lexsort takes the last key as the primary one
        order = idx[np.lexsort((self._line_no[idx], self._job_of_line[idx], self._start[idx],
                                job_prio[self._job_of_line[idx]]))]
        arrays = LineArrays(item=self._item[order], need=self._need[order], min_expiry=self._min_exp[order],
                            mode=self._mode[order])
        res = allocate(self.units.arrays, arrays)
        short = np.nonzero(res.allocated < arrays.need)[0]
        for k in short.tolist():
            x = self.lines.row(int(order[k]))
            held = x.held + int(res.allocated[k])
            out[x.job].short.append(LinePlan(x.line, x.item, x.qty_reqd, held,
                                             rules.short_reason(int(res.reason[k]), x.qty_reqd, held)))
        return out

    def order(self, priorities: dict[str, int] | None = None) -> list[str]:
        prio = dict(self.base_priority, **(priorities or {}))
        return sorted(self.jobs, key=lambda c: rules.job_key(prio[c], self.jobs[c].start, c))

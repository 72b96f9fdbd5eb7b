"""How far a pick or a return may stray from what was asked: the one home of the tolerance band.

A weighed item may be picked anywhere inside its band (target plus or minus tolerance_pct), because no scale
pours an exact weight; a counted item is picked at most up to its target. Above the target only the container's
free stock may go: the rest is promised to other jobs. A return may weigh up to the tolerance more than the job
holds (the same scale's error), and is booked as at most what the job holds.
"""
from __future__ import annotations

from core.errors import BusinessRefusal
from core.qty import fmt_short


def band(target: int, weighed: bool, tolerance_milli_pct: int) -> tuple[int, int]:
    """Low and high limits (inclusive) around a target, in thousandths; counted items have no band."""
    delta = target * tolerance_milli_pct // 100_000 if weighed else 0
    return max(0, target - delta), target + delta


def pick_band(target: int, weighed: bool, tolerance_milli_pct: int, free_for_line: int) -> tuple[int, int]:
    """The band a picker sees on the gauge: capped above by what the container holds free for this line."""
    low, high = band(target, weighed, tolerance_milli_pct)
    return low, min(high, max(target, free_for_line))


def check_pick(qty: int, target: int, weighed: bool, tolerance_milli_pct: int, uom: str, track_id: str,
               free_for_line: int) -> None:
    """Refuse a pick quantity the rules do not allow, saying what to do."""
    low, high = band(target, weighed, tolerance_milli_pct)
    if weighed and not low <= qty <= high:
        raise BusinessRefusal(f"{fmt_short(qty)} kg is outside the tolerance {fmt_short(low)}-{fmt_short(high)} "
                              "kg: add or take away, then confirm")
    if not weighed and qty > target:
        raise BusinessRefusal(f"{fmt_short(qty)} is more than the {fmt_short(target)} {uom} to pick here")
    if qty > free_for_line:
        raise BusinessRefusal(f"TrackID {track_id} holds only {fmt_short(free_for_line)} {uom} for this job")


def return_limit(issued: int, weighed: bool, tolerance_milli_pct: int) -> int:
    """The most a return may weigh: what the job holds, plus the scale's tolerance for weighed items."""
    return band(issued, weighed, tolerance_milli_pct)[1]

"""The default allocation rules (docs/interchange.md, "Default allocation rules (FEFO)") in plain Python.

Written to be read beside the rules, not to be fast: this is the specification the Numba kernel is tested
against, so every choice here is the rule's wording and the kernel must reproduce it exactly.
Rules 1 and 2 (kit-issue lines dropped, jobs and lines ordered) are the caller's: the lines arrive in order.
"""
from __future__ import annotations

from core.allocator.arrays import (
    MODE_SINGLE_LOT,
    REASON_COVERED,
    REASON_NO_SINGLE_LOT,
    REASON_SHORT,
    AllocationResult,
    LineArrays,
    UnitArrays,
)
from core.allocator.rules import expiry_ok, rank_key


def allocate_reference(units: UnitArrays, lines: LineArrays) -> AllocationResult:
    # Rule 2: earlier lines' reservations reduce what later lines can have, so availability is one running list.
    avail = [int(a) for a in units.avail]
    res_line: list[int] = []
    res_unit: list[int] = []
    res_qty: list[int] = []
    allocated: list[int] = []
    reason: list[int] = []

    # The rank keys never change during a call (only availability does), so each item's units are ranked once.
    ranked_by_item: dict[int, list[int]] = {}
    for u in sorted(range(len(units)), key=lambda u: _rank_key(units, u)):
        ranked_by_item.setdefault(int(units.item[u]), []).append(u)

    for line in range(len(lines)):
        need = int(lines.need[line])
        if need <= 0:
            # Nothing lacking: the line is covered and takes nothing.
            allocated.append(0)
            reason.append(REASON_COVERED)
            continue
        item = int(lines.item[line])
        cut_off = int(lines.min_expiry[line])
        candidates = [
            u for u in ranked_by_item.get(item, []) if _eligible(units, avail, u, cut_off)
        ]
        if lines.mode[line] == MODE_SINGLE_LOT:
            takes = _rule_6_single_lot(units, avail, candidates, need)
        else:
            takes = _rule_5_take_in_rank_order(avail, candidates, need)

        got = 0
        for u, qty in takes:
            avail[u] -= qty
            got += qty
            res_line.append(line)
            res_unit.append(u)
            res_qty.append(qty)
        allocated.append(got)
        if got == need:
            reason.append(REASON_COVERED)
        elif lines.mode[line] == MODE_SINGLE_LOT:
            reason.append(REASON_NO_SINGLE_LOT)
        else:
            reason.append(REASON_SHORT)

    return AllocationResult(res_line, res_unit, res_qty, allocated, reason)


def _eligible(units: UnitArrays, avail: list[int], u: int, cut_off: int) -> bool:
    """Rule 3 (the same item is settled by the caller: candidates come from the line's item)."""
    # The service folds status AVAILABLE and zone STORE into one flag.
    if units.eligible[u] == 0:
        return False
    if avail[u] <= 0:
        return False
    return expiry_ok(int(units.expiry[u]), cut_off)


def _rank_key(units: UnitArrays, u: int) -> tuple:
    """Rule 4; track_rank is the TrackID's rank as text."""
    # track_rank is unique, so the unit index never decides for well-formed input; it pins the order if a caller
    # breaks that promise, and the kernel's stable sort falls back to the same unit order.
    return rank_key(int(units.expiry[u]), bool(units.opened[u]), int(units.received[u]), int(units.pick_seq[u]),
                    int(units.track_rank[u])) + (u,)


def _rule_5_take_in_rank_order(avail: list[int], ranked: list[int], need: int) -> list[tuple[int, int]]:
    """Take units in rank order, each up to its available quantity, until covered; the rest is a shortage."""
    takes = []
    for u in ranked:
        if need == 0:
            break
        qty = min(avail[u], need)
        takes.append((u, qty))
        need -= qty
    return takes


def _rule_6_single_lot(
    units: UnitArrays, avail: list[int], ranked: list[int], need: int
) -> list[tuple[int, int]]:
    """Rank lots by their best eligible unit; fill from the first lot that covers the line, or take nothing."""
    # A dict keeps first insertion order, and units arrive best first: so the lots come out ranked by their
    # best-ranked eligible unit, each with its own eligible units still in rank order.
    lots: dict[int, list[int]] = {}
    for u in ranked:
        lot = int(units.lot[u])
        if lot == -1:
            # A unit without a lot belongs to no lot, so a single-lot line cannot use it.
            continue
        lots.setdefault(lot, []).append(u)

    for lot_units in lots.values():
        if sum(avail[u] for u in lot_units) >= need:
            return _rule_5_take_in_rank_order(avail, lot_units, need)
    return []

"""Numba kernel for the default FEFO allocation rules; result for result equal to `reference.py`.

The only module of the allocator that imports numba (see `core/allocator/__init__.py`).

How it stays fast (about O((units + lines) * small) instead of lines * units):
- Only units that can ever be taken are ranked: eligible flag set, available above zero, and an item some line
  wants. They are bucketed by item with a counting sort, then each item's bucket is sorted by the rank keys
  packed into one (rarely up to four) int64 lanes. A global multi-key sort would cost more than the whole
  allocation.
- Expiry is the first rank key, so the units too early for a line's cut-off are a prefix of its item's bucket:
  a binary search skips them.
- Exhausted units are skipped through a "next unit with stock" pointer array with path halving; units only ever
  lose stock, so a pointer that skipped a unit never has to come back.
- Rule 6 walks the item's units in rank order, meeting each lot at its best eligible unit (so lots come in rank
  order), and asks each lot for its eligible sum. Per lot, units sit in runs of equal expiry; the eligible sum is
  the lot's running total less the runs that expire before the cut-off. A Fenwick tree over the lot units'
  stock gives the eligible total of the lots not met yet, which stops the walk as soon as no lot can cover.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from core.allocator.arrays import (
    MODE_SINGLE_LOT,
    MODE_TAKE,
    NO_EXPIRY,
    REASON_COVERED,
    REASON_NO_SINGLE_LOT,
    REASON_SHORT,
    AllocationResult,
    LineArrays,
    UnitArrays,
)

# Signed lanes keep numba away from uint64/int64 mixing (which it promotes to float).
_LANE_BITS = 63
_N_FIELDS = 5
# Below this a bucket is insertion-sorted: most buckets (one item's units) are this small.
_RUN = 16


@njit(cache=True, nogil=True)
def _bit_length(x):
    b = 0
    while x > 0:
        b += 1
        x >>= 1
    return b


@njit(cache=True, nogil=True)
def _sort_bucket_one_lane(key, perm, key_buf, perm_buf, s, e):
    """Stable merge sort of key[s:e], carrying perm along: the common case, every field in one lane.

    Stable because the bucket starts in unit-index order: equal keys (only possible if a caller repeats a
    track_rank) then keep unit order, as the reference's stable sort does.
    """
    for r0 in range(s, e, _RUN):
        r1 = min(r0 + _RUN, e)
        for i in range(r0 + 1, r1):
            k = key[i]
            x = perm[i]
            j = i - 1
            while j >= r0 and k < key[j]:
                key[j + 1] = key[j]
                perm[j + 1] = perm[j]
                j -= 1
            key[j + 1] = k
            perm[j + 1] = x
    src_k, src_p, dst_k, dst_p = key, perm, key_buf, perm_buf
    in_place = True
    width = _RUN
    while width < e - s:
        for lo in range(s, e, 2 * width):
            mid = min(lo + width, e)
            hi = min(lo + 2 * width, e)
            i = lo
            j = mid
            k = lo
            while i < mid and j < hi:
                if src_k[j] < src_k[i]:
                    dst_k[k] = src_k[j]
                    dst_p[k] = src_p[j]
                    j += 1
                else:
                    dst_k[k] = src_k[i]
                    dst_p[k] = src_p[i]
                    i += 1
                k += 1
            while i < mid:
                dst_k[k] = src_k[i]
                dst_p[k] = src_p[i]
                i += 1
                k += 1
            while j < hi:
                dst_k[k] = src_k[j]
                dst_p[k] = src_p[j]
                j += 1
                k += 1
        src_k, src_p, dst_k, dst_p = dst_k, dst_p, src_k, src_p
        in_place = not in_place
        width *= 2
    if not in_place:
        key[s:e] = src_k[s:e]
        perm[s:e] = src_p[s:e]


@njit(cache=True, nogil=True)
def _less(keys, n_lanes, a, b):
    for lane in range(n_lanes):
        ka = keys[lane, a]
        kb = keys[lane, b]
        if ka != kb:
            return ka < kb
    return False


@njit(cache=True, nogil=True)
def _sort_bucket_lanes(keys, n_lanes, perm, perm_buf, s, e):
    """Stable merge sort of perm[s:e] by keys over several lanes (fields too wide for one)."""
    for r0 in range(s, e, _RUN):
        r1 = min(r0 + _RUN, e)
        for i in range(r0 + 1, r1):
            x = perm[i]
            j = i - 1
            while j >= r0 and _less(keys, n_lanes, x, perm[j]):
                perm[j + 1] = perm[j]
                j -= 1
            perm[j + 1] = x
    src = perm
    dst = perm_buf
    in_place = True
    width = _RUN
    while width < e - s:
        for lo in range(s, e, 2 * width):
            mid = min(lo + width, e)
            hi = min(lo + 2 * width, e)
            i = lo
            j = mid
            k = lo
            while i < mid and j < hi:
                if _less(keys, n_lanes, src[j], src[i]):
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
        src, dst = dst, src
        in_place = not in_place
        width *= 2
    if not in_place:
        perm[s:e] = src[s:e]


@njit(cache=True, nogil=True)
def _rank_units(
    u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible, wanted, no_expiry
):
    """Units that can be taken, bucketed by item and ranked by rule 4 inside each bucket.

    Returns (bucket, unit, expiry, avail, lot): item i's units hold rank positions bucket[i]:bucket[i + 1], and
    the other arrays give, per rank position, the unit index and its expiry, availability and lot.
    """
    n_items = wanted.size
    n = u_item.size
    bucket = np.zeros(n_items + 1, np.int64)
    big = np.int64(2**40)
    e_lo = big
    latest = -big
    any_none = False
    r_lo, r_hi = big, -big
    s_lo, s_hi = big, -big
    t_lo, t_hi = big, -big
    any_opened = False
    any_unopened = False
    m = 0
    for u in range(n):
        it = u_item[u]
        if u_eligible[u] == 0 or u_avail[u] <= 0 or not wanted[it]:
            continue
        bucket[it + 1] += 1
        m += 1
        ex = np.int64(u_expiry[u])
        if ex == no_expiry:
            any_none = True
        else:
            latest = max(latest, ex)
            e_lo = min(e_lo, ex)
        if u_opened[u] != 0:
            any_opened = True
        else:
            any_unopened = True
        r_lo = min(r_lo, np.int64(u_received[u]))
        r_hi = max(r_hi, np.int64(u_received[u]))
        s_lo = min(s_lo, np.int64(u_pick_seq[u]))
        s_hi = max(s_hi, np.int64(u_pick_seq[u]))
        t_lo = min(t_lo, np.int64(u_track_rank[u]))
        t_hi = max(t_hi, np.int64(u_track_rank[u]))
    for i in range(n_items):
        bucket[i + 1] += bucket[i]

    # Expiry is ranked with NO_EXPIRY moved to just after the latest real date, so one far-off sentinel does
    # not widen the field to 31 bits.
    if latest == -big:
        latest = np.int64(0)
    none_rank = latest + 1
    if e_lo == big:
        e_lo = none_rank
    e_hi = none_rank if any_none else latest
    # Pack the fields most significant first into as few 63-bit lanes as their ranges allow.
    width = np.zeros(_N_FIELDS, np.int64)
    if m > 0:
        width[0] = _bit_length(e_hi - e_lo)
        width[1] = 1 if (any_opened and any_unopened) else 0
        width[2] = _bit_length(r_hi - r_lo)
        width[3] = _bit_length(s_hi - s_lo)
        width[4] = _bit_length(t_hi - t_lo)
    lane_of = np.zeros(_N_FIELDS, np.int64)
    end_bit = np.zeros(_N_FIELDS, np.int64)
    lane_bits = np.zeros(_N_FIELDS, np.int64)
    lane = 0
    used = 0
    for f in range(_N_FIELDS):
        if used + width[f] > _LANE_BITS:
            lane += 1
            used = 0
        used += width[f]
        lane_of[f] = lane
        end_bit[f] = used
        lane_bits[lane] = used
    n_lanes = lane + 1
    shift = np.zeros(_N_FIELDS, np.int64)
    for f in range(_N_FIELDS):
        shift[f] = lane_bits[lane_of[f]] - end_bit[f]
    # A field of width 0 is constant: its value is 0 after subtracting its low end, so it adds nothing.
    o_lo = np.int64(0) if any_opened else np.int64(1)

    keys = np.zeros((n_lanes, m), np.int64)
    unit = np.empty(m, np.int32)
    expiry = np.empty(m, np.int32)
    avail = np.empty(m, np.int64)
    lot = np.empty(m, np.int32)
    fill = bucket[:-1].copy()
    for u in range(n):
        it = u_item[u]
        if u_eligible[u] == 0 or u_avail[u] <= 0 or not wanted[it]:
            continue
        p = fill[it]
        fill[it] += 1
        unit[p] = u
        expiry[p] = u_expiry[u]
        avail[p] = u_avail[u]
        lot[p] = u_lot[u]
        ex = np.int64(u_expiry[u])
        keys[lane_of[0], p] |= ((none_rank if ex == no_expiry else ex) - e_lo) << shift[0]
        keys[lane_of[1], p] |= ((np.int64(0) if u_opened[u] != 0 else np.int64(1)) - o_lo) << shift[1]
        keys[lane_of[2], p] |= (np.int64(u_received[u]) - r_lo) << shift[2]
        keys[lane_of[3], p] |= (np.int64(u_pick_seq[u]) - s_lo) << shift[3]
        keys[lane_of[4], p] |= (np.int64(u_track_rank[u]) - t_lo) << shift[4]

    perm = np.arange(m)
    perm_buf = np.empty(m, np.int64)
    if n_lanes == 1:
        key = keys[0]
        key_buf = np.empty(m, np.int64)
        for i in range(n_items):
            if bucket[i + 1] - bucket[i] > 1:
                _sort_bucket_one_lane(key, perm, key_buf, perm_buf, bucket[i], bucket[i + 1])
    else:
        for i in range(n_items):
            if bucket[i + 1] - bucket[i] > 1:
                _sort_bucket_lanes(keys, n_lanes, perm, perm_buf, bucket[i], bucket[i + 1])
    # perm stays inside each bucket, so these gathers stay local.
    s_unit = np.empty(m, np.int32)
    s_expiry = np.empty(m, np.int32)
    s_avail = np.empty(m, np.int64)
    s_lot = np.empty(m, np.int32)
    for p in range(m):
        q = perm[p]
        s_unit[p] = unit[q]
        s_expiry[p] = expiry[q]
        s_avail[p] = avail[q]
        s_lot[p] = lot[q]
    return bucket, s_unit, s_expiry, s_avail, s_lot


@njit(cache=True, nogil=True)
def _find(parent, x):
    """First position at or after x that still has stock (the sentinel at the end has parent itself)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True, nogil=True)
def _lower_bound(values, s, e, x):
    while s < e:
        mid = (s + e) >> 1
        if values[mid] < x:
            s = mid + 1
        else:
            e = mid
    return s


@njit(cache=True, nogil=True)
def _fenwick_add(tree, p, delta):
    i = p + 1
    while i < tree.size:
        tree[i] += delta
        i += i & (-i)


@njit(cache=True, nogil=True)
def _fenwick_prefix(tree, p):
    """Sum of positions [0, p)."""
    total = np.int64(0)
    i = p
    while i > 0:
        total += tree[i]
        i -= i & (-i)
    return total


@njit(cache=True, nogil=True)
def _wanted_items(u_item, l_item, l_need, l_mode, mode_single_lot):
    """Which items some line needs, and which of them some single-lot line needs."""
    n_items = 0
    for u in range(u_item.size):
        n_items = max(n_items, u_item[u] + 1)
    for li in range(l_item.size):
        n_items = max(n_items, l_item[li] + 1)
    wanted = np.zeros(n_items, np.bool_)
    single_lot_item = np.zeros(n_items, np.bool_)
    for li in range(l_item.size):
        if l_need[li] > 0:
            wanted[l_item[li]] = True
            if l_mode[li] == mode_single_lot:
                single_lot_item[l_item[li]] = True
    return wanted, single_lot_item


@njit(cache=True, nogil=True)
def _index_lots(bucket, lot, expiry, avail, single_lot_item):
    """Lot structures for rule 6, built only over the items a single-lot line needs.

    Lot-major order ("lm") lists each lot's units in rank order; a lot index that two items share becomes one
    slot per item. Each slot's units fall into runs of equal expiry (rank order is expiry first), so a slot's
    eligible sum for a cut-off is its total less the runs before the cut-off.
    Returns (lm_of, lm_pos, slot_of, slot_runs, slot_total, run_of, run_start, run_expiry, run_total, tree):
    lm_of[p] is rank position p's lot-major index or -1; tree is a Fenwick tree over rank positions holding the
    stock of lot units (0 elsewhere).
    """
    # Without single-lot items every array comes out empty rather than sized to the units.
    m = avail.size if single_lot_item.size > 0 else 0
    n_items = single_lot_item.size
    n_lm = 0
    max_lot = -1
    for it in range(n_items):
        if single_lot_item[it]:
            for p in range(bucket[it], bucket[it + 1]):
                if lot[p] >= 0:
                    n_lm += 1
                    max_lot = max(max_lot, lot[p])
    lot_start = np.zeros(max_lot + 2, np.int64)
    lm_pos = np.empty(n_lm, np.int64)
    lm_item = np.empty(n_lm, np.int64)
    for it in range(n_items):
        if single_lot_item[it]:
            for p in range(bucket[it], bucket[it + 1]):
                if lot[p] >= 0:
                    lot_start[lot[p] + 1] += 1
    for k in range(max_lot + 1):
        lot_start[k + 1] += lot_start[k]
    for it in range(n_items):
        if single_lot_item[it]:
            for p in range(bucket[it], bucket[it + 1]):
                if lot[p] >= 0:
                    j = lot_start[lot[p]]
                    lm_pos[j] = p
                    lm_item[j] = it
                    lot_start[lot[p]] += 1

    lm_of = np.full(m, -1, np.int64)
    slot_of = np.empty(m, np.int64)
    run_of = np.empty(m, np.int64)
    slot_runs = np.zeros(n_lm + 1, np.int64)
    slot_total = np.zeros(n_lm, np.int64)
    run_start = np.empty(n_lm + 1, np.int64)
    run_expiry = np.empty(n_lm, np.int32)
    run_total = np.zeros(n_lm, np.int64)
    n_slots = 0
    n_runs = 0
    for j in range(n_lm):
        p = lm_pos[j]
        new_slot = j == 0 or lot[p] != lot[lm_pos[j - 1]] or lm_item[j] != lm_item[j - 1]
        if new_slot:
            slot_runs[n_slots] = n_runs
            n_slots += 1
        if new_slot or expiry[p] != expiry[lm_pos[j - 1]]:
            run_start[n_runs] = j
            run_expiry[n_runs] = expiry[p]
            n_runs += 1
        lm_of[p] = j
        slot_of[p] = n_slots - 1
        run_of[p] = n_runs - 1
        slot_total[n_slots - 1] += avail[p]
        run_total[n_runs - 1] += avail[p]
    slot_runs[n_slots] = n_runs
    run_start[n_runs] = n_lm

    tree = np.zeros(m + 1, np.int64)
    for p in range(m):
        i = p + 1
        if lm_of[p] >= 0:
            tree[i] += avail[p]
        up = i + (i & -i)
        if up <= m:
            tree[up] += tree[i]
    return (
        lm_of, lm_pos, slot_of, slot_runs[: n_slots + 1], slot_total[:n_slots],
        run_of, run_start[: n_runs + 1], run_expiry[:n_runs], run_total[:n_runs], tree,
    )


@njit(cache=True, nogil=True)
def _run_lines(
    l_item, l_need, l_min_expiry, l_mode, bucket, unit, expiry, avail, any_single_lot,
    lm_of, lm_pos, slot_of, slot_runs, slot_total, run_of, run_start, run_expiry, run_total, tree,
    mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
):
    """Rules 5 and 6, line after line; avail and the lot structures are consumed as lines take stock."""
    n_lines = l_item.size
    m = avail.size
    parent = np.arange(m + 1)
    lm_parent = np.arange(lm_pos.size + 1)
    seen_by = np.full(slot_total.size, -1, np.int64)
    # One take either empties a unit or completes its line, so this bounds the number of takes.
    cap = n_lines + m
    res_line = np.empty(cap, np.int32)
    res_unit = np.empty(cap, np.int32)
    res_qty = np.empty(cap, np.int64)
    n_res = 0
    allocated = np.zeros(n_lines, np.int64)
    reason = np.empty(n_lines, np.uint8)

    for li in range(n_lines):
        need = l_need[li]
        if need <= 0:
            reason[li] = reason_covered
            continue
        it = l_item[li]
        s = bucket[it]
        e = bucket[it + 1]
        cut_off = l_min_expiry[li]
        # NO_EXPIRY is the largest int32, so "no expiry or expiry >= cut-off" is just expiry >= cut-off.
        first = _lower_bound(expiry, s, e, cut_off)

        if l_mode[li] == mode_single_lot:
            chosen = -1
            chosen_run = -1
            unmet = _fenwick_prefix(tree, e) - _fenwick_prefix(tree, first)
            if unmet >= need:
                p = _find(parent, first)
                while p < e:
                    if lm_of[p] >= 0:
                        slot = slot_of[p]
                        if seen_by[slot] != li:
                            seen_by[slot] = li
                            eligible_sum = slot_total[slot]
                            r = slot_runs[slot]
                            while r < slot_runs[slot + 1] and run_expiry[r] < cut_off:
                                eligible_sum -= run_total[r]
                                r += 1
                            if eligible_sum >= need:
                                chosen = slot
                                chosen_run = r
                                break
                            unmet -= eligible_sum
                            if unmet < need:
                                break
                    p = _find(parent, p + 1)
            if chosen < 0:
                reason[li] = reason_no_single_lot
                continue
            # The chosen lot covers the line, so this never runs past the lot's last unit.
            j = _find(lm_parent, run_start[chosen_run])
            left = need
            while left > 0:
                p = lm_pos[j]
                take = min(avail[p], left)
                left -= take
                res_line[n_res] = li
                res_unit[n_res] = unit[p]
                res_qty[n_res] = take
                n_res += 1
                avail[p] -= take
                slot_total[chosen] -= take
                run_total[run_of[p]] -= take
                _fenwick_add(tree, p, -take)
                if avail[p] == 0:
                    parent[p] = p + 1
                    lm_parent[j] = j + 1
                    j = _find(lm_parent, j + 1)
            allocated[li] = need
            reason[li] = reason_covered
        else:
            left = need
            p = _find(parent, first)
            while left > 0 and p < e:
                take = min(avail[p], left)
                left -= take
                res_line[n_res] = li
                res_unit[n_res] = unit[p]
                res_qty[n_res] = take
                n_res += 1
                avail[p] -= take
                # Rule 5 may take from a lot a single-lot line also wants: keep its sums true.
                if any_single_lot and lm_of[p] >= 0:
                    slot_total[slot_of[p]] -= take
                    run_total[run_of[p]] -= take
                    _fenwick_add(tree, p, -take)
                    if avail[p] == 0:
                        lm_parent[lm_of[p]] = lm_of[p] + 1
                if avail[p] == 0:
                    parent[p] = p + 1
                    p = _find(parent, p + 1)
            allocated[li] = need - left
            reason[li] = reason_covered if left == 0 else reason_short

    return res_line[:n_res].copy(), res_unit[:n_res].copy(), res_qty[:n_res].copy(), allocated, reason


@njit(cache=True, nogil=True)
def _allocate(
    u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible,
    l_item, l_need, l_min_expiry, l_mode,
    no_expiry, mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
):
    wanted, single_lot_item = _wanted_items(u_item, l_item, l_need, l_mode, mode_single_lot)
    bucket, unit, expiry, avail, lot = _rank_units(
        u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible,
        wanted, no_expiry,
    )
    any_single_lot = single_lot_item.any()
    if not any_single_lot:
        # Nothing needs lots: skip their index and hand the line walk empty stand-ins.
        single_lot_item = np.zeros(0, np.bool_)
    lots = _index_lots(bucket, lot, expiry, avail, single_lot_item)
    return _run_lines(
        l_item, l_need, l_min_expiry, l_mode, bucket, unit, expiry, avail, any_single_lot, *lots,
        mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
    )


def allocate(units: UnitArrays, lines: LineArrays) -> AllocationResult:
    """Allocate `lines` (in rule-2 order) against `units`; neither argument is modified."""
    res_line, res_unit, res_qty, allocated, reason = _allocate(
        units.item,
        units.lot,
        units.avail,
        units.expiry,
        units.opened,
        units.received,
        units.pick_seq,
        units.track_rank,
        units.eligible,
        lines.item,
        lines.need,
        lines.min_expiry,
        lines.mode,
        np.int64(NO_EXPIRY),
        np.uint8(MODE_SINGLE_LOT),
        np.uint8(REASON_COVERED),
        np.uint8(REASON_SHORT),
        np.uint8(REASON_NO_SINGLE_LOT),
    )
    return AllocationResult(res_line, res_unit, res_qty, allocated, reason)


def warm_up() -> None:
    """Compile the kernel, or load it from the cache, on a tiny input that goes through both rules."""
    units = UnitArrays(
        item=[0, 0, 1, 1],
        lot=[-1, -1, 0, 1],
        avail=[1000, 1000, 500, 2000],
        expiry=[NO_EXPIRY, 20000, 20000, 20001],
        opened=[0, 1, 0, 0],
        received=[0, 0, 0, 0],
        pick_seq=[0, 0, 0, 0],
        track_rank=[0, 1, 2, 3],
        eligible=[1, 1, 1, 1],
    )
    lines = LineArrays(item=[0, 1], need=[1500, 1000], min_expiry=[0, 0], mode=[MODE_TAKE, MODE_SINGLE_LOT])
    allocate(units, lines)

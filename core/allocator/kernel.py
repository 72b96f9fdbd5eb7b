"""Numba kernel for the default FEFO allocation rules; result for result equal to `reference.py`.

The only module of the allocator that imports numba (see `core/allocator/__init__.py`).

Where the time goes and why it is shaped this way (a global multi-key sort of the units alone costs several
times the whole allocation, and at a million units every random memory access counts):
- Only units that can ever be taken are ranked: eligible flag set, available above zero, and an item some line
  wants. Their rule-4 keys are packed into one int64 (up to four "lanes" when the values span too wide a range)
  as a counting sort drops them into per-item buckets; each bucket, one item's units, is then merge-sorted.
- Expiry is the first rank key, so the units too early for a line's cut-off are a prefix of the item's bucket:
  a binary search skips them.
- Exhausted units are skipped through a "next unit with stock" pointer array with path halving; units only ever
  lose stock, so a pointer that skipped a unit never has to come back.
- Lines of different items never compete, so they are walked item by item (each item's lines still in rule-2
  order) to keep each bucket in cache, and the reservations are put back in line order at the end.
- Rule 6 walks the item's units in rank order, meeting each lot at its best eligible unit (so lots come in rank
  order), and asks each lot for its eligible sum: per lot the units sit in runs of equal expiry, and the eligible
  sum is the lot's running total less the runs that expire before the cut-off. A Fenwick tree over the lot
  units' stock gives what the lots not met yet could still offer, which ends the walk as soon as no lot can
  cover the line. These structures exist only for items a single-lot line needs, indexed compactly.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from core.allocator.arrays import (
    MODE_SINGLE_LOT,
    MODE_TAKE,
    NO_EXPIRY,
    AllocationResult,
    LineArrays,
    UnitArrays,
    kernel_args,
)

# Signed lanes keep numba away from uint64/int64 mixing (which it promotes to float).
_LANE_BITS = 63
_N_FIELDS = 5
# Sorted runs start at this length by insertion sort; most buckets are not much longer.
_RUN = 16
# Slots of the expiry_map array _rank_units hands on.
_E_LO = 0  # earliest real expiry (field value 0)
_E_LATEST = 1  # latest real expiry; NO_EXPIRY ranks one day after it
_E_TOP = 2  # largest field value present
_E_SHIFT = 3  # where the field sits in lane 0


@njit(cache=True, nogil=True)
def _bit_length(x):
    b = 0
    while x > 0:
        b += 1
        x >>= 1
    return b


@njit(cache=True, nogil=True, inline="always")
def _take(p, left, avail, unit, take_unit, take_qty, n_takes):
    """Take what unit p has, up to `left`, as take number `n_takes`; returns how much."""
    take = min(avail[p], left)
    take_unit[n_takes] = unit[p]
    take_qty[n_takes] = take
    avail[p] -= take
    return take


@njit(cache=True, nogil=True)
def _less(keys, n_lanes, a, b):
    for lane in range(n_lanes):
        ka = keys[lane, a]
        kb = keys[lane, b]
        if ka != kb:
            return ka < kb
    return False


@njit(cache=True, nogil=True)
def _sort_lanes(keys, n_lanes, perm, perm_buf, s, e):
    """Stable merge sort of perm[s:e] by keys spread over several lanes (fields too wide for one)."""
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
    u_item, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible, wanted, no_expiry
):
    """Units that can be taken, bucketed by item and ranked by rule 4 inside each bucket.

    Returns (bucket, unit, key, expiry_map, avail): item i's units hold rank positions bucket[i]:bucket[i + 1];
    unit[p] is the unit at rank position p, key[p] its lane-0 key (expiry on top) and avail[p] its stock.
    """
    n_items = wanted.size
    n = u_item.size
    bucket = np.zeros(n_items + 1, np.int64)
    big = np.int64(2**40)
    e_lo, latest = big, -big
    r_lo, r_hi = big, -big
    s_lo, s_hi = big, -big
    t_lo, t_hi = big, -big
    any_none = False
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
            e_lo = min(e_lo, ex)
            latest = max(latest, ex)
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

    # NO_EXPIRY is ranked just after the latest real date, so one far-off sentinel does not widen the field
    # to 31 bits.
    if latest == -big:
        latest = np.int64(0)
    none_rank = latest + 1
    if e_lo == big:
        e_lo = none_rank
    e_hi = none_rank if any_none else latest
    # Opened ranks first: field value 0 for opened, 1 for unopened.
    o_lo = np.int64(0) if any_opened else np.int64(1)

    # Pack the fields, most significant first, into as few 63-bit lanes as their ranges allow; a field of
    # width 0 holds one value for all units and decides nothing.
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

    # Counting sort into item buckets, carrying the unit and its lane-0 key (writes scattered over buckets cost
    # far less than gathering the keys back by unit afterwards). Further lanes, rare, stay in unit order.
    key = np.empty(m, np.int64)
    unit_keys = np.zeros((n_lanes - 1, n if n_lanes > 1 else 0), np.int64)
    unit = np.empty(m, np.int32)
    fill = bucket[:-1].copy()
    lanes = np.zeros(_N_FIELDS, np.int64)
    for u in range(n):
        it = u_item[u]
        if u_eligible[u] == 0 or u_avail[u] <= 0 or not wanted[it]:
            continue
        ex = np.int64(u_expiry[u])
        v0 = (none_rank if ex == no_expiry else ex) - e_lo
        v1 = (np.int64(0) if u_opened[u] != 0 else np.int64(1)) - o_lo
        v2 = np.int64(u_received[u]) - r_lo
        v3 = np.int64(u_pick_seq[u]) - s_lo
        v4 = np.int64(u_track_rank[u]) - t_lo
        p = fill[it]
        fill[it] += 1
        unit[p] = u
        if n_lanes == 1:
            key[p] = (v0 << shift[0]) | (v1 << shift[1]) | (v2 << shift[2]) | (v3 << shift[3]) | (v4 << shift[4])
        else:
            lanes[:] = 0
            lanes[lane_of[0]] |= v0 << shift[0]
            lanes[lane_of[1]] |= v1 << shift[1]
            lanes[lane_of[2]] |= v2 << shift[2]
            lanes[lane_of[3]] |= v3 << shift[3]
            lanes[lane_of[4]] |= v4 << shift[4]
            key[p] = lanes[0]
            for lane in range(1, n_lanes):
                unit_keys[lane - 1, u] = lanes[lane]

    if n_lanes == 1:
        # Stable, as each bucket starts in unit-index order: equal keys (only if a caller repeats a track_rank)
        # keep unit order, as the reference's stable sort does.
        for i in range(n_items):
            s, e = bucket[i], bucket[i + 1]
            if e - s > 1:
                order = np.argsort(key[s:e], kind="mergesort")
                key[s:e] = key[s:e][order]
                unit[s:e] = unit[s:e][order]
    else:
        keys = np.empty((n_lanes, m), np.int64)
        for p in range(m):
            keys[0, p] = key[p]
            for lane in range(1, n_lanes):
                keys[lane, p] = unit_keys[lane - 1, unit[p]]
        perm = np.arange(m)
        perm_buf = np.empty(m, np.int64)
        for i in range(n_items):
            if bucket[i + 1] - bucket[i] > 1:
                _sort_lanes(keys, n_lanes, perm, perm_buf, bucket[i], bucket[i + 1])
        # perm stays inside each bucket, so these gathers stay local.
        by_rank = np.empty(m, np.int32)
        for p in range(m):
            key[p] = keys[0, perm[p]]
            by_rank[p] = unit[perm[p]]
        unit = by_rank

    # Expiry is the top field of lane 0, so within a bucket key[p] >> shift[0] is the expiry's rank and a
    # binary search on key finds a cut-off without an expiry array (see _first_eligible).
    expiry_map = np.empty(4, np.int64)
    expiry_map[_E_LO] = e_lo
    expiry_map[_E_LATEST] = latest
    expiry_map[_E_TOP] = e_hi - e_lo
    expiry_map[_E_SHIFT] = shift[0]
    # Stock in rank order: one gather here, with many loads in flight, is much cheaper than a dependent random
    # load per take in the line walk.
    avail = np.empty(m, np.int64)
    for p in range(m):
        avail[p] = u_avail[unit[p]]
    return bucket, unit, key, expiry_map, avail


@njit(cache=True, nogil=True)
def _cut_rank(expiry_map, cut_off):
    """A cut-off day in the expiry field's terms: units whose field is >= this are eligible.

    Days after the latest real expiry leave only NO_EXPIRY units, ranked at latest + 1.
    """
    c = np.int64(cut_off)
    if c > expiry_map[_E_LATEST]:
        c = expiry_map[_E_LATEST] + 1
    return c - expiry_map[_E_LO]


@njit(cache=True, nogil=True)
def _first_eligible(key, s, e, expiry_map, cut_rank):
    """First rank position in [s, e) whose expiry is on or after the cut-off."""
    if cut_rank <= 0:
        return s
    if cut_rank > expiry_map[_E_TOP]:
        # Also keeps cut_rank << shift from overflowing the lane.
        return e
    x = cut_rank << expiry_map[_E_SHIFT]
    while s < e:
        mid = (s + e) >> 1
        if key[mid] < x:
            s = mid + 1
        else:
            e = mid
    return s


@njit(cache=True, nogil=True)
def _find(parent, x):
    """First position at or after x that still has stock (the sentinel at the end is its own parent)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True, nogil=True)
def _fenwick_add(tree, c, delta):
    i = c + 1
    while i < tree.size:
        tree[i] += delta
        i += i & (-i)


@njit(cache=True, nogil=True)
def _fenwick_prefix(tree, c):
    """Sum over compact positions [0, c)."""
    total = np.int64(0)
    i = c
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
def _index_lots(bucket, unit, key, expiry_shift, u_lot, avail, single_lot_item):
    """Lot structures for rule 6, over the items a single-lot line needs only.

    Those items' rank positions get compact indices: item it's position p is c = base[it] + p - bucket[it]
    (base[it] is -1 for other items). Lot-major order ("lm") lists each lot's units in rank order; a lot index
    that two items share becomes one slot per item. A slot's units fall into runs of equal expiry (rank order is
    expiry first), so its eligible sum for a cut-off is its total less the runs before the cut-off.
    Returns (base, lm_of, lm_pos, slot_of, slot_runs, slot_total, run_of, run_start, run_rank, run_total,
    tree, lot_cap): lm_of[c] is the lot-major index or -1 (no lot), lm_pos[j] the rank position, run_rank a
    run's expiry field, tree a Fenwick tree over compact indices holding the stock of lot units, and lot_cap[it]
    the most any one lot of the item holds at the start (lots only shrink, so it stays an upper bound).
    """
    n_items = single_lot_item.size
    base = np.full(n_items, -1, np.int64)
    n_compact = 0
    for it in range(n_items):
        if single_lot_item[it]:
            base[it] = n_compact
            n_compact += bucket[it + 1] - bucket[it]
    # Units in compact order with their lots, read once from the unit arrays.
    c_pos = np.empty(n_compact, np.int64)
    c_lot = np.empty(n_compact, np.int64)
    c_item = np.empty(n_compact, np.int64)
    n_lm = 0
    max_lot = -1
    for it in range(n_items):
        if single_lot_item[it]:
            for p in range(bucket[it], bucket[it + 1]):
                c = base[it] + p - bucket[it]
                lot = np.int64(u_lot[unit[p]])
                c_pos[c] = p
                c_lot[c] = lot
                c_item[c] = it
                if lot >= 0:
                    n_lm += 1
                    max_lot = max(max_lot, lot)
    lot_start = np.zeros(max_lot + 2, np.int64)
    for c in range(n_compact):
        if c_lot[c] >= 0:
            lot_start[c_lot[c] + 1] += 1
    for k in range(max_lot + 1):
        lot_start[k + 1] += lot_start[k]
    lm_c = np.empty(n_lm, np.int64)
    for c in range(n_compact):
        if c_lot[c] >= 0:
            lm_c[lot_start[c_lot[c]]] = c
            lot_start[c_lot[c]] += 1

    lm_of = np.full(n_compact, -1, np.int64)
    lm_pos = np.empty(n_lm, np.int64)
    slot_of = np.empty(n_compact, np.int64)
    run_of = np.empty(n_compact, np.int64)
    slot_runs = np.zeros(n_lm + 1, np.int64)
    slot_total = np.zeros(n_lm, np.int64)
    run_start = np.empty(n_lm + 1, np.int64)
    run_rank = np.empty(n_lm, np.int64)
    run_total = np.zeros(n_lm, np.int64)
    n_slots = 0
    n_runs = 0
    prev_c = -1
    prev_rank = -1
    for j in range(n_lm):
        c = lm_c[j]
        p = c_pos[c]
        rank = key[p] >> expiry_shift
        new_slot = j == 0 or c_lot[c] != c_lot[prev_c] or c_item[c] != c_item[prev_c]
        if new_slot:
            slot_runs[n_slots] = n_runs
            n_slots += 1
        if new_slot or rank != prev_rank:
            run_start[n_runs] = j
            run_rank[n_runs] = rank
            n_runs += 1
        qty = avail[p]
        lm_of[c] = j
        lm_pos[j] = p
        slot_of[c] = n_slots - 1
        run_of[c] = n_runs - 1
        slot_total[n_slots - 1] += qty
        run_total[n_runs - 1] += qty
        prev_c = c
        prev_rank = rank
    slot_runs[n_slots] = n_runs
    run_start[n_runs] = n_lm
    lot_cap = np.zeros(n_items, np.int64)
    for j in range(n_lm):
        c = lm_c[j]
        lot_cap[c_item[c]] = max(lot_cap[c_item[c]], slot_total[slot_of[c]])

    tree = np.zeros(n_compact + 1, np.int64)
    for c in range(n_compact):
        if c_lot[c] >= 0:
            tree[c + 1] += avail[c_pos[c]]
    # Linear Fenwick build: each node passes its finished sum up to its parent.
    for i in range(1, n_compact + 1):
        up = i + (i & -i)
        if up <= n_compact:
            tree[up] += tree[i]
    return (
        base, lm_of, lm_pos, slot_of, slot_runs[: n_slots + 1], slot_total[:n_slots],
        run_of, run_start[: n_runs + 1], run_rank[:n_runs], run_total[:n_runs], tree, lot_cap,
    )


@njit(cache=True, nogil=True)
def _run_lines(
    l_item, l_need, l_min_expiry, l_mode, bucket, unit, key, expiry_map, avail,
    base, lm_of, lm_pos, slot_of, slot_runs, slot_total, run_of, run_start, run_rank, run_total, tree, lot_cap,
    mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
):
    """Rules 5 and 6, line after line of each item; avail and the lot structures are used up as lines take."""
    n_lines = l_item.size
    n_items = bucket.size - 1
    m = unit.size
    allocated = np.zeros(n_lines, np.int64)
    reason = np.full(n_lines, reason_covered, np.uint8)

    by_item = np.zeros(n_items + 1, np.int64)
    for li in range(n_lines):
        if l_need[li] > 0:
            by_item[l_item[li] + 1] += 1
    for i in range(n_items):
        by_item[i + 1] += by_item[i]
    line_order = np.empty(by_item[n_items], np.int64)
    fill = by_item[:-1].copy()
    for li in range(n_lines):
        if l_need[li] > 0:
            line_order[fill[l_item[li]]] = li
            fill[l_item[li]] += 1

    # The walk reads the lines in item order, so their fields are gathered into that order first.
    n_active = line_order.size
    g_need = np.empty(n_active, np.int64)
    g_cut_rank = np.empty(n_active, np.int64)
    g_single_lot = np.empty(n_active, np.bool_)
    for k in range(n_active):
        li = line_order[k]
        g_need[k] = l_need[li]
        g_cut_rank[k] = _cut_rank(expiry_map, l_min_expiry[li])
        g_single_lot[k] = l_mode[li] == mode_single_lot
    g_allocated = np.zeros(n_active, np.int64)
    g_reason = np.full(n_active, reason_covered, np.uint8)
    g_first = np.empty(n_active, np.int64)

    parent = np.arange(m + 1, dtype=np.int32)
    lm_parent = np.arange(lm_pos.size + 1, dtype=np.int32)
    seen_by = np.full(slot_total.size, -1, np.int64)
    # One take either empties a unit or completes its line, so this bounds the number of takes.
    cap = n_active + m
    take_unit = np.empty(cap, np.int32)
    take_qty = np.empty(cap, np.int64)
    n_takes = 0

    for it in range(n_items):
        s = bucket[it]
        e = bucket[it + 1]
        # Rank position p has compact index p + to_compact, for items with lot structures.
        has_lots = base[it] >= 0
        to_compact = base[it] - s if has_lots else 0
        for k in range(by_item[it], by_item[it + 1]):
            need = g_need[k]
            cut_rank = g_cut_rank[k]
            first = _first_eligible(key, s, e, expiry_map, cut_rank)
            g_first[k] = n_takes

            if g_single_lot[k]:
                chosen = -1
                chosen_run = -1
                # What the lots not looked at yet could still offer; once below the need, none of them can cover.
                unmet = _fenwick_prefix(tree, e + to_compact) - _fenwick_prefix(tree, first + to_compact)
                # A line bigger than any lot ever was fails at once, however many lots there are to look at.
                if unmet >= need and lot_cap[it] >= need:
                    p = _find(parent, first)
                    while p < e:
                        c = p + to_compact
                        if lm_of[c] >= 0:
                            slot = slot_of[c]
                            if seen_by[slot] != k:
                                seen_by[slot] = k
                                eligible_sum = slot_total[slot]
                                r = slot_runs[slot]
                                while r < slot_runs[slot + 1] and run_rank[r] < cut_rank:
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
                    g_reason[k] = reason_no_single_lot
                    continue
                # The chosen lot covers the line, so this never runs past the lot's last unit.
                j = _find(lm_parent, run_start[chosen_run])
                left = need
                while left > 0:
                    p = lm_pos[j]
                    c = p + to_compact
                    take = _take(p, left, avail, unit, take_unit, take_qty, n_takes)
                    left -= take
                    n_takes += 1
                    slot_total[chosen] -= take
                    run_total[run_of[c]] -= take
                    _fenwick_add(tree, c, -take)
                    if avail[p] == 0:
                        parent[p] = p + 1
                        lm_parent[j] = j + 1
                        j = _find(lm_parent, j + 1)
                g_allocated[k] = need
            else:
                left = need
                p = _find(parent, first)
                while left > 0 and p < e:
                    take = _take(p, left, avail, unit, take_unit, take_qty, n_takes)
                    left -= take
                    n_takes += 1
                    # Rule 5 may take from a lot a single-lot line of this item also wants: keep its sums true.
                    if has_lots:
                        c = p + to_compact
                        if lm_of[c] >= 0:
                            slot_total[slot_of[c]] -= take
                            run_total[run_of[c]] -= take
                            _fenwick_add(tree, c, -take)
                            if avail[p] == 0:
                                lm_parent[lm_of[c]] = lm_of[c] + 1
                    if avail[p] == 0:
                        parent[p] = p + 1
                        p = _find(parent, p + 1)
                g_allocated[k] = need - left
                if left > 0:
                    g_reason[k] = reason_short

    first_take = np.zeros(n_lines, np.int64)
    n_line_takes = np.zeros(n_lines, np.int64)
    for k in range(n_active):
        li = line_order[k]
        allocated[li] = g_allocated[k]
        reason[li] = g_reason[k]
        first_take[li] = g_first[k]
        n_line_takes[li] = (g_first[k + 1] if k + 1 < n_active else n_takes) - g_first[k]

    # Each line's takes are contiguous; lay them out again in line order, the order the rules make them.
    res_line = np.empty(n_takes, np.int32)
    res_unit = np.empty(n_takes, np.int32)
    res_qty = np.empty(n_takes, np.int64)
    out = 0
    for li in range(n_lines):
        t = first_take[li]
        for _ in range(n_line_takes[li]):
            res_line[out] = li
            res_unit[out] = take_unit[t]
            res_qty[out] = take_qty[t]
            out += 1
            t += 1
    return res_line, res_unit, res_qty, allocated, reason


@njit(cache=True, nogil=True)
def _allocate(
    u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible,
    l_item, l_need, l_min_expiry, l_mode,
    no_expiry, mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
):
    wanted, single_lot_item = _wanted_items(u_item, l_item, l_need, l_mode, mode_single_lot)
    bucket, unit, key, expiry_map, avail = _rank_units(
        u_item, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank, u_eligible, wanted, no_expiry
    )
    lots = _index_lots(bucket, unit, key, expiry_map[_E_SHIFT], u_lot, avail, single_lot_item)
    return _run_lines(
        l_item, l_need, l_min_expiry, l_mode, bucket, unit, key, expiry_map, avail, *lots,
        mode_single_lot, reason_covered, reason_short, reason_no_single_lot,
    )


def allocate(units: UnitArrays, lines: LineArrays) -> AllocationResult:
    """Allocate `lines` (in rule-2 order) against `units`; neither argument is modified.

    Releases the GIL while it runs, so a worker thread allocating leaves the UI responsive.
    """
    return AllocationResult(*_allocate(*kernel_args(units, lines)))


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

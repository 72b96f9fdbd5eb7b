"""FEFO allocation: the rules (`rules`), the arrays the allocator works on (`arrays`), the database read that fills
them (`loading`), a Numba kernel (`kernel`) and the plain-Python reference it is tested against (`reference`).

Nothing is imported here: `rules` needs neither numpy nor numba, so a picker's session that checks a substitute
container loads neither, and numba is loaded only by sessions that allocate.
"""

"""Confirmed picks per second, 16 pickers on their own slips, both databases, against each database's own floor:
`python -m bench.stress --phases picks` with its anchor (bench.picks_anchor). Part of `make bench`; exit 1 when a
ratio falls below its goal or an invariant breaks."""
from __future__ import annotations

import sys

from bench.stress import main

if __name__ == "__main__":
    sys.exit(main(["--phases", "picks", *sys.argv[1:]]))

"""The allocation kernel compiled ahead of time: an extension module that loads in a millisecond, without numba.

`jobfloor release` is a fresh process each time, and there importing numba and loading its cached kernel (about
half a second of CPU) cost more than reading the stock and allocating it. numba's ahead-of-time compiler turns the
same kernel (`core.allocator.kernel._allocate`, one signature) into a plain extension module that needs numpy
only. `python -m core.allocator.aot` builds it (`make install` does); it needs a C compiler. The module's name
carries a digest of the allocator's source, so a kernel changed since the build is never loaded: `load()` then
returns None and the caller uses the JIT kernel, as it does where no module was built.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import shutil
import sys
import sysconfig
import tempfile
import warnings
from functools import cache
from pathlib import Path

from core.allocator.arrays import AllocationResult, LineArrays, UnitArrays, kernel_args
from core.config import numba_cache_dir

_SOURCES = ("kernel.py", "arrays.py", "rules.py", "aot.py")
# _allocate's one signature: the unit arrays, the line arrays (core.allocator.arrays), then the encodings.
_RESULT = "Tuple((int32[::1], int32[::1], int64[::1], int64[::1], uint8[::1]))"
_PARAMS = ("int32[::1], int32[::1], int64[::1], int32[::1], uint8[::1], int32[::1], int32[::1], int32[::1], "
           "uint8[::1], int32[::1], int64[::1], int32[::1], uint8[::1], int64, uint8, uint8, uint8, uint8")
SIGNATURE = f"{_RESULT}({_PARAMS})"


def module_name() -> str:
    """fefo_<digest>: the allocator's source, this Python and this machine's architecture."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    digest.update(f"{sys.implementation.cache_tag} {platform.machine()}".encode())
    return f"fefo_{digest.hexdigest()[:16]}"


def directory() -> Path:
    """Beside numba's own JIT cache (core.config.numba_cache_dir): somewhere this user can write."""
    return numba_cache_dir() / "aot"


def module_path() -> Path:
    return directory() / (module_name() + sysconfig.get_config_var("EXT_SUFFIX"))


@cache
def load():
    """The ahead-of-time kernel as `allocate(units, lines) -> AllocationResult`, or None when none is built for
    this source."""
    path = module_path()
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(path.name.split(".")[0], path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError:  # built for another numpy, or damaged: the JIT kernel still works
        return None
    compiled = module.allocate

    def allocate(units: UnitArrays, lines: LineArrays) -> AllocationResult:
        return AllocationResult(*compiled(*kernel_args(units, lines)))

    return allocate


def build() -> Path:
    """Compile the kernel into `module_path()`; a reader never sees a half-written module."""
    target = module_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba marks pycc as due for replacement; it is what 0.68 has
        from numba.pycc import CC

        from core.allocator import kernel

        def allocate(u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq, u_track_rank,
                     u_eligible, l_item, l_need, l_min_expiry, l_mode, no_expiry, mode_single_lot,
                     reason_covered, reason_short, reason_no_single_lot):
            return kernel._allocate(u_item, u_lot, u_avail, u_expiry, u_opened, u_received, u_pick_seq,
                                    u_track_rank, u_eligible, l_item, l_need, l_min_expiry, l_mode, no_expiry,
                                    mode_single_lot, reason_covered, reason_short, reason_no_single_lot)

        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            cc = CC(module_name())
            cc.output_dir = tmp
            cc.export("allocate", SIGNATURE)(allocate)
            cc.compile()
            os.replace(Path(tmp) / target.name, target)
    for old in target.parent.glob("fefo_*"):
        if old != target:
            old.unlink() if old.is_file() else shutil.rmtree(old, ignore_errors=True)
    load.cache_clear()
    return target


def main() -> int:
    path = module_path()
    if path.exists():
        print(f"allocation kernel already compiled: {path}")
        return 0
    try:
        build()
    except Exception as exc:  # no C compiler, most likely: the JIT kernel is used instead
        print(f"allocation kernel not compiled ahead of time ({type(exc).__name__}: {exc}); releases will use "
              "the JIT kernel (about half a second more per release)", file=sys.stderr)
        return 1
    print(f"allocation kernel compiled: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where jobfloor keeps its files, and which database it opens."""
from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

APP = "jobfloor"


def data_dir() -> Path:
    return Path(os.environ.get("JOBFLOOR_DATA_DIR") or user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    return Path(os.environ.get("JOBFLOOR_CACHE_DIR") or user_cache_dir(APP, appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'jobfloor.db'}"


def db_url(cli_value: str | None = None) -> str:
    """--db wins over JOBFLOOR_DB, which wins over the embedded default."""
    return cli_value or os.environ.get("JOBFLOOR_DB") or default_db_url()


def numba_cache_dir() -> Path:
    """Numba's JIT cache must be somewhere this user can write, not beside the installed package."""
    path = Path(os.environ.get("NUMBA_CACHE_DIR") or cache_dir() / "numba")
    path.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    return path


def fixtures_dir() -> Path:
    env = os.environ.get("JOBFLOOR_FIXTURES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "fixtures" / "demo"

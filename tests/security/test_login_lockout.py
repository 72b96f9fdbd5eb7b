"""PINs and lockout: wrong PINs count, five lock the user for the site's lockout time, and nothing gets round it
(the right PIN, the badge, another terminal, many terminals guessing at once)."""
import datetime as dt
import multiprocessing
import sys
import time
from pathlib import Path

import pytest

from core.clock import utcnow
from core.data.models import User
from core.errors import AuthError
from core.site.auth import add_user, login, login_badge

WRONG = "unknown user or wrong PIN: try again"


def _user(code="PK1") -> User:
    return User.get(User.code == code)


def test_five_wrong_pins_lock_and_the_right_pin_and_badge_are_refused_meanwhile(demo):
    for attempt in range(1, 5):
        with pytest.raises(AuthError, match="wrong PIN"):
            login("PK1", "0000", "PICK-1")
        assert _user().failed_attempts == attempt  # kept: the refusal is raised after the commit
    with pytest.raises(AuthError, match="locked after too many wrong PINs: try again in 10 min"):
        login("PK1", "0000")
    locked_until = _user().locked_until
    assert dt.timedelta(minutes=9) < locked_until - utcnow() <= dt.timedelta(minutes=10)
    with pytest.raises(AuthError, match="locked"):
        login("PK1", "2222")  # the right PIN
    with pytest.raises(AuthError, match="locked"):
        login_badge("BADGE-PK1")  # the badge
    with pytest.raises(AuthError, match="locked"):
        login("PK1", "2222", "PICK-2")  # another terminal
    assert login("PK2", "2223").user == "PK2"  # the others are not affected


def test_the_lock_ends_on_time_and_a_good_login_clears_the_count(demo):
    for _ in range(5):
        with pytest.raises(AuthError):
            login("PK1", "0000")
    User.update(locked_until=utcnow() - dt.timedelta(seconds=1)).where(User.code == "PK1").execute()
    assert login("PK1", "2222").user == "PK1"
    with pytest.raises(AuthError):
        login("PK1", "0000")
    assert login("PK1", "2222").user == "PK1"
    assert _user().failed_attempts == 0 and _user().locked_until is None


def test_an_unknown_user_and_a_wrong_pin_look_the_same(demo):
    with pytest.raises(AuthError) as unknown:
        login("NOBODY", "1234")
    with pytest.raises(AuthError) as wrong:
        login("PK1", "1234")
    assert str(unknown.value) == str(wrong.value) == WRONG


def test_pins_are_salted_hashes(demo):
    add_user("PK9", "picker", "2222")
    stored = {_user("PK1").pin_hash, _user("PK9").pin_hash}
    assert len(stored) == 2 and all(h.startswith("scrypt$") and "2222" not in h for h in stored)


def _guess(url: str, start: float) -> str:
    from core.data.db import connect

    connect(url)
    while time.time() < start:
        time.sleep(0.001)
    try:
        login("PK1", "0000")
    except AuthError as exc:
        return str(exc)
    return "logged in"


def test_wrong_pins_guessed_at_once_from_many_terminals_each_count(demo):
    # On PostgreSQL ten simultaneous wrong PINs once counted as one: each read the count before any wrote it.
    from core.data.db import db

    db.close()
    start = time.time() + 1.5
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each, as a terminal is
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    with context.Pool(10) as pool:
        answers = pool.starmap(_guess, [(demo.url, start)] * 10)
    db.connect(reuse_if_open=True)
    assert "logged in" not in answers
    assert any("locked" in a for a in answers)
    user = _user()
    # five wrong ones lock (and restart the count); the other five are refused as locked, not counted
    assert user.locked_until is not None and user.locked_until > utcnow()

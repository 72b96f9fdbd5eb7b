"""Users, PINs, roles and what each role may do. Permissions live here, not in the screens."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from core.clock import utcnow
from core.data.db import locked as locked_rows
from core.data.db import write_txn
from core.data.models import ROLES, User
from core.data.setting_store import setting
from core.errors import AuthError, PermissionDenied, UserInputError
from core.site.actor import Actor

# Each action a service performs, and the roles that may perform it. Admin may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "stock.view": frozenset(ROLES),
    "import": frozenset({"planner", "admin"}),
    "release": frozenset({"planner", "supervisor", "admin"}),
    "unrelease": frozenset({"planner", "supervisor", "admin"}),
    "pick": frozenset({"picker", "supervisor", "admin"}),
    "return": frozenset({"operator", "picker", "supervisor", "admin"}),
    "complete": frozenset({"operator", "supervisor", "admin"}),
    "labels.print": frozenset({"operator", "supervisor", "admin"}),
    "labels.reprint": frozenset({"supervisor", "admin"}),
    "labels.void": frozenset({"supervisor", "admin"}),
    "trace": frozenset({"supervisor", "planner", "admin"}),
    "hold": frozenset({"supervisor", "admin"}),
    "kit.replenish": frozenset({"operator", "picker", "supervisor", "admin"}),
    "kit.count": frozenset({"operator", "supervisor", "admin"}),
    "kit.view": frozenset({"operator", "supervisor", "planner", "admin"}),
    "tare.correct": frozenset({"supervisor", "admin"}),
    "stations.edit": frozenset({"supervisor", "admin"}),
    "jobs.assign": frozenset({"supervisor", "admin"}),
    "jobs.board": frozenset({"supervisor", "planner", "admin"}),
    "postings.export": frozenset({"planner", "supervisor", "admin"}),
    "users.edit": frozenset({"admin"}),
    "settings.edit": frozenset({"admin"}),
    "tokens.edit": frozenset({"admin"}),
}

_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def may(role: str, action: str) -> bool:
    return role == "admin" or role in PERMISSIONS.get(action, frozenset())


def require(actor: Actor, action: str) -> None:
    if not may(actor.role, action):
        raise PermissionDenied(f"{actor.user} ({actor.role}) may not {action.replace('.', ' ')}: ask a supervisor")


def add_user(code: str, role: str, pin: str, name: str | None = None, badge: str | None = None) -> User:
    code = (code or "").strip()
    if not code or len(code) > 30:
        raise UserInputError("a user code is 1 to 30 characters")
    if role not in ROLES:
        raise UserInputError(f"unknown role '{role}': use one of {', '.join(ROLES)}")
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise UserInputError("a PIN is 4 to 12 digits")
    with write_txn():
        user = User.get_or_none(User.code == code)
        if badge:
            other = User.get_or_none((User.badge == badge) & (User.code != code))
            if other:
                raise UserInputError(f"badge {badge} already belongs to {other.code}")
        fields = dict(role=role, pin_hash=hash_pin(pin), failed_attempts=0, locked_until=None, active=True)
        if name is not None:
            fields["name"] = name
        if badge is not None:
            fields["badge"] = badge or None
        if user:
            User.update(**fields).where(User.code == code).execute()
        else:
            User.create(code=code, name=name or code, badge=badge or None, **{k: v for k, v in fields.items()
                                                                           if k not in ("name", "badge")})
    return User.get(User.code == code)


def locked_message(user: User) -> str:
    minutes = max(1, int((user.locked_until - utcnow()).total_seconds() // 60) + 1)
    return f"{user.code} is locked after too many wrong PINs: try again in {minutes} min or ask a supervisor"


def login(code: str, pin: str, station: str | None = None, via: str | None = None) -> Actor:
    """User code + PIN. Wrong PINs count; after the site's limit the user is locked for a while.

    The refusal is raised after the transaction commits, so the count of wrong PINs is kept.
    """
    refusal = None
    with write_txn():
        # Locked on PostgreSQL: wrong PINs tried at once from several terminals must each count, or guessing
        # in parallel would get round the lockout.
        user = locked_rows(User.select().where((User.code == (code or "").strip())
                                               & (User.active == True))).first()  # noqa: E712
        if user is None:
            refusal = "unknown user or wrong PIN: try again"
        elif user.locked_until and user.locked_until > utcnow():
            refusal = locked_message(user)
        elif not check_pin(pin or "", user.pin_hash):
            attempts = user.failed_attempts + 1
            locked = None
            if attempts >= int(setting("lockout_attempts")):
                locked = utcnow() + dt.timedelta(minutes=int(setting("lockout_minutes")))
                attempts = 0
            User.update(failed_attempts=attempts, locked_until=locked).where(User.code == user.code).execute()
            user.locked_until = locked
            refusal = locked_message(user) if locked else "unknown user or wrong PIN: try again"
        else:
            User.update(failed_attempts=0, locked_until=None).where(User.code == user.code).execute()
    if refusal:
        raise AuthError(refusal)
    return Actor(user.code, user.role, station, via)


def login_badge(badge: str, station: str | None = None) -> Actor:
    """A badge scan is the credential itself (the badge is in the user's hand), so no PIN is asked."""
    user = User.get_or_none((User.badge == (badge or "").strip()) & (User.active == True))  # noqa: E712
    if user is None:
        raise AuthError("that badge is not known here: log in with your user code and PIN")
    if user.locked_until and user.locked_until > utcnow():
        raise AuthError(locked_message(user))
    return Actor(user.code, user.role, station)


def badge_or_code(value: str, station: str | None = None) -> Actor | None:
    """The login field takes either: a known badge logs in at once; anything else is a user code (PIN next)."""
    value = (value or "").strip()
    if value and User.get_or_none(User.badge == value) is not None:
        return login_badge(value, station)
    return None

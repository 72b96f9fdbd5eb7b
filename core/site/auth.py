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
from core.errors import AuthError, BusinessRefusal, PermissionDenied, UserInputError
from core.site.actor import Actor
from core.site.audit import record

# Each action a service performs, and the roles that may perform it. Admin may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "stock.view": frozenset(ROLES),
    "import": frozenset({"planner", "admin"}),
    "release": frozenset({"planner", "supervisor", "admin"}),
    "unrelease": frozenset({"planner", "supervisor", "admin"}),
    "pick": frozenset({"picker", "supervisor", "admin"}),
    "return": frozenset({"operator", "picker", "supervisor", "admin"}),
    "complete": frozenset({"operator", "supervisor", "admin"}),
    "complete.short": frozenset({"supervisor", "admin"}),
    "labels.print": frozenset({"operator", "supervisor", "admin"}),
    "labels.reprint": frozenset({"supervisor", "admin"}),
    "labels.void": frozenset({"supervisor", "admin"}),
    "trace": frozenset({"supervisor", "planner", "admin"}),
    "hold": frozenset({"supervisor", "admin"}),
    "hold.release": frozenset({"supervisor", "admin"}),
    "kit.replenish": frozenset({"operator", "picker", "supervisor", "admin"}),
    "kit.count": frozenset({"operator", "supervisor", "admin"}),
    "kit.view": frozenset({"operator", "supervisor", "planner", "admin"}),
    "tare.correct": frozenset({"supervisor", "admin"}),
    "stations.edit": frozenset({"supervisor", "admin"}),
    # The board's F2 is the supervisor's and the planner's (README, "On the floor"): whoever plans the day may
    # also say who picks it.
    "jobs.assign": frozenset({"supervisor", "planner", "admin"}),
    "jobs.board": frozenset({"supervisor", "planner", "admin"}),
    "postings.export": frozenset({"planner", "supervisor", "admin"}),
    "users.edit": frozenset({"admin"}),
    "settings.edit": frozenset({"admin"}),
    "tokens.edit": frozenset({"admin"}),
    "users.unlock": frozenset({"supervisor", "admin"}),
}

# What each action is, said as a person would in "PL1 (planner) may not ...": a refusal is a sentence.
ACTION_WORDS: dict[str, str] = {
    "stock.view": "look up stock", "import": "import ERP files", "release": "release jobs",
    "unrelease": "take jobs back from the floor", "pick": "pick jobs", "return": "take returns",
    "complete": "complete jobs", "complete.short": "close a job short", "labels.print": "print labels",
    "labels.reprint": "reprint labels", "labels.void": "void labels", "trace": "trace lots",
    "hold": "hold lots", "hold.release": "release a lot's hold", "kit.replenish": "fill kit bins",
    "kit.count": "count kit bins", "kit.view": "see the kit bins", "tare.correct": "correct a container's tare",
    "stations.edit": "change stations", "jobs.assign": "assign jobs", "jobs.board": "see the job board",
    "postings.export": "export postings", "users.edit": "add or change users",
    "users.unlock": "unlock a locked-out user", "settings.edit": "change site settings",
    "tokens.edit": "manage station tokens", "admin only": "run this command",
}
_ARTICLE = {"operator": "an operator", "admin": "an admin"}

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


def who_may(action: str) -> str:
    """'a supervisor or an admin': the roles to ask, in the order ROLES lists them."""
    roles = [_ARTICLE.get(r, f"a {r}") for r in ROLES if may(r, action)]
    return " or ".join([", ".join(roles[:-1]), roles[-1]] if len(roles) > 2 else roles)


def require(actor: Actor, action: str) -> None:
    if not may(actor.role, action):
        words = ACTION_WORDS.get(action, action.replace(".", " "))
        raise PermissionDenied(f"{actor.user} ({actor.role}) may not {words}: ask {who_may(action)}")


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


def minutes_locked(user: User) -> int:
    """Whole minutes (at least 1) until a locked-out user may try again."""
    return max(1, int((user.locked_until - utcnow()).total_seconds() // 60) + 1)


def locked_message(user: User) -> str:
    return (f"{user.code} is locked after too many wrong PINs: try again in {minutes_locked(user)} min or ask a "
            "supervisor")


def locked_users() -> list[User]:
    """Users a wrong PIN too many has locked out, right now."""
    return list(User.select().where(User.locked_until > utcnow()).order_by(User.code))


def unlock_user(actor: Actor, code: str, reason: str) -> User:
    """A locked-out user may log in again at once (issue 15.9): the lockout and the wrong PINs counted go, and the
    audit trail keeps who did it and why."""
    require(actor, "users.unlock")
    code, reason = (code or "").strip(), " ".join((reason or "").split())
    if not code:
        raise UserInputError("say which user to unlock: their user code")
    if len(reason) < 3:
        raise UserInputError(f"say why {code} is unlocked (the audit trail keeps the reason)")
    with write_txn():
        user = locked_rows(User.select().where(User.code == code)).first()
        if user is None:
            raise UserInputError(f"there is no user {code}: check the user code")
        if not (user.locked_until and user.locked_until > utcnow()):
            raise BusinessRefusal(f"{code} is not locked out: they can log in with their PIN")
        User.update(failed_attempts=0, locked_until=None).where(User.code == code).execute()
        record(actor, "user.unlock", code, reason=reason[:200], was_locked_until=user.locked_until)
    return User.get(User.code == code)


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
    """The login field takes either: a known badge logs in at once; anything else is a user code (PIN next).

    Digits alone that are neither a badge nor a user code are a PIN typed first (issue 21.1): refused without
    repeating them, so a PIN never shows in a message, a log or the audit trail."""
    value = (value or "").strip()
    if value and User.get_or_none(User.badge == value) is not None:
        return login_badge(value, station)
    if value.isdigit() and User.get_or_none(User.code == value) is None:
        raise AuthError("that looked like a PIN, so it was cleared: type your user code first, Enter, then your PIN")
    return None

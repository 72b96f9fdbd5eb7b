"""Station tokens: the credential of an automated station's headless commands (`jobfloor token add|revoke|list`).

An admin makes one for a station and the user it acts as; the secret is shown once and only its SHA-256 is kept.
A token proves the station and the user together, so the same role checks and the user's lockout apply as on a
screen, and every write it makes is audited with the token's number (Actor.via).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from core.clock import utcnow
from core.data.db import locked, write_txn
from core.data.models import ApiToken, Station, User
from core.errors import AuthError, NotFound, UserInputError
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import locked_message, require

PREFIX = "jft_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TokenRow:
    id: int
    station: str
    user: str
    note: str
    created_at: object
    created_by: str
    revoked_at: object
    last_used_at: object


def add_token(actor: Actor, station: str, user: str, note: str = "") -> tuple[int, str]:
    """A new token for `station` acting as `user`; returns (its number, the secret: shown once, never stored)."""
    require(actor, "tokens.edit")
    station, user = (station or "").strip(), (user or "").strip()
    if len(note) > 100:
        raise UserInputError("a token's note is at most 100 characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    with write_txn():
        if Station.get_or_none(Station.code == station) is None:
            raise NotFound(f"station {station} is not set up: see the Stations screen for the codes")
        if User.get_or_none((User.code == user) & (User.active == True)) is None:  # noqa: E712
            raise NotFound(f"unknown user '{user}': add it with `jobfloor user add`")
        row = ApiToken.create(digest=_digest(secret), station=station, user=user, note=note, created_by=actor.user)
        record(actor, "token.add", f"token {row.id}", station=station, user=user, note=note)
    return row.id, secret


def revoke_token(actor: Actor, token_id: int) -> TokenRow:
    require(actor, "tokens.edit")
    with write_txn():
        row = locked(ApiToken.select().where(ApiToken.id == token_id)).first()
        if row is None:
            raise NotFound(f"there is no token {token_id}: `jobfloor token list` shows them")
        if row.revoked_at is None:
            ApiToken.update(revoked_at=utcnow(), revoked_by=actor.user).where(ApiToken.id == token_id).execute()
            record(actor, "token.revoke", f"token {token_id}", station=row.station, user=row.user)
    return _row(ApiToken.get_by_id(token_id))


def list_tokens(actor: Actor) -> list[TokenRow]:
    require(actor, "tokens.edit")
    return [_row(r) for r in ApiToken.select().order_by(ApiToken.id)]


def _row(r: ApiToken) -> TokenRow:
    return TokenRow(r.id, r.station, r.user, r.note, r.created_at, r.created_by, r.revoked_at, r.last_used_at)


def token_actor(secret: str, station: str | None = None, user: str | None = None) -> Actor:
    """The actor a token stands for. Refused: an unknown or revoked token, another station or user than the
    token's, a user made inactive or locked after wrong PINs (a token is no way round a lockout)."""
    secret = (secret or "").strip()
    wanted = _digest(secret)
    row = ApiToken.get_or_none(ApiToken.digest == wanted) if secret.startswith(PREFIX) else None
    if row is None or not hmac.compare_digest(row.digest, wanted):
        raise AuthError("that station token is not known here: ask an admin for one (`jobfloor token add`)")
    if row.revoked_at is not None:
        raise AuthError(f"station token {row.id} was revoked by {row.revoked_by}: ask an admin for a new one")
    if station and station != row.station:
        raise AuthError(f"station token {row.id} belongs to station {row.station}, not {station}")
    if user and user != row.user:
        raise AuthError(f"station token {row.id} acts as {row.user}, not {user}: leave out --user, or use "
                        f"{user}'s PIN")
    person = User.get_or_none((User.code == row.user) & (User.active == True))  # noqa: E712
    if person is None:
        raise AuthError(f"station token {row.id}'s user {row.user} is no longer active here")
    if person.locked_until and person.locked_until > utcnow():
        raise AuthError(locked_message(person))
    with write_txn():
        ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == row.id).execute()
    return Actor(person.code, person.role, row.station, via=f"token:{row.id}")

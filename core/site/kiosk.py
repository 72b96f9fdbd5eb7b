"""Kiosk links: the address that makes a browser a station (`<public-url>/station/<token>`).

A station has at most one current link. Replacing it (a kiosk moved, a link that went where it should not) revokes
the old token: a browser still holding it gets a page that says so, and a session opened with it ends.
The link is a place, not a person: whoever uses the kiosk still logs in.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from core.data.db import locked, write_txn
from core.data.models import KioskLink, Station, utcnow
from core.data.setting_store import set_setting, setting
from core.errors import NotFound
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require

PUBLIC_URL_SETTING = "web_public_url"
# What `jobfloor serve --web` listens on when nobody said otherwise: a link printed before any server has run.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
TOKEN_BYTES = 18  # 24 URL-safe characters: not guessable, short enough to read out over a phone

CURRENT, REVOKED, UNKNOWN = "current", "revoked", "unknown"


@dataclass(frozen=True)
class LinkCheck:
    status: str  # CURRENT, REVOKED or UNKNOWN
    station: str | None = None


def public_url() -> str:
    return (setting(PUBLIC_URL_SETTING) or DEFAULT_PUBLIC_URL).rstrip("/")


def public_url_known() -> bool:
    return bool(setting(PUBLIC_URL_SETTING))


def remember_public_url(url: str) -> None:
    """Said by the server when it starts, so a link printed anywhere else points at it."""
    url = url.rstrip("/")
    if setting(PUBLIC_URL_SETTING) != url:
        with write_txn():
            set_setting(PUBLIC_URL_SETTING, url)


def link_url(token: str, base: str | None = None) -> str:
    return f"{(base or public_url()).rstrip('/')}/station/{token}"


def current_token(station: str) -> str | None:
    row = (KioskLink.select(KioskLink.token)
           .where((KioskLink.station == station) & KioskLink.revoked_at.is_null())
           .order_by(KioskLink.created_at.desc()).first())
    return row.token if row else None


def station_link(actor: Actor, station: str, new: bool = False) -> str:
    """The station's current token, made on first use; `new` revokes the current one and makes another."""
    require(actor, "stations.edit")
    with write_txn():
        # The station row locked (PostgreSQL): two supervisors replacing one link at once make one link, not two.
        if locked(Station.select().where(Station.code == station)).first() is None:
            raise NotFound(f"station {station} is not set up: see the Stations screen for the codes")
        old = current_token(station)
        if old and not new:
            return old
        if old:
            KioskLink.update(revoked_at=utcnow()).where(
                (KioskLink.station == station) & KioskLink.revoked_at.is_null()).execute()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        KioskLink.create(token=token, station=station, created_by=actor.user)
        record(actor, "station.link", station, replaced=old is not None)
    return token


def check_token(token: str) -> LinkCheck:
    """What a browser's link is worth now: the station it opens, or why it opens none."""
    if not token or len(token) > 64:
        return LinkCheck(UNKNOWN)
    row = KioskLink.get_or_none(KioskLink.token == token)
    if row is None:
        return LinkCheck(UNKNOWN)
    if row.revoked_at is not None:
        return LinkCheck(REVOKED, row.station_id)
    return LinkCheck(CURRENT, row.station_id)


def current_tokens(tokens: set[str]) -> set[str]:
    """Of these tokens, the ones still current (one query, for a server checking its open sessions)."""
    if not tokens:
        return set()
    rows = KioskLink.select(KioskLink.token).where(KioskLink.token.in_(list(tokens)) & KioskLink.revoked_at.is_null())
    return {r.token for r in rows}


def current_links() -> dict[str, str]:
    """Every station's current link, by station code (stations without one are not in it)."""
    base = public_url()
    rows = KioskLink.select(KioskLink.station, KioskLink.token).where(KioskLink.revoked_at.is_null())
    return {row.station_id: link_url(row.token, base) for row in rows}

"""The site's settings as stored: their defaults, and reading and writing one.

Kept apart from the schema so that anything the schema's upgrade calls (such as the TrackID numbers) can read a
setting without an import circle. What each setting means and how it is checked lives in core.site.settings.
"""
from __future__ import annotations

from core.data.models import Setting

DEFAULT_SETTINGS = {
    "gs1_company_prefix": "9501101",
    "sscc_extension_digit": "0",
    "site_name": "Demo site",
    "idle_logout_minutes": "15",
    "lockout_attempts": "5",
    "lockout_minutes": "10",
    "track_id_prefix": "T",
    "kit_task_due_hours": "4",
    "shift_start": "06:00",
    "shift_hours": "8",
    "at_risk_hours": "2",
    # SYSPRO's Post Material parameters (core.erp.postings; docs/interchange.md, "Files out")
    "syspro_bins": "Y",
    "syspro_posting_period": "C",
    "syspro_ignore_warnings": "N",
    "syspro_validate_only": "N",
}


def setting(key: str, default: str | None = None) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    if row:
        return row.value
    return DEFAULT_SETTINGS.get(key, default)


def set_setting(key: str, value: str) -> None:
    if Setting.get_or_none(Setting.key == key):
        Setting.update(value=value).where(Setting.key == key).execute()
    else:
        Setting.create(key=key, value=value)

"""The one place a date may come from the clock, and only when SOURCE_DATE_EPOCH does not say otherwise.

Builds never read the clock (feed and sitemap dates come from the articles);
``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/)
fixes the few dates that have no article to come from.
"""

from __future__ import annotations

import datetime as dt
import os


class BadSourceDateEpoch(ValueError):
    """``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds."""


def source_date_epoch() -> dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names, in UTC, or ``None`` when it is unset or empty."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BadSourceDateEpoch(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{value}'")
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def today() -> dt.date:
    """Today's date in UTC, or the day ``SOURCE_DATE_EPOCH`` names."""
    fixed = source_date_epoch()
    return (fixed or dt.datetime.now(dt.UTC)).date()


def fallback_date() -> dt.date:
    """A date for a build that has no article to take one from: SOURCE_DATE_EPOCH's, else 1970-01-01 (never the clock)."""
    fixed = source_date_epoch()
    return fixed.date() if fixed else dt.date(1970, 1, 1)

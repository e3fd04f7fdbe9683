"""Dates and times shown to staff: in their language, in the business's zone, zone named.

**Whose zone.** A staff member's own zone would be their ClickBook account's, but ClickBook's
sign-in answers only with the account's name (``user``, ``usercn``; see the wire contract) and
no operation the bot uses returns a Service Provider's zone. Staff work for one business, so
times are shown in the business's zone (``CLICKBOT_BUSINESS_TIMEZONE``), always with the zone
named, so that a member travelling elsewhere can still read them right.

**Whose format.** The member's language, with the business's country when Babel knows that
combination: an English-speaking business in Sydney reads "3 Dec 2026, 9:47 am AEDT", not the
US "Dec 3, 2026, 9:47 AM"; German in Berlin reads "3. Dez. 2026, 09:47 MEZ".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from babel.dates import (
    format_skeleton,
    format_time,
    format_timedelta,
    get_timezone_gmt,
    get_timezone_name,
)

from bot.i18n import Translator

_OFFSET_ONLY = re.compile(r"^[+\-−]?\d")
"""Babel's short zone name falls back to an offset ("+1100") where the language has none."""


def staff_locale(t: Translator, region: str | None) -> Locale:
    """Return the member's language, narrowed to the business's country if Babel has it."""
    if region and localedata.exists(f"{t.language}_{region}"):
        return Locale.parse(f"{t.language}_{region}")
    return Locale.parse(t.language)


def zone_name(zone: ZoneInfo, moment: datetime, locale: Locale) -> str:
    """Return the zone's short name in the language ("AEDT", "MEZ") or, where it has none,
    the offset then in force ("GMT+11:00"): the long names ("Ostaustralische Sommerzeit")
    are too long for a phone's line."""
    local = moment.astimezone(zone)
    short = get_timezone_name(local, "short", locale=locale)
    if short and not _OFFSET_ONLY.match(short):
        return short
    return get_timezone_gmt(local, "long", locale=locale)


def moment(t: Translator, when: datetime, *, zone: str, region: str | None) -> str:
    """Return "3 Dec 2026, 9:47 am AEDT": date, time and zone, as the member reads them."""
    locale = staff_locale(t, region)
    tz = ZoneInfo(zone)
    local = when.astimezone(tz)
    date = format_skeleton("yMMMd", local, locale=locale)
    time = format_time(local, "short", locale=locale)
    # CLDR's own way of joining a date and a time ("{1}, {0}", "{1} 'um' {0}", ...).
    joined = str(locale.datetime_formats["medium"]).replace("'", "")
    text = joined.replace("{1}", date).replace("{0}", time)
    return f"{text} {zone_name(tz, when, locale)}"


def from_now(t: Translator, when: datetime, now: datetime) -> str:
    """Return "in 15 minutes" in the member's language (never "in 0 seconds")."""
    delta = max(when - now, timedelta(seconds=1))
    return format_timedelta(delta, add_direction=True, locale=t.language)

"""The sign-up's consent to ClickBook's terms: a link to read them and a button to agree.

What is stored is the moment of consent, in UTC; the summary shows it in the customer's own
time zone (the one chosen a few steps earlier) and in their language.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time, get_datetime_format

from bot.clickbook.timezones import TimeZone
from bot.i18n import Translator
from bot.ui import Button, Screen
from conversations.form import Answer, Field, FormSession, Invalid, Outcome

ZONE_KEY = "timezone"
"""The draft key of the customer's ClickBook time zone (its label is kept beside it)."""


class TermsField(Field):
    """Consent to ClickBook's terms; the time of consent is what is stored."""

    def __init__(self, key: str, *, terms_url: str, business_zone: str) -> None:
        super().__init__(key)
        self.terms_url = terms_url
        self.business_zone = business_zone

    def title(self, t: Translator) -> str:
        return t.plain("field.terms")

    def display(self, session: FormSession) -> str:
        agreed = datetime.fromisoformat(str(session.fields[self.key]))
        zone = customer_zone(session, agreed) or ZoneInfo(self.business_zone)
        return session.t("terms.agreed", when=local_moment(agreed, zone, session.t.language))

    async def prompt(self, session: FormSession) -> Screen:
        t = session.t
        return Screen(
            t("terms.prompt"),
            rows=[
                [Button(t.plain("terms.read"), url=self.terms_url)],
                [Button(t.plain("terms.agree"), "agree")],
            ],
        )

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        return Invalid(session.t("terms.use_button"))

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        if action == "agree":
            return Answer(session.now.isoformat(timespec="seconds"))
        return None


def customer_zone(session: FormSession, instant: datetime) -> tzinfo | None:
    """Return the offset of the customer's chosen ClickBook zone at ``instant``, if known."""
    value = session.fields.get(ZONE_KEY)
    if not isinstance(value, str):
        return None
    try:
        zone = TimeZone.parse(value, str(session.fields.get("timezone_label") or ""))
        return timezone(zone.utc_offset_at(instant))
    except ValueError:
        return None


def local_moment(instant: datetime, zone: tzinfo, language: str) -> str:
    """Format an aware instant as a date and time in ``zone``, the way ``language`` writes them.

    E.g. ``Mar 2, 2026, 8:30 PM`` in English, ``2. März 2026, 20:30`` in German.
    """
    local = instant.astimezone(zone)
    day = format_skeleton("yMMMd", local, locale=language)
    time = format_time(local, "short", tzinfo=zone, locale=language)
    return (
        str(get_datetime_format("medium", locale=language))
        .replace("{1}", day)
        .replace("{0}", time)
    )

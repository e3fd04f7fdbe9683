"""Pickers for long lists: the country and the ClickBook time zone.

Both offer the likely answers first (the country the phone number implies; the business's zone
and the chosen country's zones, each with the local time now), then a search by typing, then
the whole list in pages. Callback actions carry a country code or an index into ClickBook's
list, never the ClickBook value itself, so callback data stays far below 64 bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.clickbook.timezones import TimeZone
from bot.domain import looks_like_password
from bot.domain.countries import all_countries, country_name, search_countries
from bot.domain.zones import (
    ZoneChoice,
    search_zone_choices,
    zone_choice_for_iana,
    zone_choices_for_country,
)
from bot.i18n import Translator, escape
from bot.ui import Button, Screen
from conversations.callback_args import country_code, number
from conversations.fields import PHONE_REGION
from conversations.form import Answer, Field, FormSession, Invalid, Outcome, Redisplay

PAGE_SIZE = 8
LIKELY_CACHE_SIZE = 512
ZONE_CANDIDATE = "zone_candidate"
COUNTRY_DECLINED = "country_declined"

ZoneSource = Callable[[], Awaitable[Sequence[TimeZone]]]


def page_rows(
    items: Sequence[Button], page: int, t: Translator, *, per_row: int = 2
) -> tuple[list[list[Button]], int]:
    """Lay out one page of buttons, ``per_row`` a row, with ◀ ▶ when there is more."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [list(chunk[i : i + per_row]) for i in range(0, len(chunk), per_row)]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(t.plain("picker.previous"), f"pg.{page - 1}"))
    if page < pages - 1:
        nav.append(Button(t.plain("picker.next"), f"pg.{page + 1}"))
    if nav:
        rows.append(nav)
    return rows, page


def no_match(t: Translator, picker: str, text: str) -> str:
    """Say a search found nothing, quoting the search unless it could be a password."""
    if looks_like_password(text):
        return t(f"{picker}.no_match_unquoted")
    return t(f"{picker}.no_match", query=text[:60])


class CountryField(Field):
    """The customer's country, stored as an ISO 3166 code; shown in the user's language."""

    def title(self, t: Translator) -> str:
        return t.plain("field.country")

    def is_answered(self, session: FormSession) -> bool:
        # A draft written before callback data was checked may hold a forged code: ask again.
        stored = session.fields.get(self.key)
        return isinstance(stored, str) and country_code(stored) is not None

    def display(self, session: FormSession) -> str:
        return escape(country_name(session.fields[self.key], session.t.language))

    async def prompt(self, session: FormSession) -> Screen:
        t = session.t
        implied = session.scratch(PHONE_REGION)
        if implied and not session.scratch(COUNTRY_DECLINED):
            name = country_name(implied, t.language)
            return Screen(
                t("country.from_phone", country=name),
                rows=[[Button(name, f"c.{implied}")], [Button(t.plain("country.other"), "pg.0")]],
            )
        return self._page(session, 0)

    def _page(self, session: FormSession, page: int) -> Screen:
        t = session.t
        buttons = [
            Button(country.name, f"c.{country.code}") for country in all_countries(t.language)
        ]
        rows, page = page_rows(buttons, page, t)
        return Screen(t("country.prompt"), rows=rows)

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        t = session.t
        matches = search_countries(text, t.language, limit=PAGE_SIZE)
        if not matches:
            return Invalid(no_match(t, "country", text))
        rows = [[Button(country.name, f"c.{country.code}")] for country in matches]
        rows.append([Button(t.plain("country.other"), "pg.0")])
        return Redisplay(Screen(t("country.results"), rows=rows))

    async def leave(self, session: FormSession) -> None:
        await session.set_scratch(COUNTRY_DECLINED, None)

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        kind, _, argument = action.partition(".")
        code = country_code(argument) if kind == "c" else None
        if code is not None:
            return Answer(code)
        page = number(argument) if kind == "pg" else None
        if page is not None:
            await session.set_scratch(COUNTRY_DECLINED, True)
            return Redisplay(self._page(session, page))
        return None


class TimeZoneField(Field):
    """A ClickBook time zone, chosen from buttons and confirmed by the local time it implies."""

    def __init__(self, key: str, *, zones: ZoneSource, business_zone: str) -> None:
        super().__init__(key)
        self.zones = zones
        self.business_zone = business_zone
        self._likely_cache: dict[tuple[object, ...], list[tuple[int, ZoneChoice]]] = {}

    def title(self, t: Translator) -> str:
        return t.plain("field.timezone")

    def display(self, session: FormSession) -> str:
        return escape(session.fields.get("timezone_label") or session.fields[self.key])

    def _button(
        self, zones: Sequence[TimeZone], choice: ZoneChoice, session: FormSession
    ) -> Button:
        return Button(choice.button_label(session.now), f"z.{zones.index(choice.zone)}")

    async def prompt(self, session: FormSession) -> Screen:
        t = session.t
        zones = list(await self.zones())
        candidate = session.scratch(ZONE_CANDIDATE)
        if candidate is not None and 0 <= candidate < len(zones):
            return self._confirm(session, zones[candidate])
        likely = self._likely(zones, session.fields.get("country"), session.now)
        buttons = [
            Button(choice.button_label(session.now), f"z.{index}")
            for index, choice in likely[:PAGE_SIZE]
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([Button(t.plain("timezone.all"), "pg.0")])
        return Screen(t("timezone.prompt"), rows=rows)

    def _likely(
        self, zones: Sequence[TimeZone], country: str | None, now: datetime
    ) -> list[tuple[int, ZoneChoice]]:
        """Return the business's zone, then the country's, each with its index in the list.

        Matching ClickBook's list against IANA's takes milliseconds per screen, and the answer
        only changes with the list, the country or a DST transition (always on the hour), so
        it is cached per hour.
        """
        hour = now.replace(minute=0, second=0, microsecond=0)
        key = (tuple(zone.value for zone in zones), country, hour)
        cached = self._likely_cache.get(key)
        if cached is not None:
            return cached
        likely: list[ZoneChoice] = []
        business = zone_choice_for_iana(zones, self.business_zone, now)
        if business is not None:
            likely.append(business)
        if country:
            offered = {choice.zone.value for choice in likely}
            likely += [
                choice
                for choice in zone_choices_for_country(zones, country, now)
                if choice.zone.value not in offered
            ]
        position = {zone.value: index for index, zone in enumerate(zones)}
        result = [(position[choice.zone.value], choice) for choice in likely]
        if len(self._likely_cache) >= LIKELY_CACHE_SIZE:
            self._likely_cache.clear()
        self._likely_cache[key] = result
        return result

    def _confirm(self, session: FormSession, zone: TimeZone) -> Screen:
        t = session.t
        local = zone.local_time(session.now).strftime("%H:%M")
        return Screen(
            t("timezone.confirm", time=local, zone=zone.label),
            rows=[
                [Button(t.plain("timezone.yes"), "ok"), Button(t.plain("timezone.no"), "again")]
            ],
        )

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        t = session.t
        zones = list(await self.zones())
        matches = search_zone_choices(zones, text, session.now, limit=PAGE_SIZE, locale=t.language)
        if not matches:
            return Invalid(no_match(t, "timezone", text))
        rows = [[self._button(zones, choice, session)] for choice in matches]
        rows.append([Button(t.plain("timezone.all"), "pg.0")])
        return Redisplay(Screen(t("timezone.results"), rows=rows))

    async def leave(self, session: FormSession) -> None:
        await session.set_scratch(ZONE_CANDIDATE, None)

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        kind, _, argument = action.partition(".")
        zones = list(await self.zones())
        chosen = number(argument, below=len(zones)) if kind == "z" else None
        if chosen is not None:
            await session.set_scratch(ZONE_CANDIDATE, chosen)
            return Redisplay(self._confirm(session, zones[chosen]))
        page = number(argument) if kind == "pg" else None
        if page is not None:
            buttons = [Button(zone.label, f"z.{index}") for index, zone in enumerate(zones)]
            rows, _ = page_rows(buttons, page, session.t, per_row=1)
            return Redisplay(Screen(session.t("timezone.page"), rows=rows))
        candidate = session.scratch(ZONE_CANDIDATE)
        if action == "again":
            await session.set_scratch(ZONE_CANDIDATE, None)
            return Redisplay(await self.prompt(session))
        if action == "ok" and candidate is not None and candidate < len(zones):
            await session.set_scratch(ZONE_CANDIDATE, None)
            await session.save("timezone_label", zones[candidate].label)
            return Answer(zones[candidate].value)
        return None

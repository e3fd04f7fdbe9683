"""Pickers for long lists: the country and the ClickBook time zone.

Both offer the likely answers first (the country the phone number implies; the zone the phone
number implies, the business's zone and all of the chosen country's zones, each with its city
in the user's language and the real local time now), then a search by typing, then the whole
list in pages, every page numbered. A search with one hit goes straight to its confirmation.
When answers disagree (a UK phone and country Australia, a Sydney zone and a new country
Germany) the picker asks once which one stands.

Callback actions carry a country code, an index into ClickBook's list and, for a zone chosen as
an IANA zone, an index into the IANA list, never the ClickBook value itself, so callback data
stays far below 64 bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.clickbook.timezones import TimeZone
from bot.domain import looks_like_password
from bot.domain.countries import all_countries, country_name, search_countries
from bot.domain.phones import implied_zones
from bot.domain.zones import (
    IANA_ZONE_IDS,
    ZoneChoice,
    city_name,
    country_of_zone,
    real_label,
    search_zone_choices,
    zone_choice_for_iana,
    zone_choices_for_country,
)
from bot.i18n import Translator, escape
from bot.ui import Button, Screen
from conversations.callback_args import country_code, number
from conversations.fields import PHONE_REGION
from conversations.form import (
    LABELS_KEY,
    Answer,
    Field,
    FormSession,
    Invalid,
    Outcome,
    Redisplay,
    normalise_label,
)

PAGE_SIZE = 8
LIKELY_CACHE_SIZE = 512
ZONE_CANDIDATE = "zone_candidate"
ZONE_CANDIDATE_IANA = "zone_candidate_iana"
COUNTRY_DECLINED = "country_declined"
COUNTRY_CONFIRMED = "country_confirmed"
"""Scratch: a country kept although the phone number is from another (asked once)."""
TIMEZONE_IANA = "timezone_iana"
"""Draft: the IANA zone the customer chose, to show its city and real offset (not sent)."""
TIMEZONE_LABEL = "timezone_label"
"""Draft: ClickBook's label of the chosen zone, for zones chosen without an IANA zone."""
TIMEZONE = "timezone"
BUSINESS_MARK = "🏢 "

ZoneSource = Callable[[], Awaitable[Sequence[TimeZone]]]


def page_rows(
    items: Sequence[Button], page: int, t: Translator, *, per_row: int = 2, action: str = "pg"
) -> tuple[list[list[Button]], int]:
    """Lay out one page of buttons, ``per_row`` a row, with ◀ 3/20 ▶ when there is more."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [list(chunk[i : i + per_row]) for i in range(0, len(chunk), per_row)]
    if pages > 1:
        nav: list[Button] = []
        if page > 0:
            nav.append(Button(t.plain("picker.previous"), f"{action}.{page - 1}"))
        nav.append(Button(f"{page + 1}/{pages}", f"{action}.{page}"))
        if page < pages - 1:
            nav.append(Button(t.plain("picker.next"), f"{action}.{page + 1}"))
        rows.append(nav)
    return rows, page


def no_match(t: Translator, picker: str, text: str) -> str:
    """Say a search found nothing, quoting the search unless it could be a password."""
    if looks_like_password(text):
        return t(f"{picker}.no_match_unquoted")
    return t(f"{picker}.no_match", query=text[:60])


def zone_city(session: FormSession) -> str:
    """Return the chosen zone's place in the user's language (``Sydney``), for questions."""
    iana = session.fields.get(TIMEZONE_IANA)
    if isinstance(iana, str) and iana in IANA_ZONE_IDS:
        return city_name(iana, session.t.language)
    zone = _stored_zone(session)
    return zone.places[0] if zone and zone.places else str(session.fields.get(TIMEZONE_LABEL))


def _stored_zone(session: FormSession) -> TimeZone | None:
    """Rebuild the chosen ClickBook zone from the draft (its value and label)."""
    value, label = session.fields.get(TIMEZONE), session.fields.get(TIMEZONE_LABEL)
    if not isinstance(value, str) or not isinstance(label, str):
        return None
    try:
        return TimeZone.parse(value, label)
    except ValueError:
        return None


class CountryField(Field):
    """The customer's country, stored as an ISO 3166 code; shown in the user's language."""

    def __init__(self, key: str, *, zones: ZoneSource | None = None) -> None:
        super().__init__(key)
        self.zones = zones

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
        if len(matches) == 1:
            return await self._choose(session, matches[0].code)
        rows = [[Button(country.name, f"c.{country.code}")] for country in matches]
        rows.append([Button(t.plain("country.other"), "pg.0")])
        return Redisplay(Screen(t("country.results"), rows=rows))

    async def leave(self, session: FormSession) -> None:
        await session.set_scratch(COUNTRY_DECLINED, None)

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        kind, _, argument = action.partition(".")
        code = country_code(argument) if kind in ("c", "ck", "zk", "zc") else None
        if code is not None and kind == "c":
            return await self._choose(session, code)
        if code is not None and kind == "ck":
            await session.set_scratch(COUNTRY_CONFIRMED, code)
            return await self._choose(session, code)
        if code is not None and kind == "zk":
            return Answer(code)
        if code is not None and kind == "zc":
            for key in (TIMEZONE, TIMEZONE_IANA, TIMEZONE_LABEL):
                await session.forget(key)
            return Answer(code)
        page = number(argument) if kind == "pg" else None
        if page is not None:
            await session.set_scratch(COUNTRY_DECLINED, True)
            return Redisplay(self._page(session, page))
        return None

    async def _choose(self, session: FormSession, code: str) -> Outcome:
        """Take a country, first asking once when the phone or the zone says otherwise."""
        t = session.t
        name = country_name(code, t.language)
        phone_region = session.scratch(PHONE_REGION)
        # Asked once, when the country is first given: a country changed later on purpose
        # (from the summary, or Back) is not questioned again.
        first_answer = self.key not in session.fields
        if (
            first_answer
            and phone_region
            and phone_region != code
            and session.scratch(COUNTRY_CONFIRMED) != code
        ):
            return Redisplay(
                Screen(
                    t(
                        "country.phone_mismatch",
                        phone_country=country_name(phone_region, t.language),
                        country=name,
                    ),
                    rows=[
                        [Button(t.plain("country.keep", country=name), f"ck.{code}")],
                        [Button(t.plain("country.choose_again"), "pg.0")],
                    ],
                )
            )
        if await self._zone_elsewhere(session, code):
            city = zone_city(session)
            return Redisplay(
                Screen(
                    t("country.zone_mismatch", zone=city, country=name),
                    rows=[
                        [Button(t.plain("country.keep_zone", zone=city), f"zk.{code}")],
                        [Button(t.plain("country.zone_again"), f"zc.{code}")],
                    ],
                )
            )
        return Answer(code)

    async def _zone_elsewhere(self, session: FormSession, code: str) -> bool:
        """Tell whether the zone already chosen is none of the country's zones."""
        stored = session.fields.get(TIMEZONE)
        if self.zones is None or not isinstance(stored, str):
            return False
        if session.fields.get(self.key) == code:
            return False
        zones = await self.zones()
        offered = {
            choice.zone.value for choice in zone_choices_for_country(zones, code, session.now)
        }
        return stored not in offered


class TimeZoneField(Field):
    """A ClickBook time zone, chosen from buttons and confirmed by the local time it implies."""

    def __init__(self, key: str, *, zones: ZoneSource, business_zone: str) -> None:
        super().__init__(key)
        self.zones = zones
        self.business_zone = business_zone
        self._likely_cache: dict[tuple[object, ...], list[tuple[int, ZoneChoice, bool]]] = {}

    def title(self, t: Translator) -> str:
        return t.plain("field.timezone")

    def display(self, session: FormSession) -> str:
        iana = session.fields.get(TIMEZONE_IANA)
        zone = _stored_zone(session)
        if zone is None:
            return escape(session.fields.get(TIMEZONE_LABEL) or session.fields[self.key])
        if isinstance(iana, str) and iana in IANA_ZONE_IDS:
            return escape(ZoneChoice(zone, "", iana).describe(session.now, session.t.language))
        return escape(real_label(zone, session.now))

    def _button(self, session: FormSession, index: int, choice: ZoneChoice) -> Button:
        """Return a zone's button: its city in the user's language and the time there now."""
        action = f"z.{index}"
        if choice.iana in IANA_ZONE_IDS:
            action += f".{IANA_ZONE_IDS.index(choice.iana)}"
        return Button(choice.button_label(session.now, session.t.language), action)

    async def prompt(self, session: FormSession) -> Screen:
        zones = list(await self.zones())
        candidate = session.scratch(ZONE_CANDIDATE)
        if candidate is not None and 0 <= candidate < len(zones):
            return self._confirm(session, zones[candidate], session.scratch(ZONE_CANDIDATE_IANA))
        return self._likely_page(session, zones, 0)

    def _likely_page(self, session: FormSession, zones: Sequence[TimeZone], page: int) -> Screen:
        """Return one page of the likely zones: the phone's, the business's, the country's."""
        t = session.t
        likely = self._likely(
            zones, session.fields.get("country"), self._phone_zone(session), session.now
        )
        buttons = []
        for index, choice, is_business in likely:
            button = self._button(session, index, choice)
            if is_business:
                button = Button(BUSINESS_MARK + button.label, button.action)
            buttons.append(button)
        rows, _ = page_rows(buttons, page, t, action="lp")
        rows.append([Button(t.plain("timezone.all"), "pg.0")])
        text = t("timezone.prompt")
        if any(is_business for _, _, is_business in likely):
            text += "\n" + t("timezone.business_note")
        return Screen(text, rows=rows)

    def _phone_zone(self, session: FormSession) -> str | None:
        """Return the one IANA zone the phone number's area lies in, if it names one."""
        phone = session.fields.get("phone")
        if not isinstance(phone, str):
            return None
        zones = implied_zones(phone)
        return zones[0] if len(zones) == 1 else None

    def _likely(
        self, zones: Sequence[TimeZone], country: str | None, phone_zone: str | None, now: datetime
    ) -> list[tuple[int, ZoneChoice, bool]]:
        """Return the phone's zone, the business's, then all the country's, with their indexes.

        Each comes with its index in ClickBook's list and whether it is the business's zone.
        The phone's zone goes first only if it lies in the chosen country, the business's
        zone after the country's when it lies elsewhere. Matching
        ClickBook's list against IANA's takes milliseconds per screen, and the answer only
        changes with the list, the country, the phone's zone or a DST transition (always on
        the hour), so it is cached per hour.
        """
        hour = now.replace(minute=0, second=0, microsecond=0)
        key = (tuple(zone.value for zone in zones), country, phone_zone, hour)
        cached = self._likely_cache.get(key)
        if cached is not None:
            return cached
        likely: list[ZoneChoice] = []
        if phone_zone and (country is None or country_of_zone(phone_zone) == country):
            phone_choice = zone_choice_for_iana(zones, phone_zone, now)
            if phone_choice is not None:
                likely.append(phone_choice)
        business = zone_choice_for_iana(zones, self.business_zone, now)
        # The business's zone leads when it is in the customer's country; for a customer
        # abroad it comes after their own country's zones.
        business_abroad = bool(country) and country_of_zone(self.business_zone) != country
        if business is not None and not business_abroad:
            likely.append(business)
        if country:
            likely += zone_choices_for_country(zones, country, now)
        if business is not None and business_abroad:
            likely.append(business)
        position = {zone.value: index for index, zone in enumerate(zones)}
        business_value = business.zone.value if business else None
        result: list[tuple[int, ZoneChoice, bool]] = []
        offered: set[str] = set()
        for choice in likely:
            if choice.zone.value in offered:
                continue
            offered.add(choice.zone.value)
            is_business = choice.zone.value == business_value
            result.append((position[choice.zone.value], choice, is_business))
        if len(self._likely_cache) >= LIKELY_CACHE_SIZE:
            self._likely_cache.clear()
        self._likely_cache[key] = result
        return result

    def _confirm(self, session: FormSession, zone: TimeZone, iana: str | None) -> Screen:
        t = session.t
        choice = ZoneChoice(zone, zone.places[0] if zone.places else zone.name, iana)
        described = (
            choice.describe(session.now, t.language) if iana else real_label(zone, session.now)
        )
        return Screen(
            t("timezone.confirm", time=f"{choice.local_time(session.now):%H:%M}", zone=described),
            rows=[
                [Button(t.plain("timezone.yes"), "ok"), Button(t.plain("timezone.no"), "again")]
            ],
        )

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        t = session.t
        shown = self._shown_zone_button(session, text)
        if shown is not None:
            return await self.on_action(session, shown) or Invalid(t("form.stale"))
        zones = list(await self.zones())
        matches = search_zone_choices(zones, text, session.now, limit=PAGE_SIZE, locale=t.language)
        if not matches:
            return Invalid(no_match(t, "timezone", text))
        position = {zone.value: index for index, zone in enumerate(zones)}
        if len(matches) == 1:
            [only] = matches
            return await self._pick(session, zones, position[only.zone.value], only.iana)
        rows = [[self._button(session, position[choice.zone.value], choice)] for choice in matches]
        rows.append([Button(t.plain("timezone.all"), "pg.0")])
        return Redisplay(Screen(t("timezone.results"), rows=rows))

    def _shown_zone_button(self, session: FormSession, text: str) -> str | None:
        """Return the action of the zone button on screen whose place the user typed.

        ``Sydney`` typed under a button reading ``Sydney · 08:30`` is that button.
        """
        labels = session.fields.get(LABELS_KEY)
        wanted = normalise_label(text)
        if not isinstance(labels, list) or not wanted:
            return None
        actions = {
            str(action)
            for label, action in labels
            if str(action).startswith("z.")
            and normalise_label(str(label).rsplit(" · ", 1)[0]) == wanted
        }
        return actions.pop() if len(actions) == 1 else None

    async def leave(self, session: FormSession) -> None:
        await session.set_scratch(ZONE_CANDIDATE, None)
        await session.set_scratch(ZONE_CANDIDATE_IANA, None)

    async def _pick(
        self, session: FormSession, zones: Sequence[TimeZone], index: int, iana: str | None
    ) -> Outcome:
        """Keep a zone as the candidate and ask whether its local time is right."""
        await session.set_scratch(ZONE_CANDIDATE, index)
        await session.set_scratch(ZONE_CANDIDATE_IANA, iana)
        return Redisplay(self._confirm(session, zones[index], iana))

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        kind, _, argument = action.partition(".")
        zones = list(await self.zones())
        if kind == "z":
            first, _, second = argument.partition(".")
            chosen = number(first, below=len(zones))
            if chosen is None:
                return None
            iana_index = number(second, below=len(IANA_ZONE_IDS)) if second else None
            iana = IANA_ZONE_IDS[iana_index] if iana_index is not None else None
            if iana is not None:
                # Forged data could pair Sydney's clock with another zone's label.
                match = zone_choice_for_iana(zones, iana, session.now)
                iana = iana if match is not None and match.zone == zones[chosen] else None
            return await self._pick(session, zones, chosen, iana)
        page = number(argument) if kind in ("pg", "lp") else None
        if page is not None and kind == "lp":
            return Redisplay(self._likely_page(session, zones, page))
        if page is not None:
            buttons = [
                Button(real_label(zone, session.now), f"z.{index}")
                for index, zone in enumerate(zones)
            ]
            rows, _ = page_rows(buttons, page, session.t, per_row=1)
            return Redisplay(Screen(session.t("timezone.page"), rows=rows))
        candidate = session.scratch(ZONE_CANDIDATE)
        if action == "again":
            await self.leave(session)
            return Redisplay(await self.prompt(session))
        if action == "ok" and candidate is not None and candidate < len(zones):
            iana = session.scratch(ZONE_CANDIDATE_IANA)
            await self.leave(session)
            await session.save(TIMEZONE_LABEL, zones[candidate].label)
            if iana:
                await session.save(TIMEZONE_IANA, iana)
            else:
                await session.forget(TIMEZONE_IANA)
            return Answer(zones[candidate].value)
        return None

"""Fuzz the callback parsers: no callback data of up to 64 bytes makes one raise.

A modified Telegram client can send any data with a tap. Each parser is given arbitrary text
and text shaped like the bot's own data (a known action prefix with anything after it).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import User

from bot.clickbook.timezones import TimeZone
from bot.i18n import load_catalogs
from bot.sandbox.clickbook.timezone_data import TIME_ZONE_ROWS
from bot.ui import CALLBACK_DATA_LIMIT, CallbackData
from conversations.callback_args import MAX_ID, MAX_NUMBER, country_code, number, record_id
from conversations.form import Answer, Form, FormSession, Invalid, Redisplay
from conversations.pending import parse_action
from conversations.pickers import CountryField, TimeZoneField

ZONES = [TimeZone.parse(value, label) for value, label in TIME_ZONE_ROWS]
CATALOGS = load_catalogs()
PREFIXES = ["c.", "pg.", "z.", "r.", "rc.", "p.", "f.", "fc.", "ok", "again", "edit.", ""]


def fits(text: str) -> bool:
    """Tell whether Telegram would carry ``text`` as callback data (1 to 64 bytes)."""
    return 0 < len(text.encode("utf-8", "surrogatepass")) <= CALLBACK_DATA_LIMIT


digits_of_any_script = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=20)
fragments = st.one_of(
    st.text(max_size=20),
    digits_of_any_script,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["ZZ", "zz", "AU", "ÄÖ", "0", "²", "٣", "1_000"]),
)
actions = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(PREFIXES), fragments)
flows = st.one_of(st.sampled_from(["su", "si", "iv", "sf", "pd", "lg"]), st.text(max_size=4))
payloads = st.one_of(
    st.text(max_size=CALLBACK_DATA_LIMIT),
    actions,
    st.builds(lambda flow, nonce, action: f"{flow}:{nonce}:{action}", flows, fragments, actions),
).filter(fits)


@given(payloads)
def test_decode_returns_our_data_or_none(data: str) -> None:
    decoded = CallbackData.decode(data)
    if decoded is not None:
        assert decoded.nonce.isascii()
        assert decoded.nonce.isdecimal()
        assert decoded.encode() == data


@given(st.one_of(payloads, fragments))
def test_numbers_ids_and_codes_are_in_bounds_or_none(text: str) -> None:
    value = number(text)
    assert value is None or 0 <= value < MAX_NUMBER
    identifier = record_id(text)
    assert identifier is None or 0 < identifier < MAX_ID
    code = country_code(text)
    assert code is None or (len(code) == 2 and code.isascii() and code.isupper())


@given(payloads)
def test_pending_actions_parse_to_bounded_numbers(action: str) -> None:
    _, invite_id, page = parse_action(action)
    assert 0 <= invite_id < MAX_ID
    assert 0 <= page < MAX_NUMBER


def session_for(form: Form) -> FormSession:
    """A sign-up session at the country and time zone steps, as the pickers see it."""
    return FormSession(
        flow=form.flow,
        user=User(id=1, first_name="Ann", is_bot=False),
        chat_id=1,
        t=CATALOGS.translator("en"),
        store=None,  # type: ignore[arg-type]  # the pickers only stage changes, never write
        now=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        fields={"country": "AU"},
        editing=None,
        services=None,
        form=form,
    )


async def zone_list() -> list[TimeZone]:
    """ClickBook's zone list, as the sandbox serves it."""
    return ZONES


@settings(deadline=None)  # an event loop per example; its start-up time varies
@given(payloads)
def test_the_pickers_refuse_or_take_any_action_without_raising(action: str) -> None:
    country = CountryField("country")
    zone = TimeZoneField("timezone", zones=zone_list, business_zone="Australia/Sydney")
    form = Form(flow="su", fields=[country, zone], summary_title="summary.title")

    async def tap() -> None:
        for field in (country, zone):
            session = session_for(form)
            outcome = await field.on_action(session, action)
            assert outcome is None or isinstance(outcome, Answer | Invalid | Redisplay)
            if isinstance(outcome, Answer) and field is country:
                assert country_code(outcome.value) == outcome.value

    asyncio.run(tap())

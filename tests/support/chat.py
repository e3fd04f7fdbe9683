"""Play a customer through the sign-up, and read what they see in terms of catalog keys."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.domain.countries import country_name
from bot.domain.zones import city_name
from bot.i18n import LANGUAGES, Translator
from bot.sandbox.telegram.views import ChatMessage
from bot.sandbox.world import World

TAG = re.compile(r"<[^>]+>")
FLOW = "su"
STEP_PROMPTS = {
    "first_name": "name.first_prompt",
    "last_name": "name.last_prompt",
    "email": "email.prompt",
    "phone": "phone.prompt",
    "country": "country.from_phone",
    "timezone": "timezone.prompt",
    "password": "password.prompt",
    "terms": "terms.prompt",
    "summary": "summary.title",
}
"""The catalog key that shows each sign-up step is being asked (as ``fill_to`` reaches it)."""


def visible(rendered_html: str) -> str:
    """Return what Telegram shows for a catalog string rendered as HTML."""
    return html.unescape(TAG.sub("", rendered_html)).strip()


@dataclass
class Customer:
    """A simulated Telegram user plus what a complete sign-up needs."""

    world: World
    actor: Any
    language: str = "en"
    email: str = "ann.lee@example.com"
    password: str = "Secret123"
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def t(self) -> Translator:
        """The catalog of the customer's language."""
        return self.world.catalogs.translator(self.language)

    def sees(self, key: str, **params: Any) -> bool:
        """Tell whether the newest bot message contains the catalog text of ``key``."""
        return visible(self.t(key, **params)) in self.actor.last.text

    def assert_sees(self, key: str, **params: Any) -> None:
        """Fail with the transcript's newest message when ``key``'s text is not shown."""
        expected = visible(self.t(key, **params))
        assert expected in self.actor.last.text, (
            f"expected {key!r} ({expected!r}) in the newest message:\n{self.actor.last.text}"
        )

    def assert_asks(self, step: str) -> None:
        """Fail unless the newest message asks the question of ``step`` (or is the summary)."""
        params = {"country": country_name("AU", self.language)} if step == "country" else {}
        self.assert_sees(STEP_PROMPTS[step], **params)

    async def draft_answers(self) -> dict[str, Any]:
        """Return the answers in the sign-up draft (the engine's own ``_`` keys left out)."""
        store = self.world.store
        assert store is not None
        draft = await store.get_draft(self.actor.id, FLOW)
        assert draft is not None, "no sign-up draft"
        return {key: value for key, value in draft.fields.items() if not key.startswith("_")}

    def label(self, key: str, **params: Any) -> str:
        """Return the button label of a catalog key."""
        return self.t.plain(key, **params)

    async def tap(self, key: str, **params: Any) -> None:
        """Use the button labelled with a catalog key, on the reply keyboard or inline."""
        await self.actor.use(self.label(key, **params))

    async def choose(self, key: str, **params: Any) -> None:
        """Use the button labelled with a catalog key, on the reply keyboard or inline."""
        await self.actor.use(self.label(key, **params))

    async def send(self, text: str) -> None:
        """Type a message."""
        await self.actor.send(text)

    async def start(self) -> None:
        """Send /start and press Start."""
        await self.send("/start")
        await self.tap("start.begin")

    async def fill_to(
        self, stop_before: str | None = None, *, start_at: str | None = None
    ) -> None:
        """Answer every question up to (not including) the field ``stop_before``.

        ``start_at`` skips the questions before that field (to continue a resumed sign-up).
        """
        steps = [
            ("first_name", self._first_name),
            ("last_name", self._last_name),
            ("email", self._email),
            ("phone", self._phone),
            ("country", self._country),
            ("timezone", self._timezone),
            ("password", self._password),
            ("terms", self._terms),
        ]
        names = [name for name, _ in steps]
        if start_at is not None:
            steps = steps[names.index(start_at) :]
        for name, step in steps:
            if name == stop_before:
                return
            await step()

    async def _first_name(self) -> None:
        await self.send(self.answers.get("first_name", "Ann"))

    async def _last_name(self) -> None:
        await self.send(self.answers.get("last_name", "Lee"))

    async def _email(self) -> None:
        await self.send(self.email)
        await self.choose("email.yes")

    async def _phone(self) -> None:
        await self.actor.press(self.label("phone.share"))

    async def _country(self) -> None:
        await self.actor.tap(
            self.answers.get("country_button") or country_name("AU", self.language)
        )

    async def _timezone(self) -> None:
        sydney = city_name("Australia/Sydney", self.language)
        await self.actor.tap(self.answers.get("zone_button", sydney))
        await self.tap("timezone.yes")

    async def _password(self) -> None:
        await self.type_password()

    async def type_password(self, again: str | None = None) -> None:
        """Type the password, then again to confirm it (``again``: a different second entry)."""
        await self.send(self.password)
        await self.send(self.password if again is None else again)

    async def _terms(self) -> None:
        await self.tap("terms.agree")

    async def sign_up(self) -> None:
        """Go from /start to a created account, in ``SIGN_UP_ACTIONS`` actions."""
        await self.start()
        await self.fill_to()
        await self.tap("summary.confirm")


SIGN_UP_ACTIONS = 14
"""What :meth:`Customer.sign_up` does: /start, Start, 2 names, email and Yes, the contact,
country, zone and Yes, the password twice, terms, Confirm."""


CANT_DELETE = "Bad Request: message can't be deleted for everyone"


def refuse_next_delete(world: World) -> None:
    """Make Telegram refuse the bot's next deleteMessage, as it does past 48 hours."""
    world.emulator.fail_next(
        "deleteMessage", status=400, retry_after=None, description=CANT_DELETE
    )


def bot_problems(world: World) -> list[str]:
    """List what went wrong on the bot's side.

    Failed Bot API calls, unanswered taps, and "something went wrong" messages (the error
    handler's, so an exception in a handler shows up here too).
    """
    problems = [
        f"{call.method}: {call.description}" for call in world.emulator.calls if not call.ok
    ]
    problems += [f"unanswered tap {query.data}" for query in world.emulator.unanswered_callbacks]
    oops = {world.catalogs.translator(language)("errors.unexpected") for language in LANGUAGES}
    problems += [
        f"error message sent: {call.params['text']!r}"
        for call in world.emulator.calls_to("sendMessage")
        if call.params.get("text") in oops
    ]
    return problems


async def replay_tap(actor: Any, snapshot: ChatMessage, label: str) -> None:
    """Tap ``label`` as it was on an earlier ``snapshot`` of a message.

    This is the second tap of a quick double tap: Telegram sends it with the callback data the
    button had when it was tapped, even though the bot has since edited the keyboard away.
    """
    data = snapshot.callback_data(label)
    assert data is not None, f"{label!r} was not a callback button: {snapshot.buttons}"
    await tap_with_data(actor, snapshot.message_id, data)


async def forged_tap(actor: Any, data: str) -> None:
    """Tap the newest keyboard with ``data`` of the user's choosing, as a modified client can."""
    await tap_with_data(actor, actor._keyboard_message(None).message_id, data)


async def tap_with_data(actor: Any, message_id: int, data: str) -> None:
    """Send a callback query from message ``message_id`` carrying ``data``."""
    # The emulator's actors only tap keyboards as they are now, so the query is built the way
    # UserActor.tap builds it, with other callback data.
    chat = actor._chat
    message = chat.messages[message_id]
    payload = actor._store.callback_payload(chat, message, data, chat.user, actor._now())
    await actor._hub.publish("callback_query", payload)


def customer(
    world: World,
    *,
    language: str = "en",
    first_name: str = "Ann",
    last_name: str = "Lee",
    phone: str = "+61412345678",
    **kwargs: Any,
) -> Customer:
    """Create a simulated Telegram user and wrap it as a :class:`Customer`."""
    actor = world.emulator.user(
        first_name=first_name, last_name=last_name, language_code=language, phone=phone
    )
    return Customer(world=world, actor=actor, language=language, **kwargs)

"""A stateful Telegram Bot API emulator with user actors, for tests, the demo and benchmarks.

`TelegramEmulator` serves the Bot API as an ASGI app that PTB reaches through its real HTTP
client; `UserActor`s play the people in the chats; `render_message` draws a message for the
terminal demo. In short::

    emulator = TelegramEmulator("123456:TEST", clock=ManualClock())
    request = HTTPXRequest(httpx_kwargs={"transport": emulator.transport()})
    # ... ApplicationBuilder().token("123456:TEST").request(request).get_updates_request(...)
    emulator.deliver_to(lambda u: app.process_update(Update.de_json(u, app.bot)))
    ann = emulator.user("Ann", phone="+61412345678")
    await ann.send("/start")
    await ann.tap("Start")
    assert "email" in ann.last.text

Refusals use Telegram's own descriptions, all listed in `errors.ERRORS`.
"""

from bot.sandbox.telegram.actors import ActorError, UserActor
from bot.sandbox.telegram.clock import ManualClock
from bot.sandbox.telegram.commands import BotCommand
from bot.sandbox.telegram.emulator import TelegramEmulator
from bot.sandbox.telegram.errors import ERRORS
from bot.sandbox.telegram.groups import Group, GroupMember
from bot.sandbox.telegram.render import render_message
from bot.sandbox.telegram.store import CallbackQuery
from bot.sandbox.telegram.views import ApiCall, ChatMessage

__all__ = [
    "ERRORS",
    "ActorError",
    "ApiCall",
    "BotCommand",
    "CallbackQuery",
    "ChatMessage",
    "Group",
    "GroupMember",
    "ManualClock",
    "TelegramEmulator",
    "UserActor",
    "render_message",
]

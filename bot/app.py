"""Build the Telegram application: the one wiring that production, the demo and the tests share.

:func:`build_application` takes every outside dependency as an argument (the Bot API transport,
the ClickBook client, the store, the clock), so tests and the demo inject the emulator and the
sandbox while production gets the real things, and nothing else differs.

Each user's updates are processed in order and different users' at once
(:class:`bot.updates.PerUserUpdateProcessor`): conversation state is per user, so it cannot
race, and no customer waits for another customer's ClickBook calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot import housekeeping
from bot.clickbook import ClickBookFaultError, ClickBookResponseError, ClickBookTransportError
from bot.i18n import LANGUAGES, Translator, current_translator, negotiate
from bot.log_privacy import protect_logs
from bot.ratelimit import FairRateLimiter
from bot.services import Services
from bot.staff_services import build_staff_services
from bot.storage.persistence import SQLitePersistence
from bot.updates import PerUserUpdateProcessor
from conversations.common import CommonCommands, customer_menu
from conversations.privacy import PrivacyCommand
from conversations.private_only import private_only_handler
from conversations.signup import SignupFlow
from conversations.staff import StaffFeature
from conversations.staff_access import menu_for
from conversations.stats import OwnerStats

log = logging.getLogger(__name__)

REGISTRATION_JOB_INTERVAL = timedelta(seconds=30)
TELEGRAM_RETRIES = 3
"""How often the rate limiter retries a call Telegram refused with 429 before giving up."""


def build_application(
    services: Services,
    *,
    token: str,
    base_url: str | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
    limiter_clock: Callable[[], float] = time.monotonic,
    limiter_sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Wire the flows, persistence, jobs and error handling into a PTB application.

    ``limiter_clock`` and ``limiter_sleep`` are the rate limiter's time: tests pass a clock
    that jumps over the waits, so Telegram's pacing costs them no real seconds.
    """
    protect_logs()
    settings = services.settings
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url or f"{settings.telegram_api_url}/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .persistence(SQLitePersistence(services.store))
        .concurrent_updates(
            PerUserUpdateProcessor(
                settings.concurrent_updates,
                backlog=settings.user_backlog,
                on_overflow=_catching_up_notice(services),
                metrics=services.metrics,
            )
        )
        .post_init(_post_init)
    )
    if rate_limiter:
        builder = builder.rate_limiter(
            FairRateLimiter(
                max_retries=TELEGRAM_RETRIES,
                clock=limiter_clock,
                sleep=limiter_sleep,
                metrics=services.metrics,
            )
        )
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    application = builder.build()
    application.bot_data["services"] = services

    signup = SignupFlow(services)
    staff = StaffFeature(build_staff_services(services))
    application.add_handler(private_only_handler(), group=-3)
    application.add_handler(staff.owner_menu_handler(), group=-2)
    application.add_handler(TypeHandler(Update, _language_for(services)), group=-1)
    # Staff first: the /start staff_<token> deep link and the staff conversation must see their
    # updates before the sign-up conversation's /start and catch-all entry points do.
    application.add_handler(OwnerStats(services).handler())
    for handler in staff.handlers():
        application.add_handler(handler)
    for handler in signup.handlers():
        application.add_handler(handler)
    for handler in PrivacyCommand(services).handlers():
        application.add_handler(handler)
    common = CommonCommands(
        services,
        more_help=staff.help_section,
        menu_of=_menu_of(staff),
        forms=[signup.reshow],
    )
    for handler in common.handlers():
        application.add_handler(handler)
    application.add_handler(staff.unknown_command_handler())
    application.add_error_handler(_error_handler)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            signup.finish_pending,
            interval=REGISTRATION_JOB_INTERVAL,
            first=timedelta(seconds=1),
            name="finish-registrations",
        )
        application.job_queue.run_repeating(
            housekeeping.Housekeeping(services).run, housekeeping.INTERVAL, name="housekeeping"
        )
        application.job_queue.run_repeating(
            staff.notifier.run,
            interval=staff.job_interval(),
            first=timedelta(seconds=5),
            name="poll-invites",
        )
    application.bot_data["staff"] = staff
    return application


async def _translator_for(services: Services, update: object) -> Translator:
    """Return the update's language: the user's saved choice, then Telegram's, then the default."""
    user = update.effective_user if isinstance(update, Update) else None
    saved = await services.store.get_language(user.id) if user else None
    language = negotiate(
        saved, user.language_code if user else None, services.settings.default_language
    )
    return services.catalogs.translator(language)


def _language_for(services: Services) -> Any:
    async def set_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Speak the update's language for the rest of its processing."""
        current_translator.set(await _translator_for(services, update))

    return set_language


def _menu_of(staff: StaffFeature) -> Any:
    async def menu_of(update: Update, t: Translator) -> list[BotCommand]:
        """Return the user's command menu: the staff one for staff, else the customers'."""
        role = await staff.gate.role(update)
        return menu_for(role, t) if role.is_staff else customer_menu(t)

    return menu_of


def _catching_up_notice(services: Services) -> Callable[[Update], Awaitable[object]]:
    async def tell_catching_up(update: Update) -> None:
        """Say, in the user's language, that what they send now is not read."""
        chat = update.effective_chat
        if chat is None or chat.type != chat.PRIVATE:
            return
        t = await _translator_for(services, update)
        await update.get_bot().send_message(chat.id, t("errors.catching_up"))

    return tell_catching_up


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set the bot's profile (customers' menu and descriptions per language, staff menus per
    chat); never fatal. The default language's texts are also set for every other language."""
    services: Services = application.bot_data["services"]
    bot = application.bot
    for language in LANGUAGES:
        t = services.catalogs.translator(language)
        codes: list[str | None] = [language]
        if language == services.settings.default_language:
            codes.append(None)
        try:
            for code in codes:
                # Private chats only: the bot answers nowhere else.
                await bot.set_my_commands(
                    customer_menu(t), scope=BotCommandScopeAllPrivateChats(), language_code=code
                )
                await bot.set_my_description(t.plain("bot.description"), language_code=code)
                await bot.set_my_short_description(
                    t.plain("bot.short_description"), language_code=code
                )
        except TelegramError as error:
            log.warning("could not set the %s command menu and descriptions: %s", language, error)
    staff: StaffFeature = application.bot_data["staff"]
    await staff.post_init(application.bot)


async def _error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user something went wrong, in their language, and log it for us."""
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in error.message.lower():
        return
    if isinstance(error, Forbidden):
        log.info("user blocked the bot: %s", error)
        return
    if isinstance(error, RetryAfter | TimedOut) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    ):
        # An apology would be one more call: after a flood limit exactly what Telegram asked
        # us not to do, and with Telegram unreachable it fails too. The draft keeps the answer.
        log.warning("Telegram refused or failed a call: %s", error)
        return
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, ClickBookTransportError | ClickBookResponseError) or (
        isinstance(error, ClickBookFaultError) and not error.is_client_fault
    ):
        key = "errors.clickbook_unavailable"
        log.warning("ClickBook unavailable: %s", error)
    else:
        key = "errors.unexpected"
        log.error("unexpected error handling an update", exc_info=error)
    if chat is None:
        return
    translator = current_translator.get(None)
    if translator is None:
        services: Services = context.application.bot_data["services"]
        translator = services.catalogs.translator(services.settings.default_language)
    try:
        await context.bot.send_message(chat.id, translator(key))
    except TelegramError as send_error:
        log.warning("could not send the error message: %s", send_error)

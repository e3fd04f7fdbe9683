"""Kill the bot at any chosen point of a path, the way a power cut would, then restart it.

A :class:`CrashPlan` numbers the path's *side effects* as they happen: each ClickBook request
(before it leaves, and again after its answer arrived), each Telegram call that changes what
a user sees (the same two moments), and each write to the database (before it runs). Armed
with ``at=n``, it raises :class:`SimulatedCrash` at the n-th one. The crash is a
``BaseException``, so no ``except Exception`` in the bot or in python-telegram-bot can
swallow it, open transactions roll back, and once it happened every later side effect
raises too: a dead process does nothing more. The test then calls ``world.restart(crash=True)``
(nothing is flushed) and checks how the bot resumes.

Between two consecutive side effects the bot only computes, so crashing before each one (and
after each outer answer) reaches every distinct state a crash can leave behind.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.sandbox.world import World

TELEGRAM_EFFECTS = re.compile(
    r"/(sendMessage|editMessage\w*|deleteMessages?|answerCallbackQuery|sendPhoto)$"
)
"""Bot API methods whose call changes what a user sees (reads and chat actions do not)."""
OPERATION = re.compile(rb"<urn:([A-Z]+)>")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class SimulatedCrash(BaseException):
    """The process died here."""


@dataclass
class CrashPlan:
    """Where to crash, and the side effects seen so far."""

    at: int | None = None
    """Crash at this side effect (1-based); ``None``: only count."""
    seen: list[str] = field(default_factory=list)
    crashed_at: str | None = None

    def arm(self, at: int | None) -> None:
        """Start counting afresh, crashing at the ``at``-th side effect."""
        self.at, self.seen, self.crashed_at = at, [], None

    def disarm(self) -> None:
        """Stop crashing (the process was restarted); keep what was seen."""
        self.at, self.crashed_at = None, None

    def effect(self, label: str) -> None:
        """Note one side effect about to happen (or just answered); crash if it is the one."""
        if self.crashed_at is not None:
            raise SimulatedCrash(f"already dead ({label})")
        self.seen.append(label)
        if self.at is not None and len(self.seen) == self.at:
            self.crashed_at = label
            raise SimulatedCrash(label)


class CrashingNetwork(httpx.AsyncBaseTransport):
    """The network to ClickBook (or Telegram), reporting each request to a plan."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        plan: CrashPlan,
        name: Callable[[httpx.Request, bytes], str | None],
    ) -> None:
        self.inner = inner
        self.plan = plan
        self.name = name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Crash before the request leaves or after its answer came, if the plan says so."""
        body = await request.aread()
        label = self.name(request, body)
        if label is not None:
            self.plan.effect(label)
        response = await self.inner.handle_async_request(request)
        if label is not None:
            await response.aread()
            self.plan.effect(f"{label} answered")
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


def clickbook_name(request: httpx.Request, body: bytes) -> str | None:
    """Name a ClickBook request by its SOAP operation, or as the sign-in / sign-out."""
    found = OPERATION.search(body)
    if found is not None:
        return f"clickbook {found.group(1).decode()}"
    query = request.url.query.decode().lower()
    if "logout" in query:
        return "clickbook LOGOUT"
    if "loginok" in request.url.path.lower():
        return "clickbook LOGIN"
    return None  # the sandbox's own controls


def telegram_name(request: httpx.Request, body: bytes) -> str | None:
    """Name a Bot API call that changes what a user sees; ``None`` for the rest."""
    found = TELEGRAM_EFFECTS.search(request.url.path)
    return None if found is None else f"telegram {found.group(1)}"


def clickbook_network(plan: CrashPlan) -> Callable[[httpx.AsyncBaseTransport], Any]:
    """Return a ``World`` ``clickbook_network`` option that reports to ``plan``."""
    return lambda inner: CrashingNetwork(inner, plan, clickbook_name)


def watch(world: World, plan: CrashPlan) -> None:
    """Report the running bot's Telegram calls and database writes to ``plan``.

    Call it again after every (re)start: each start makes a new store and a new Bot API
    connection. The ClickBook side is wired once, with :func:`clickbook_network`.
    """
    application = world.application
    store = world.store
    assert application is not None
    assert store is not None
    if getattr(store, "_crash_plan", None) is plan:
        return  # watched already since this start
    store._crash_plan = plan  # type: ignore[attr-defined]  # noqa: SLF001
    request = application.bot.request
    client = request._client  # noqa: SLF001 - PTB's httpx client: the wire to the emulator
    client._transport = CrashingNetwork(client._transport, plan, telegram_name)  # noqa: SLF001
    for method in ("_execute", "_fetch_all"):
        original: Callable[..., Awaitable[Any]] = getattr(store, method)
        setattr(store, method, _reporting(original, plan))


def _reporting(
    original: Callable[..., Awaitable[Any]], plan: CrashPlan
) -> Callable[..., Awaitable[Any]]:
    async def statement(sql: str, params: Any = ()) -> Any:
        if WRITE.match(sql):
            plan.effect(f"store {sql.split()[0].upper()} {_table(sql)}")
        return await original(sql, params)

    return statement


def _table(sql: str) -> str:
    found = re.search(r"\b(?:INTO|UPDATE|FROM)\s+(\w+)", sql, re.IGNORECASE)
    return found.group(1) if found else "?"

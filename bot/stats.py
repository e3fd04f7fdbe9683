"""The owner's numbers: sign-ups, where customers stop, invitations and ClickBook errors.

Only aggregates are kept. Each event the flows report is stored as a kind, the business's
calendar day, and for some kinds a form step or a duration (``funnel_events``): no Telegram
id, no name, no email, so the numbers carry no personal data and outlive the drafts and
records they were counted from. The same events move the Prometheus counters
(:mod:`bot.metrics`).

==================  =====================================================================
event               when
==================  =====================================================================
signup_started      a customer taps Start on the welcome screen
signup_completed    the account exists; with the seconds since Start (when known)
signup_abandoned    a started sign-up form left untouched for ``ABANDONED_AFTER``, with the
                    step it stopped at (counted by the housekeeping job, once per idle spell)
invite_sent         ClickBook confirmed an invitation
invite_accepted     the invited client registered
clickbook_error     a ClickBook operation failed on ClickBook's side (no answer, a bad
                    answer, a server fault), not a refusal of what the user typed
==================  =====================================================================

Events older than ``EVENT_RETENTION`` are deleted by the housekeeping job. Recording an event
never fails the flow that reports it: a failure is logged and the number is one short.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta
from babel.numbers import format_decimal

from bot.background import BackgroundWork
from bot.clickbook import (
    ClickBookFaultError,
    ClickBookResponseError,
    ClickBookTransportError,
)
from bot.clock import Clock
from bot.i18n import Translator
from bot.metrics import Metrics
from bot.storage import Store
from bot.storage._stats import EventCounts

log = logging.getLogger(__name__)

SIGNUP_FLOW = "su"
"""The customer sign-up's draft flow (``conversations.signup.FLOW``)."""
SIGNUP_STEPS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "country",
    "timezone",
    "password",
    "terms",
)
"""The sign-up form's questions in order (``conversations.signup.Step``)."""
SUMMARY_STEP = "summary"
STARTED = "started"
"""The draft scratch (``FormSession.scratch``) holding when the customer tapped Start."""
STARTED_KEY = "_s_" + STARTED
ABANDONED_AFTER = timedelta(days=1)
"""A started form left this long counts as abandoned at its step (again, if left again)."""
EVENT_RETENTION = timedelta(days=90)
"""Events are kept three times the longest period shown, then deleted."""
PERIODS = (1, 7, 30)
"""Days shown: today, the last 7 days and the last 30 days (today included)."""


def stopped_at(fields: dict[str, object]) -> str | None:
    """Return the step a sign-up draft waits at, or None if the customer never began it."""
    began = STARTED_KEY in fields or any(not key.startswith("_") for key in fields)
    if not began:
        return None
    for step in SIGNUP_STEPS:
        if fields.get(step) in (None, ""):
            return step
    return SUMMARY_STEP


def is_clickbook_outage(error: BaseException) -> bool:
    """Tell whether a failed ClickBook call was ClickBook's failure, not the request's."""
    if isinstance(error, ClickBookFaultError):
        return not error.is_client_fault
    return isinstance(error, ClickBookTransportError | ClickBookResponseError)


@dataclass(frozen=True)
class Report:
    """The owner's numbers: counts per period of ``PERIODS``, the rest over the longest."""

    signups: tuple[int, ...]
    started: tuple[int, ...]
    invites_sent: tuple[int, ...]
    invites_accepted: tuple[int, ...]
    clickbook_errors: tuple[int, ...]
    abandoned: dict[str, int]
    """Forms left at each step (in form order, only steps with any), over the longest period."""
    median_signup: timedelta | None
    """The median time from Start to the account, over the longest period."""


class Stats:
    """Records the events the flows report and reads them back as a :class:`Report`."""

    def __init__(
        self,
        *,
        store: Store,
        metrics: Metrics,
        clock: Clock,
        zone: ZoneInfo,
        background: BackgroundWork,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.zone = zone
        self.background = background

    def today(self) -> date:
        """Return the business's calendar day now."""
        return self.clock().astimezone(self.zone).date()

    async def signup_started(self) -> None:
        """Count a customer who tapped Start."""
        self.metrics.signups_started.inc()
        await self._record("signup_started")

    async def signup_completed(self, started: object) -> None:
        """Count an account created; ``started`` is the draft's Start time (ISO), if any."""
        self.metrics.signups_completed.inc()
        seconds = None
        if isinstance(started, str):
            try:
                seconds = max(
                    0.0, (self.clock() - datetime.fromisoformat(started)).total_seconds()
                )
            except (ValueError, TypeError):
                seconds = None
        await self._record("signup_completed", seconds=seconds)

    async def invite_sent(self) -> None:
        """Count an invitation ClickBook confirmed."""
        self.metrics.invitations_sent.inc()
        await self._record("invite_sent")

    async def invite_accepted(self) -> None:
        """Count an invitation the client accepted."""
        self.metrics.invitations_accepted.inc()
        await self._record("invite_accepted")

    def clickbook_call(self, operation: str, seconds: float, error: BaseException | None) -> None:
        """Observe a finished ClickBook operation (the client calls this; it must not block)."""
        self.metrics.clickbook_call(operation, seconds, error)
        if error is not None and is_clickbook_outage(error):
            self.background.start(self._record("clickbook_error"), name="clickbook error count")

    async def count_abandoned(self) -> int:
        """Count the sign-up forms that became idle for ``ABANDONED_AFTER``; return how many."""
        drafts = await self.store.take_idle_drafts(SIGNUP_FLOW, self.clock() - ABANDONED_AFTER)
        counted = 0
        for fields in drafts:
            step = stopped_at(fields)
            if step is None:
                continue
            self.metrics.signups_abandoned.labels(step).inc()
            await self._record("signup_abandoned", step=step)
            counted += 1
        return counted

    async def prune(self) -> int:
        """Delete the events older than ``EVENT_RETENTION``; return how many."""
        return await self.store.prune_events(self.today() - EVENT_RETENTION)

    async def report(self) -> Report:
        """Read the numbers of the periods ending today."""
        today = self.today()
        counts = [await self.store.count_events(today - timedelta(days=n - 1)) for n in PERIODS]
        longest = counts[-1]

        def per_period(kind: str) -> tuple[int, ...]:
            return tuple(_total(period, kind) for period in counts)

        durations = await self.store.event_durations(
            "signup_completed", today - timedelta(days=PERIODS[-1] - 1)
        )
        return Report(
            signups=per_period("signup_completed"),
            started=per_period("signup_started"),
            invites_sent=per_period("invite_sent"),
            invites_accepted=per_period("invite_accepted"),
            clickbook_errors=per_period("clickbook_error"),
            abandoned={
                step: n
                for step in (*SIGNUP_STEPS, SUMMARY_STEP)
                if (n := longest.get(("signup_abandoned", step), 0))
            },
            median_signup=timedelta(seconds=statistics.median(durations)) if durations else None,
        )

    async def _record(
        self, kind: str, *, step: str | None = None, seconds: float | None = None
    ) -> None:
        try:
            await self.store.record_event(kind, self.today(), step=step, seconds=seconds)
        except Exception:  # a number one short must never fail a customer's sign-up
            log.warning("could not record a %s event", kind, exc_info=True)


def _total(counts: EventCounts, kind: str) -> int:
    return sum(n for (k, _), n in counts.items() if k == kind)


def format_report(report: Report, t: Translator) -> str:
    """Write the report in ``t``'s language, numbers and durations formatted by Babel."""
    locale = t.language

    def numbers(values: tuple[int, ...]) -> dict[str, str]:
        return {
            name: format_decimal(value, locale=locale)
            for name, value in zip(("today", "week", "month"), values, strict=True)
        }

    lines = [
        t("stats.title"),
        "",
        t("stats.signups", **numbers(report.signups)),
        t("stats.started", **numbers(report.started)),
        t("stats.invites_sent", **numbers(report.invites_sent)),
        t("stats.invites_accepted", **numbers(report.invites_accepted)),
        t("stats.clickbook_errors", **numbers(report.clickbook_errors)),
        "",
    ]
    if report.median_signup is None:
        lines.append(t("stats.median_none"))
    else:
        lines.append(
            t(
                "stats.median",
                duration=format_timedelta(
                    report.median_signup, threshold=2, format="long", locale=locale
                ),
            )
        )
    lines.append("")
    if not report.abandoned:
        lines.append(t("stats.abandoned_none"))
    else:
        lines.append(t("stats.abandoned"))
        lines += [
            t(
                "stats.abandoned_step",
                step=_step_title(t, step),
                count=format_decimal(n, locale=locale),
            )
            for step, n in report.abandoned.items()
        ]
    return "\n".join(lines)


def _step_title(t: Translator, step: str) -> str:
    return t.plain("stats.step_summary" if step == SUMMARY_STEP else f"field.{step}")

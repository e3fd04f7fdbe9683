"""Prometheus metrics of one application, in a registry of its own.

Each :class:`Metrics` owns a ``CollectorRegistry`` rather than using prometheus-client's global
one, so the tests, the benchmark and the demo can build several applications in one process
without their counters colliding or a second build failing on duplicate names.

Labels are bounded sets chosen by the code (a Bot API endpoint, a ClickBook operation, an
error class, a form step), never anything a user typed or their ids: a metric must not carry
personal data, and every distinct label value is a new series kept in memory until exit.

=========================================  ============================================
metric                                     what it counts
=========================================  ============================================
``clickbot_updates_total``                 updates processed (``outcome``: processed, dropped)
``clickbot_update_seconds``                time from an update's arrival to its end
``clickbot_telegram_calls_total``          Bot API calls by ``endpoint``
``clickbot_telegram_retry_after_total``    429 answers (``RetryAfter``) by ``endpoint``
``clickbot_clickbook_calls_total``         ClickBook operations by ``operation``, ``outcome``
``clickbot_clickbook_seconds``             their duration, retries included
``clickbot_signups_started_total``         customers who tapped Start
``clickbot_signups_completed_total``       accounts created
``clickbot_signups_abandoned_total``       forms left for a day, by the ``step`` they stopped at
``clickbot_invitations_sent_total``        invitations ClickBook confirmed
``clickbot_invitations_accepted_total``    invitations the client accepted
``clickbot_pending_registrations``         registrations waiting for the background job
=========================================  ============================================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The media type of :meth:`Metrics.render`'s output (Prometheus text format)."""

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 60.0)
"""Seconds: a form step takes tens of milliseconds, a ClickBook submission seconds."""

PendingCount = Callable[[], Awaitable[int]]


class Metrics:
    """The application's counters, histograms and gauges, and their exposition."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "clickbot_updates", "Telegram updates handled.", ["outcome"], registry=r
        )
        self.update_seconds = Histogram(
            "clickbot_update_seconds",
            "Seconds from an update's arrival to the end of its processing.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.telegram_calls = Counter(
            "clickbot_telegram_calls", "Bot API calls made.", ["endpoint"], registry=r
        )
        self.telegram_retry_after = Counter(
            "clickbot_telegram_retry_after",
            "Bot API calls Telegram answered with 429 (flood limit).",
            ["endpoint"],
            registry=r,
        )
        self.clickbook_calls = Counter(
            "clickbot_clickbook_calls",
            "ClickBook operations by outcome (ok, or the error class).",
            ["operation", "outcome"],
            registry=r,
        )
        self.clickbook_seconds = Histogram(
            "clickbot_clickbook_seconds",
            "Seconds a ClickBook operation took, retries and session renewal included.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.signups_started = Counter(
            "clickbot_signups_started", "Customers who began the sign-up form.", registry=r
        )
        self.signups_completed = Counter(
            "clickbot_signups_completed", "ClickBook accounts created by sign-up.", registry=r
        )
        self.signups_abandoned = Counter(
            "clickbot_signups_abandoned",
            "Sign-up forms left untouched for a day, by the step they stopped at.",
            ["step"],
            registry=r,
        )
        self.invitations_sent = Counter(
            "clickbot_invitations_sent", "Invitations ClickBook confirmed sending.", registry=r
        )
        self.invitations_accepted = Counter(
            "clickbot_invitations_accepted", "Invitations accepted by the client.", registry=r
        )
        self.pending_registrations = Gauge(
            "clickbot_pending_registrations",
            "Registrations waiting for the background job to finish them.",
            registry=r,
        )

    def update_processed(self, seconds: float) -> None:
        """Count an update that ran to its end after ``seconds``."""
        self.updates.labels("processed").inc()
        self.update_seconds.observe(seconds)

    def update_dropped(self) -> None:
        """Count an update dropped because its user's backlog was full."""
        self.updates.labels("dropped").inc()

    def telegram_call(self, endpoint: str) -> None:
        """Count one Bot API call (each retry after a 429 is one more)."""
        self.telegram_calls.labels(endpoint).inc()

    def telegram_flood_limited(self, endpoint: str) -> None:
        """Count a 429 Telegram answered ``endpoint`` with."""
        self.telegram_retry_after.labels(endpoint).inc()

    def clickbook_call(self, operation: str, seconds: float, error: BaseException | None) -> None:
        """Count a finished ClickBook operation and how long it took."""
        outcome = "ok" if error is None else type(error).__name__
        self.clickbook_calls.labels(operation, outcome).inc()
        self.clickbook_seconds.labels(operation).observe(seconds)

    async def render(self, pending: PendingCount | None = None) -> bytes:
        """Return the exposition, reading the gauge of pending registrations first."""
        if pending is not None:
            self.pending_registrations.set(await pending())
        return generate_latest(self.registry)

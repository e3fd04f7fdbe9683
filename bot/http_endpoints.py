"""The operator's two HTTP endpoints, shared by the webhook app and the status server.

``GET /healthz`` answers 200 when every part is healthy and 503 otherwise, with a JSON body
naming each part; ``GET /metrics`` answers the Prometheus text exposition (:mod:`bot.metrics`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import CONTENT_TYPE

__all__ = ["HealthCheck", "Scrape", "health_route", "metrics_route"]

HealthCheck = Callable[[], Awaitable[Mapping[str, bool]]]
"""Return each part's health by name (``{"store": True, "clickbook": False}``)."""
Scrape = Callable[[], Awaitable[bytes]]
"""Return the metrics exposition, read now."""


def health_route(health: HealthCheck) -> Route:
    """Return the ``GET /healthz`` route answering from ``health``."""

    async def healthz(request: Request) -> Response:
        parts = dict(await health())
        ok = all(parts.values())
        return JSONResponse(
            {
                "status": "ok" if ok else "unavailable",
                **{name: "ok" if good else "failing" for name, good in parts.items()},
            },
            status_code=200 if ok else 503,
        )

    return Route("/healthz", healthz, methods=["GET"])


def metrics_route(scrape: Scrape) -> Route:
    """Return the ``GET /metrics`` route answering from ``scrape``."""

    async def metrics(request: Request) -> Response:
        return Response(await scrape(), media_type=CONTENT_TYPE)

    return Route("/metrics", metrics, methods=["GET"])

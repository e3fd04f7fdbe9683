"""Injected failures: the rules set through ``POST /_sandbox/faults`` and the ``drop`` response.

A rule makes the next ``times`` calls of an operation (optionally on one service) fail in one
way. Rules are matched first-in, first-out and used up one call at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeGuard

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from bot.sandbox.clickbook.services import OPERATIONS, Service

LOGIN = "LOGIN"
"""The pseudo-operation name for sign-in (``/auth/auth.nsf/LoginOK``)."""

FAULTABLE_OPERATIONS = frozenset(
    {LOGIN, *(name for operations in OPERATIONS.values() for name in operations)}
)


class FaultKind(StrEnum):
    """How a call fails."""

    DELAY = "delay"
    """Wait ``seconds``, then answer normally."""
    HTTP500 = "http500"
    """Answer HTTP 500 with a SOAP fault, doing nothing."""
    MALFORMED = "malformed"
    """Answer HTTP 200 with a truncated body, doing nothing."""
    DROP = "drop"
    """Do the work, then lose the connection without an answer."""
    EXPIRE_SESSION = "expire_session"
    """End the caller's session first, then go on as usual."""
    CODE = "code"
    """Answer with the given CODE (HTTP status for LOGIN), doing nothing."""


class ConnectionDropped(Exception):  # noqa: N818 - it is an event, not an error condition
    """Raised by the app after processing a call under a ``drop`` fault, to cut the connection."""


@dataclass
class FaultRule:
    """One injected failure and how many more calls it applies to."""

    operation: str
    kind: FaultKind
    times: int = 1
    seconds: float = 0.0
    code: int = 0
    service: Service | None = None

    def applies_to(self, operation: str, service: Service | None) -> bool:
        """Return whether a call of ``operation`` on ``service`` is hit by this rule."""
        return (
            self.times > 0
            and self.operation == operation
            and (self.service is None or self.service == service)
        )

    def to_json(self) -> dict[str, Any]:
        """Return the rule as JSON."""
        data: dict[str, Any] = {
            "operation": self.operation,
            "kind": self.kind.value,
            "times": self.times,
        }
        if self.kind is FaultKind.DELAY:
            data["seconds"] = self.seconds
        if self.kind is FaultKind.CODE:
            data["code"] = self.code
        if self.service is not None:
            data["service"] = self.service.value
        return data

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """Build a rule from the body of ``POST /_sandbox/faults``; raise ValueError if bad."""
        if not isinstance(data, Mapping):
            raise ValueError("body must be a JSON object")
        unknown = set(data) - {"operation", "kind", "times", "seconds", "code", "service"}
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        operation = data.get("operation")
        if operation not in FAULTABLE_OPERATIONS:
            raise ValueError(f"operation must be one of {', '.join(sorted(FAULTABLE_OPERATIONS))}")
        try:
            kind = FaultKind(str(data.get("kind")))
        except ValueError:
            raise ValueError(f"kind must be one of {', '.join(FaultKind)}") from None
        times = data.get("times", 1)
        if not _is_int(times) or times < 1:
            raise ValueError("times must be a positive integer")
        rule = cls(operation=operation, kind=kind, times=times)
        if kind is FaultKind.DELAY:
            seconds = data.get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                raise ValueError("a delay needs seconds >= 0")
            rule.seconds = float(seconds)
        if kind is FaultKind.CODE:
            code = data.get("code")
            if not _is_int(code) or not 100 <= code <= 999:
                raise ValueError("a code fault needs an integer code from 100 to 999")
            rule.code = code
        if data.get("service") is not None:
            rule.service = _service_for(operation, data["service"])
        return rule


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _service_for(operation: str, name: object) -> Service:
    try:
        service = Service(str(name))
    except ValueError:
        raise ValueError(f"service must be one of {', '.join(Service)}") from None
    if operation not in OPERATIONS[service]:
        raise ValueError(f"ClickBook{service.value} has no operation {operation}")
    return service


class FaultBook:
    """The pending fault rules, in the order they were added."""

    def __init__(self) -> None:
        """Start with no rules."""
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        """Queue ``rule`` behind the rules already pending."""
        self._rules.append(rule)

    def match(self, operation: str, service: Service | None = None) -> FaultRule | None:
        """Return the first pending rule for this call, without using it up."""
        return next((rule for rule in self._rules if rule.applies_to(operation, service)), None)

    def use(self, rule: FaultRule) -> None:
        """Count one call against ``rule``; forget it when it is used up."""
        rule.times -= 1
        if rule.times <= 0 and rule in self._rules:
            self._rules.remove(rule)

    def clear(self) -> None:
        """Forget every rule."""
        self._rules.clear()

    def to_json(self) -> list[dict[str, Any]]:
        """Return the pending rules as JSON."""
        return [rule.to_json() for rule in self._rules]


class DroppedResponse(Response):
    """Start a response, then raise ``ConnectionDropped`` so that no answer arrives.

    Under uvicorn the status line and headers go out and the connection is closed in the
    middle of a chunked body; under ``SandboxTransport`` the exception becomes
    ``httpx.RemoteProtocolError``. No Content-Length is sent, so the client cannot take the
    cut-off for a complete empty answer.
    """

    def __init__(self) -> None:
        """Prepare the bare response start."""
        super().__init__(status_code=200)
        self.raw_headers = [(b"content-type", b"text/xml; charset=utf-8")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the response start, then cut the connection."""
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": self.raw_headers,
            }
        )
        raise ConnectionDropped("sandbox fault 'drop': the answer was not sent")

"""The HTTP face of the emulator: `/bot<token>/<method>` routing, envelopes, faults, call log."""

from __future__ import annotations

import hmac
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.sandbox.telegram.bot_api import BotApi
from bot.sandbox.telegram.errors import ApiError, api_error, describe_status
from bot.sandbox.telegram.params import Params, read_params
from bot.sandbox.telegram.views import ApiCall

_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[^/]*)")
_REDACTED_PARAMS = frozenset({"secret_token"})


@dataclass(slots=True)
class Fault:
    """A scheduled refusal of the next calls of one method."""

    status: int
    description: str
    retry_after: int | None
    remaining: int


class ApiServer:
    """Route requests to the Bot API handlers, inject faults and record every call."""

    def __init__(self, api: BotApi, token: str, on_call: Callable[[], None]) -> None:
        self._api = api
        self._token = token
        self._on_call = on_call
        self._faults: dict[str, deque[Fault]] = {}
        self.calls: list[ApiCall] = []
        self.app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]
        )

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None,
        description: str | None,
        times: int,
    ) -> None:
        """Refuse the next `times` calls of `method` with this status and description."""
        if times < 1:
            raise ValueError("times must be at least 1")
        retry = retry_after if status == 429 else None
        text = description if description is not None else describe_status(status, retry)
        fault = Fault(status, text, retry, times)
        self._faults.setdefault(method.lower(), deque()).append(fault)

    def _take_fault(self, method: str) -> ApiError | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return ApiError(fault.status, fault.description, retry_after=fault.retry_after)

    async def _endpoint(self, request: Request) -> JSONResponse:
        match = _PATH.fullmatch(request.url.path)
        if match is None:
            return self._reply("", {}, api_error("not_found"))
        method = match["method"]
        if not hmac.compare_digest(match["token"].encode(), self._token.encode()):
            return self._reply(method, {}, api_error("unauthorized"))
        name = self._api.canonical.get(method.lower())
        if name is None:
            return self._reply(method, {}, api_error("not_found"))
        raw: dict[str, Any] = {}
        try:
            raw = await read_params(request)
            fault = self._take_fault(name)
            if fault is not None:
                raise fault
            result = await self._api.handlers[name](Params(raw))
        except ApiError as error:
            return self._reply(name, raw, error)
        return self._reply(name, raw, result=result)

    def _reply(
        self,
        method: str,
        params: dict[str, Any],
        error: ApiError | None = None,
        *,
        result: Any = None,
    ) -> JSONResponse:
        shown = {
            key: ("***" if key in _REDACTED_PARAMS else value) for key, value in params.items()
        }
        if error is not None:
            self.calls.append(ApiCall(method, shown, error.status, error.description))
            response = JSONResponse(error.payload(), status_code=error.status)
        else:
            self.calls.append(ApiCall(method, shown, 200, None, result))
            response = JSONResponse({"ok": True, "result": result})
        self._on_call()
        return response

"""Read Bot API parameters from any encoding Telegram accepts, and coerce their types.

PTB sends `application/x-www-form-urlencoded` with every non-string value JSON-dumped into
its field; other clients send JSON, multipart or a query string. All four end up in one
`Params` whose accessors accept both the typed and the string form of a value.
"""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from bot.sandbox.telegram.errors import ApiError, api_error

_TRUE = frozenset({"true", "1", "yes", "on"})


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)  # bytes for a part that is not multipart
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        fields[name] = (
            {"filename": filename, "size": len(data)} if filename else data.decode("utf-8")
        )
    return fields


async def read_params(request: Request) -> dict[str, Any]:
    """Merge the query string and the body (form, JSON or multipart) into one dict."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if not body:
        return params
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


class Params:
    """Typed access to one call's parameters; an empty string counts as absent."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def get(self, name: str) -> Any:
        """Return the raw value, or None if absent or empty."""
        value = self.raw.get(name)
        return None if value == "" else value

    def text(self, name: str, default: str | None = None) -> str | None:
        """Return the value as a string."""
        value = self.get(name)
        return default if value is None else str(value)

    def integer(
        self, name: str, default: int | None = None, *, error: str = "bad_request"
    ) -> int | None:
        """Return the value as an int; refuse with the `error` table key if it is not one."""
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            raise api_error(error)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise api_error(error) from None

    def number(self, name: str, default: float = 0.0) -> float:
        """Return the value as a float (for timeouts)."""
        value = self.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise api_error("bad_request") from None

    def flag(self, name: str) -> bool:
        """Return the value as a bool ("true", true, 1 ...)."""
        value = self.get(name)
        if isinstance(value, bool):
            return value
        return value is not None and str(value).lower() in _TRUE

    def decoded(self, name: str, *, error: str) -> Any:
        """Return the value decoded from JSON if it came as text."""
        value = self.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise api_error(error) from None
        return value

"""Read a request body with a size bound, so an oversized body is refused before parsing."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):  # noqa: N818 - reads better at the raise site
    """Raised when a request body is larger than allowed."""


async def read_bounded(request: Request, limit: int) -> bytes:
    """Return the request body; raise ``BodyTooLarge`` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

"""The sandbox-only JSON controls under ``/_sandbox/`` (contract section 7)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.sandbox.clickbook.body import BodyTooLarge, read_bounded
from bot.sandbox.clickbook.faults import FaultRule
from bot.sandbox.clickbook.state import AcceptOutcome, SandboxState

_MAX_JSON_BYTES = 16 * 1024

_ACCEPT_ERRORS = {
    AcceptOutcome.UNKNOWN: (404, "Unknown client file."),
    AcceptOutcome.ALREADY_ACCEPTED: (409, "The invitation was already accepted."),
    AcceptOutcome.NO_EMAIL: (400, "The client file has no email address: nothing to accept."),
    AcceptOutcome.TOO_SHORT: (400, "The password must be at least 8 characters long."),
    AcceptOutcome.CREDENTIALS_MISMATCH: (
        400,
        "An account with this email address exists; give its password to link it.",
    ),
}


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _error(message: str, status_code: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


async def _json_body(request: Request) -> Any:
    try:
        raw = await read_bounded(request, _MAX_JSON_BYTES)
        return json.loads(raw) if raw.strip() else {}
    except (BodyTooLarge, ValueError) as exc:
        raise ValueError(f"body must be a JSON object: {exc}") from None


async def show_state(request: Request) -> Response:
    """``GET /_sandbox/state``: users, stubs, client files and staff (no secrets)."""
    return JSONResponse(_state(request).to_json())


async def show_outbox(request: Request) -> Response:
    """``GET /_sandbox/outbox``: the invitation emails sent, oldest first."""
    return JSONResponse([email.to_json() for email in _state(request).outbox])


async def accept_invitation(request: Request) -> Response:
    """``POST /_sandbox/invitations/<id>/accept`` with ``{"password": ...}``."""
    state = _state(request)
    try:
        data = await _json_body(request)
    except ValueError as exc:
        return _error(str(exc), 400)
    password = data.get("password") if isinstance(data, dict) else None
    if not isinstance(password, str):
        return _error('body must be {"password": "<at least 8 characters>"}', 400)
    client_file_id = request.path_params["client_file_id"]
    outcome = state.accept_invitation(client_file_id, password)
    if outcome is not AcceptOutcome.ACCEPTED:
        status_code, message = _ACCEPT_ERRORS[outcome]
        return _error(message, status_code)
    client_file = state.client_files[client_file_id]
    return JSONResponse({"client_file": client_file.to_json()})


async def add_fault(request: Request) -> Response:
    """``POST /_sandbox/faults``: make the next calls of an operation fail."""
    try:
        rule = FaultRule.from_json(await _json_body(request))
    except ValueError as exc:
        return _error(str(exc), 400)
    state = _state(request)
    state.faults.add(rule)
    return JSONResponse({"fault": rule.to_json(), "pending": state.faults.to_json()}, 201)


async def list_faults(request: Request) -> Response:
    """``GET /_sandbox/faults``: the fault rules still pending."""
    return JSONResponse(_state(request).faults.to_json())


async def clear_faults(request: Request) -> Response:
    """``DELETE /_sandbox/faults``: forget every pending fault rule."""
    _state(request).faults.clear()
    return JSONResponse([])


async def reset(request: Request) -> Response:
    """``POST /_sandbox/reset``: back to the seeded state."""
    _state(request).reset()
    return JSONResponse({"reset": True})

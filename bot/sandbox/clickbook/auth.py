"""Domino sign-in and sign-out: ``LoginOK`` with HTTP Basic, ``names.nsf?Logout``, sessions.

Also the HTML login form that Domino serves instead of a SOAP answer when a Private call has
no live session.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from bot.sandbox.clickbook.clock import Sleep
from bot.sandbox.clickbook.faults import LOGIN, DroppedResponse, FaultKind
from bot.sandbox.clickbook.state import Account, SandboxState, SignIn

SESSION_COOKIE = "DomAuthSessId"

_LOGIN_FORM = """<!DOCTYPE html>
<html><head><title>Sign In</title></head>
<body>
<form method="post" action="/names.nsf?Login" name="_DominoForm">
<p>Please sign in.</p>
<label>User name <input name="Username" type="text"></label>
<label>Password <input name="Password" type="password"></label>
<input type="hidden" name="RedirectTo" value="/">
<input type="submit" value="Sign In">
</form>
</body></html>
"""
_WRONG_CREDENTIALS = "<html><body>Invalid username or password was specified.</body></html>"
_LOCKED_OUT = (
    "<html><body>You are locked out. Please try again later or contact your "
    "administrator.</body></html>"
)
_BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="ClickBook"'}


def login_form() -> HTMLResponse:
    """Return Domino's HTML login form (HTTP 200), the answer to a call without a session."""
    return HTMLResponse(_LOGIN_FORM)


def session_account(request: Request, state: SandboxState) -> Account | None:
    """Return the account of the request's live session (refreshing it), if any."""
    return state.use_session(request.cookies.get(SESSION_COOKIE))


def end_session(request: Request, state: SandboxState) -> None:
    """End the request's session, if it has one."""
    state.close_session(request.cookies.get(SESSION_COOKIE))


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    email, colon, password = decoded.partition(":")
    return (email, password) if colon else None


def _signed_in(account: Account, session_id: str | None) -> Response:
    body = {"user": account.canonical_name, "usercn": account.common_name}
    response = JSONResponse(body)
    if session_id is not None:
        response.headers.append("set-cookie", f"{SESSION_COOKIE}={session_id}; Path=/; HttpOnly")
    return response


async def login(request: Request) -> Response:
    """Handle ``GET /auth/auth.nsf/LoginOK``: sign in with Basic, or report the session."""
    state: SandboxState = request.app.state.sandbox
    sleep: Sleep = request.app.state.sleep
    fault = state.faults.match(LOGIN)
    if fault is not None:
        state.faults.use(fault)
        if fault.kind is FaultKind.DELAY:
            await sleep(fault.seconds)
        elif fault.kind is FaultKind.EXPIRE_SESSION:
            end_session(request, state)
        elif fault.kind is FaultKind.HTTP500:
            return PlainTextResponse("Internal server error (sandbox fault)", status_code=500)
        elif fault.kind is FaultKind.MALFORMED:
            return Response('{"user": "CN=', media_type="application/json")
        elif fault.kind is FaultKind.CODE:
            return PlainTextResponse(f"Sandbox fault: HTTP {fault.code}", status_code=fault.code)
    response = _login(request, state)
    if fault is not None and fault.kind is FaultKind.DROP:
        return DroppedResponse()
    return response


def _login(request: Request, state: SandboxState) -> Response:
    credentials = _basic_credentials(request)
    if credentials is None:
        account = session_account(request, state)
        if account is not None:
            return _signed_in(account, None)
        return HTMLResponse(_WRONG_CREDENTIALS, status_code=401, headers=_BASIC_CHALLENGE)
    outcome, account = state.sign_in(*credentials)
    if outcome is SignIn.LOCKED:
        return HTMLResponse(_LOCKED_OUT, status_code=401, headers=_BASIC_CHALLENGE)
    if account is None:
        return HTMLResponse(_WRONG_CREDENTIALS, status_code=401, headers=_BASIC_CHALLENGE)
    return _signed_in(account, state.open_session(account).id)


async def names(request: Request) -> Response:
    """Handle ``GET /names.nsf?Logout&RedirectTo=<url>``: end the session."""
    query = {key.lower(): value for key, value in request.query_params.multi_items()}
    if "logout" not in query:
        return login_form()
    state: SandboxState = request.app.state.sandbox
    end_session(request, state)
    target = query.get("redirectto", "")
    response: Response
    if target.startswith(("/", "http://", "https://")) and not target.startswith("//"):
        response = RedirectResponse(target, status_code=302)
    else:
        response = HTMLResponse("<html><body>You are signed out.</body></html>")
    response.headers.append(
        "set-cookie",
        f"{SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly",
    )
    return response

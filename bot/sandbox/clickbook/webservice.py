"""The SOAP endpoints ``/wsapi/latest/ClickBook{Public,Private,Admin}``: calls and ``?WSDL``.

Order of work for a call, as on Domino: bound and parse the body (``text/xml`` only),
apply an injected fault's ``delay`` / ``expire_session``, check the session (Private answers
the HTML login form when there is none, whatever the body), then report a malformed call as a
SOAP fault, then apply the other injected faults, then perform the operation.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.sandbox.clickbook.auth import end_session, login_form, session_account
from bot.sandbox.clickbook.body import BodyTooLarge, read_bounded
from bot.sandbox.clickbook.clock import Sleep
from bot.sandbox.clickbook.faults import DroppedResponse, FaultKind, FaultRule
from bot.sandbox.clickbook.operations import perform
from bot.sandbox.clickbook.services import Service
from bot.sandbox.clickbook.soap import (
    MAX_BODY_BYTES,
    SoapCall,
    SoapRequestError,
    build_fault,
    build_response,
    build_truncated,
    parse_request,
)
from bot.sandbox.clickbook.state import SandboxState
from bot.sandbox.clickbook.wsdl import build_wsdl

_XML = "text/xml; charset=utf-8"


def _xml(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type=_XML)


def _fault(message: str, *, client: bool = True) -> Response:
    return _xml(build_fault(message, client=client), status_code=500)


async def web_service(request: Request) -> Response:
    """Answer a SOAP call (POST) or a WSDL request (GET ``?WSDL``) for one service."""
    service = Service.from_path_name(request.path_params["service"])
    if service is None:
        return PlainTextResponse("No such web service", status_code=404)
    if request.method == "GET":
        return _describe(request, service)
    return await _call(request, service)


def _describe(request: Request, service: Service) -> Response:
    if not any(key.lower() == "wsdl" for key in request.query_params):
        return PlainTextResponse(f"ClickBook{service.value}: append ?WSDL for the description")
    location = str(request.url.replace(query=""))
    return _xml(build_wsdl(service, location))


async def _call(request: Request, service: Service) -> Response:
    state: SandboxState = request.app.state.sandbox
    sleep: Sleep = request.app.state.sleep
    try:
        body = await read_bounded(request, MAX_BODY_BYTES)
    except BodyTooLarge as exc:
        return _fault(f"Request rejected: {exc}")
    call: SoapCall | None = None
    problem = ""
    content_type = request.headers.get("content-type", "").lower()
    try:
        if not content_type.startswith("text/xml"):
            raise SoapRequestError("Content-Type must be text/xml for SOAP 1.1")
        call = parse_request(body, service)
    except SoapRequestError as exc:
        problem = str(exc)
    fault = state.faults.match(call.operation.name, service) if call else None
    if fault is not None and fault.kind in (FaultKind.DELAY, FaultKind.EXPIRE_SESSION):
        state.faults.use(fault)
        if fault.kind is FaultKind.DELAY:
            await sleep(fault.seconds)
        else:
            end_session(request, state)
    account = None
    if service is Service.PRIVATE:
        account = session_account(request, state)
        if account is None:
            return login_form()
    if call is None:
        return _fault(problem)
    if fault is not None and fault.kind not in (FaultKind.DELAY, FaultKind.EXPIRE_SESSION):
        state.faults.use(fault)
        early = _injected_answer(fault, call)
        if early is not None:
            return early
    result = perform(state, service, call, account)
    if fault is not None and fault.kind is FaultKind.DROP:
        return DroppedResponse()
    return _xml(
        build_response(
            call.operation.name,
            result.code,
            result.info,
            errors=result.errors,
            fields=result.fields,
            timezones=result.timezones,
        )
    )


def _injected_answer(fault: FaultRule, call: SoapCall) -> Response | None:
    """Return the answer a fault gives instead of doing the work (None: do the work)."""
    name = call.operation.name
    if fault.kind is FaultKind.HTTP500:
        return _fault("Internal server error (sandbox fault)", client=False)
    if fault.kind is FaultKind.MALFORMED:
        return _xml(build_truncated(name))
    if fault.kind is FaultKind.CODE:
        return _xml(build_response(name, fault.code, f"Sandbox fault: CODE {fault.code}"))
    return None

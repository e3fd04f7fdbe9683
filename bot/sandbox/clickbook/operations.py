"""What each SOAP operation does, given a parsed call: the ClickBook side of contract section 4.

Handlers return an ``OpResult`` (CODE, INFO, ERRORS, FIELDS / TIMEZONES) and never raise for
a client's mistake; the web service layer turns the result into an envelope.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from bot.sandbox.clickbook.services import Service
from bot.sandbox.clickbook.soap import SoapCall
from bot.sandbox.clickbook.state import Account, ProcessOutcome, SandboxState
from bot.sandbox.clickbook.timezone_data import TIME_ZONE_ROWS
from bot.sandbox.clickbook.validation import (
    NEW_CLIENT_FILE,
    NEW_USER_REGISTRATION,
    FieldError,
    Schema,
    validate,
)

EMAIL_TAKEN_MESSAGE = "Email address is already registered."


@dataclass(frozen=True)
class OpResult:
    """The parts of an ``<OP>Return``."""

    code: int
    info: str = ""
    errors: tuple[FieldError, ...] = ()
    fields: tuple[tuple[str, str], ...] | None = None
    timezones: tuple[tuple[str, str], ...] | None = None


def api_key_allowed(state: SandboxState, service: Service, key: str) -> bool:
    """Return whether ``key`` may call ``service`` (Public also takes an empty key)."""
    if not key:
        return service is Service.PUBLIC
    return hmac.compare_digest(key.encode(), state.api_key.encode())


def perform(
    state: SandboxState, service: Service, call: SoapCall, account: Account | None
) -> OpResult:
    """Carry out ``call`` on ``service`` for the signed-in ``account`` (Private only)."""
    if not api_key_allowed(state, service, call.params["APIKEY"]):
        return OpResult(403, "API key missing or not allowed for this service.")
    name = call.operation.name
    if name == "GETTIMEZONEINFO":
        return OpResult(200, timezones=TIME_ZONE_ROWS)
    if name == "PROCESSREGSTUB":
        return _process_stub(state, call.params["STUBID"])
    if service is Service.PUBLIC:
        return _register(state, call)
    if account is None or not account.is_staff:
        return OpResult(403, "Only signed-in Service Provider staff may use this operation.")
    if name == "GETUSERFIELDS":
        return _get_client_file(state, call)
    return _create_client_file(state, call, account)


def _parameter_errors(call: SoapCall, schema: Schema) -> list[FieldError]:
    errors = []
    if call.params["GROUPNAME"] != schema.name:
        errors.append(FieldError("GROUPNAME", f"GROUPNAME must be {schema.name} here."))
    for parameter in ("CONTEXTFORM", "CONTEXTID"):
        if call.params[parameter]:
            errors.append(FieldError(parameter, f"{parameter} must be empty: create only."))
    if call.params["VALIDATIONMODE"] not in ("", "1"):
        errors.append(FieldError("VALIDATIONMODE", "VALIDATIONMODE must be empty or 1."))
    return errors


def _register(state: SandboxState, call: SoapCall) -> OpResult:
    errors = _parameter_errors(call, NEW_USER_REGISTRATION)
    if errors:
        return OpResult(400, "Invalid request parameters.", tuple(errors))
    errors = validate(NEW_USER_REGISTRATION, call.fields)
    values = dict(call.fields)
    email_field = "inp-emailaddress1"
    if not any(e.field == email_field for e in errors) and state.email_is_taken(
        values[email_field]
    ):
        errors.insert(0, FieldError(email_field, EMAIL_TAKEN_MESSAGE))
    if errors:
        return OpResult(400, "Validation failed.", tuple(errors))
    if call.params["VALIDATIONMODE"] == "1":
        return OpResult(200)
    return OpResult(200, state.create_stub(values).id)


def _create_client_file(state: SandboxState, call: SoapCall, account: Account) -> OpResult:
    errors = _parameter_errors(call, NEW_CLIENT_FILE) or validate(NEW_CLIENT_FILE, call.fields)
    if errors:
        return OpResult(400, "Validation failed.", tuple(errors))
    if call.params["VALIDATIONMODE"] == "1":
        return OpResult(200)
    return OpResult(200, state.create_client_file(dict(call.fields), account).id)


def _get_client_file(state: SandboxState, call: SoapCall) -> OpResult:
    errors = []
    if call.params["GROUPNAME"] != "BasicDetailsClientFile":
        errors.append(FieldError("GROUPNAME", "GROUPNAME must be BasicDetailsClientFile."))
    if call.params["CONTEXTFORM"] != "ClientFile":
        errors.append(FieldError("CONTEXTFORM", "CONTEXTFORM must be ClientFile."))
    if errors:
        return OpResult(400, "Invalid request parameters.", tuple(errors))
    client_file = state.client_files.get(call.params["CONTEXTID"])
    if client_file is None:
        return OpResult(404, "Unknown ClientFileID.")
    return OpResult(200, fields=tuple(client_file.basic_details()))


_PROCESS_RESULTS = {
    ProcessOutcome.ACTIVATED: OpResult(301, "Registration processed: the account is active."),
    ProcessOutcome.UNKNOWN: OpResult(404, "Unknown StubID."),
    ProcessOutcome.ALREADY_PROCESSED: OpResult(409, "Registration stub already processed."),
    ProcessOutcome.EXPIRED: OpResult(410, "Registration stub expired."),
    # The contract has no code for this; 409 would read as "already processed" (a success),
    # so it is reported as what it is, a validation failure on the email.
    ProcessOutcome.EMAIL_TAKEN: OpResult(
        400,
        "Email address was registered by another route meanwhile.",
        (FieldError("inp-emailaddress1", EMAIL_TAKEN_MESSAGE),),
    ),
}


def _process_stub(state: SandboxState, stub_id: str) -> OpResult:
    return _PROCESS_RESULTS[state.process_stub(stub_id)]

"""A local stand-in for ClickBook's server, implementing ``clickbook-contract.md``.

One Starlette app serves the SOAP services (``/wsapi/latest/ClickBook{Public,Private,Admin}``
and their WSDL), Domino sign-in and sign-out, and the sandbox-only controls under
``/_sandbox/``. It never imports ``bot.clickbook``: it reads the contract on its own, so a
mistake in the client cannot hide in shared code.

Use it in process with ``httpx.AsyncClient(transport=SandboxTransport(create_app()))`` or over
HTTP with ``serve(SandboxConfig())``.

Choices the contract leaves open, made here:

- ``<OP>Return`` always holds ``CODE`` and ``INFO``; ``ERRORS`` only when a field failed (400),
  ``FIELDS`` only in a GETUSERFIELDS success, ``TIMEZONES`` only in a GETTIMEZONEINFO success.
- A NewUserRegistration email is "already registered" when an account has it (staff included,
  case-insensitive) or an unprocessed stub younger than 24 hours has it. A stub whose address
  got an account meanwhile (through an invitation) answers PROCESSREGSTUB with 409.
- Every failing field gets one error, the first rule it breaks; a second copy (email,
  password) is compared only when the first copy passed its own rules.
- BasicDetailsClientFile returns ``inp-firstname``, ``inp-lastname``, ``inp-telfixed``,
  ``inp-telmobile``, ``inp-emailaddress1`` and ``inp-regstatus`` (``Invited`` until accepted,
  also for a file without an email).
- Private calls check the session before anything else, so a call without a session gets the
  login page even if its body is malformed; signed-in non-staff users get CODE 403.
- SOAP calls must be sent as ``text/xml``; ``SOAPAction`` is not checked.
- LOGIN faults: ``http500`` is a plain HTTP 500, ``malformed`` a truncated JSON body, ``code``
  answers that HTTP status, ``expire_session`` ends the session in the request's cookie.
- Five failed sign-ins in a row lock that email address (known or not) for 30 minutes; the
  fifth failure already answers "You are locked out". A success resets the count.
"""

from bot.sandbox.clickbook.app import create_app
from bot.sandbox.clickbook.clock import ManualClock
from bot.sandbox.clickbook.config import SandboxConfig, SandboxUrls, sandbox_urls
from bot.sandbox.clickbook.server import serve
from bot.sandbox.clickbook.transport import SandboxTransport

__all__ = [
    "ManualClock",
    "SandboxConfig",
    "SandboxTransport",
    "SandboxUrls",
    "create_app",
    "sandbox_urls",
    "serve",
]

"""Everything the ClickBook client raises when ClickBook could not do what was asked.

```
ClickBookError                        root; .operation is the SOAP operation (or LOGIN/LOGOUT)
├── ClickBookTransportError           no usable exchange; outcome unknown (e.g. connection dropped)
│   ├── ClickBookConnectError         the request certainly never reached ClickBook: safe to retry
│   └── ClickBookTimeoutError         no answer in time: for a write the outcome is unknown
├── ClickBookResponseError            an answer we cannot use: HTML where XML was expected,
│                                     malformed or oversized XML, wrong shape, unexpected
│                                     HTTP status; .http_status, .excerpt (short, scrubbed)
├── ClickBookFaultError               a SOAP Fault; .fault_code, .fault_string, .http_status
└── ClickBookAPIError                 ClickBook answered with a failure CODE; .code, .info
    ├── ClickBookValidationError      CODE 400; .errors lists every FieldError from ERRORS
    ├── ClickBookNotFoundError        CODE 404: unknown StubID or ClientFileID
    ├── ClickBookForbiddenError       CODE 403: API key missing or not allowed
    ├── ClickBookExpiredError         CODE 410: registration stub expired
    └── ClickBookAuthError            signing in did not work
        ├── ClickBookCredentialsError     HTTP 401: wrong email or password
        ├── ClickBookLockedOutError       "You are locked out"
        └── ClickBookSignedOutError       the session expired and could not be renewed
```

Programmer errors (a closed client, bad arguments, a model that breaks the schema rules)
are ``ValueError``/``RuntimeError`` and stay outside this tree, so a broad
``except ClickBookError`` never hides a bug.

No message, attribute or ``repr`` of these errors contains a password, a session cookie or
the API key: the client scrubs every text it copies from a request or response with the
call's secrets, and every error scrubs its text again for the known secret patterns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.clickbook.models import FieldError
from bot.clickbook.redaction import NO_SECRETS

__all__ = [
    "ClickBookAPIError",
    "ClickBookAuthError",
    "ClickBookConnectError",
    "ClickBookCredentialsError",
    "ClickBookError",
    "ClickBookExpiredError",
    "ClickBookFaultError",
    "ClickBookForbiddenError",
    "ClickBookLockedOutError",
    "ClickBookNotFoundError",
    "ClickBookResponseError",
    "ClickBookSignedOutError",
    "ClickBookTimeoutError",
    "ClickBookTransportError",
    "ClickBookValidationError",
]


class ClickBookError(Exception):
    """Raised when a ClickBook operation did not succeed; the root of the tree."""

    def __init__(self, operation: str, message: str) -> None:
        self.operation = operation
        self.message = NO_SECRETS(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"ClickBook {self.operation}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(operation={self.operation!r}, message={self.message!r})"


class ClickBookTransportError(ClickBookError):
    """Raised when no usable exchange happened; a request may or may not have been processed.

    Raised as such when the connection broke after the request was sent (for example the
    server dropped it), so the outcome is unknown, like a timeout.
    """

    may_have_been_processed: ClassVar[bool] = True
    """False only when the request certainly never reached ClickBook."""


class ClickBookConnectError(ClickBookTransportError):
    """Raised when ClickBook could not be reached: the request was certainly not delivered."""

    may_have_been_processed: ClassVar[bool] = False


class ClickBookTimeoutError(ClickBookTransportError):
    """Raised when ClickBook did not answer in time; the outcome of a write is unknown."""


class ClickBookResponseError(ClickBookError):
    """Raised when ClickBook's answer cannot be used (not XML, malformed, wrong shape, status)."""

    def __init__(
        self,
        operation: str,
        message: str,
        *,
        http_status: int | None = None,
        excerpt: str = "",
    ) -> None:
        super().__init__(operation, message)
        self.http_status = http_status
        self.excerpt = NO_SECRETS(excerpt)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, message={self.message!r}, "
            f"http_status={self.http_status!r})"
        )


class ClickBookFaultError(ClickBookError):
    """Raised when ClickBook answered with a SOAP Fault (malformed request, server failure)."""

    def __init__(
        self,
        operation: str,
        fault_code: str,
        fault_string: str,
        *,
        http_status: int | None = None,
    ) -> None:
        self.fault_code = NO_SECRETS(fault_code)
        self.fault_string = NO_SECRETS(fault_string)
        self.http_status = http_status
        super().__init__(operation, f"SOAP fault {self.fault_code}: {self.fault_string}")

    @property
    def is_client_fault(self) -> bool:
        """Tell whether the fault blames the request (``Client``), so repeating it is futile."""
        return self.fault_code.rpartition(":")[2].split(".")[0] == "Client"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, "
            f"fault_code={self.fault_code!r}, fault_string={self.fault_string!r})"
        )


class ClickBookAPIError(ClickBookError):
    """Raised when ClickBook answered with a CODE that means the operation failed."""

    def __init__(
        self, operation: str, message: str, *, code: int | None = None, info: str = ""
    ) -> None:
        super().__init__(operation, message)
        self.code = code
        self.info = NO_SECRETS(info)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, code={self.code!r}, "
            f"message={self.message!r})"
        )


class ClickBookValidationError(ClickBookAPIError):
    """Raised when ClickBook rejected the submitted fields (CODE 400); see ``errors``."""

    def __init__(
        self,
        operation: str,
        errors: Sequence[FieldError],
        *,
        code: int | None = 400,
        info: str = "",
    ) -> None:
        self.errors = [
            FieldError(field=NO_SECRETS(e.field), message=NO_SECRETS(e.message)) for e in errors
        ]
        details = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        message = f"validation failed: {details}" if details else "validation failed"
        if info and not self.errors:
            message = f"{message}: {info}"
        super().__init__(operation, message, code=code, info=info)

    @property
    def fields(self) -> list[str]:
        """Return the names of the failing fields, in ClickBook's order, without repeats."""
        return list(dict.fromkeys(e.field for e in self.errors))


class ClickBookNotFoundError(ClickBookAPIError):
    """Raised when ClickBook does not know the StubID or ClientFileID (CODE 404)."""


class ClickBookForbiddenError(ClickBookAPIError):
    """Raised when the API key is missing or not allowed for the service (CODE 403)."""


class ClickBookExpiredError(ClickBookAPIError):
    """Raised when the registration stub expired before it was processed (CODE 410)."""


class ClickBookAuthError(ClickBookAPIError):
    """Raised when signing in to ClickBook did not work."""


class ClickBookCredentialsError(ClickBookAuthError):
    """Raised when ClickBook rejected the email and password (HTTP 401)."""


class ClickBookLockedOutError(ClickBookAuthError):
    """Raised when ClickBook has locked the account after too many failed sign-ins."""


class ClickBookSignedOutError(ClickBookAuthError):
    """Raised when the session expired and signing in again with its credentials failed.

    The cause (``__cause__``) tells why, e.g. a ``ClickBookCredentialsError`` when the
    password was changed, or a ``ClickBookLockedOutError``.
    """

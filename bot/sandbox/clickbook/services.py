"""The three ClickBook SOAP services, their operations and each operation's parameter order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Service(StrEnum):
    """A ClickBook SOAP service, by the short name used in fault narrowing."""

    PUBLIC = "Public"
    PRIVATE = "Private"
    ADMIN = "Admin"

    @property
    def path_name(self) -> str:
        """Return the last URL segment, e.g. ``ClickBookPublic``."""
        return f"ClickBook{self.value}"

    @classmethod
    def from_path_name(cls, name: str) -> Service | None:
        """Return the service served under ``/wsapi/latest/<name>``, if any."""
        return next((service for service in cls if service.path_name == name), None)


@dataclass(frozen=True)
class Operation:
    """One SOAP operation: its name, its parameters in their fixed order, what it returns."""

    name: str
    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    """Optional list elements of ``<OP>Return`` after ``CODE`` and ``INFO``."""


_GETTIMEZONEINFO = Operation("GETTIMEZONEINFO", ("APIKEY",), ("TIMEZONES",))
_SETUSERFIELDS = Operation(
    "SETUSERFIELDS",
    ("APIKEY", "GROUPNAME", "CONTEXTFORM", "CONTEXTID", "VALIDATIONMODE", "FIELDS"),
    ("ERRORS",),
)
_GETUSERFIELDS = Operation(
    "GETUSERFIELDS",
    ("APIKEY", "GROUPNAME", "CONTEXTFORM", "CONTEXTID"),
    ("ERRORS", "FIELDS"),
)
_PROCESSREGSTUB = Operation("PROCESSREGSTUB", ("APIKEY", "STUBID"), ())

OPERATIONS: dict[Service, dict[str, Operation]] = {
    Service.PUBLIC: {op.name: op for op in (_GETTIMEZONEINFO, _SETUSERFIELDS)},
    Service.PRIVATE: {op.name: op for op in (_SETUSERFIELDS, _GETUSERFIELDS)},
    Service.ADMIN: {op.name: op for op in (_PROCESSREGSTUB,)},
}
"""Operations served by each service (contract section 4)."""

LIST_PARAMETERS = frozenset({"FIELDS"})
"""Parameters that carry ``<FIELD><NAME/><VALUE/></FIELD>`` items instead of text."""

OPERATION_NAMESPACE = "urn:DefaultNamespace"
SOAP_ENV_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"

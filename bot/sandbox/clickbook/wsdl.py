"""WSDL 1.1 descriptions of the three services, document/literal wrapped.

Document/literal with ``elementFormDefault="unqualified"`` is what makes a standard SOAP
client (zeep, .NET, Axis) produce exactly the contract's wire format: the body holds the
operation element ``urn:<OP>`` in ``urn:DefaultNamespace`` whose children are unqualified
upper-case parameters in a fixed ``xsd:sequence``; the answer is ``urn:<OP>Response`` holding
an unqualified ``<OP>Return``.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from bot.sandbox.clickbook.services import (
    LIST_PARAMETERS,
    OPERATION_NAMESPACE,
    OPERATIONS,
    Service,
)

_LIST_TYPES = {
    "FIELDS": ("FIELD", (("NAME", "xsd:string"), ("VALUE", "xsd:string"))),
    "ERRORS": ("ERROR", (("FIELD", "xsd:string"), ("MESSAGE", "xsd:string"))),
    "TIMEZONES": ("TIMEZONE", (("VALUE", "xsd:string"), ("LABEL", "xsd:string"))),
}


def _element(name: str, type_name: str, *, optional: bool = False, many: bool = False) -> str:
    occurs = ' minOccurs="0"' if optional or many else ""
    occurs += ' maxOccurs="unbounded"' if many else ""
    return f'<xsd:element name="{name}" type="{type_name}"{occurs}/>'


def _sequence(elements: list[str]) -> str:
    return f"<xsd:sequence>{''.join(elements)}</xsd:sequence>"


def _list_types() -> str:
    parts = []
    for list_name, (item_name, members) in _LIST_TYPES.items():
        parts.append(
            f'<xsd:complexType name="{item_name}Type">'
            f"{_sequence([_element(name, type_name) for name, type_name in members])}"
            "</xsd:complexType>"
            f'<xsd:complexType name="{list_name}Type">'
            f"{_sequence([_element(item_name, f'tns:{item_name}Type', many=True)])}"
            "</xsd:complexType>"
        )
    return "".join(parts)


def _operation_types(service: Service) -> str:
    parts = []
    for op in OPERATIONS[service].values():
        parameters = [
            _element(name, f"tns:{name}Type" if name in LIST_PARAMETERS else "xsd:string")
            for name in op.parameters
        ]
        returns = [_element("CODE", "xsd:int"), _element("INFO", "xsd:string")]
        returns += [_element(name, f"tns:{name}Type", optional=True) for name in op.returns]
        parts.append(
            f'<xsd:element name="{op.name}"><xsd:complexType>{_sequence(parameters)}'
            "</xsd:complexType></xsd:element>"
            f'<xsd:complexType name="{op.name}ReturnType">{_sequence(returns)}</xsd:complexType>'
            f'<xsd:element name="{op.name}Response"><xsd:complexType>'
            f"{_sequence([_element(f'{op.name}Return', f'tns:{op.name}ReturnType')])}"
            "</xsd:complexType></xsd:element>"
        )
    return "".join(parts)


def build_wsdl(service: Service, location: str) -> bytes:
    """Return the WSDL of ``service``, whose endpoint is at ``location``."""
    name = service.path_name
    operations = list(OPERATIONS[service])
    messages = "".join(
        f'<wsdl:message name="{op}Request"><wsdl:part name="parameters" element="tns:{op}"/>'
        "</wsdl:message>"
        f'<wsdl:message name="{op}Response">'
        f'<wsdl:part name="parameters" element="tns:{op}Response"/></wsdl:message>'
        for op in operations
    )
    port_operations = "".join(
        f'<wsdl:operation name="{op}"><wsdl:input message="tns:{op}Request"/>'
        f'<wsdl:output message="tns:{op}Response"/></wsdl:operation>'
        for op in operations
    )
    bound_operations = "".join(
        f'<wsdl:operation name="{op}"><soap:operation soapAction="" style="document"/>'
        '<wsdl:input><soap:body use="literal"/></wsdl:input>'
        '<wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>'
        for op in operations
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns="{OPERATION_NAMESPACE}" targetNamespace="{OPERATION_NAMESPACE}" '
        f'name="{name}">'
        "<wsdl:types>"
        f'<xsd:schema targetNamespace="{OPERATION_NAMESPACE}" elementFormDefault="unqualified">'
        f"{_list_types()}{_operation_types(service)}"
        "</xsd:schema></wsdl:types>"
        f"{messages}"
        f'<wsdl:portType name="{name}">{port_operations}</wsdl:portType>'
        f'<wsdl:binding name="{name}SoapBinding" type="tns:{name}">'
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{bound_operations}</wsdl:binding>"
        f'<wsdl:service name="{name}Service">'
        f'<wsdl:port name="{name}" binding="tns:{name}SoapBinding">'
        f"<soap:address location={quoteattr(location)}/></wsdl:port></wsdl:service>"
        "</wsdl:definitions>"
    ).encode()

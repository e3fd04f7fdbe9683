"""JSON, and only JSON, for everything the store keeps on behalf of its callers.

Values must round-trip exactly: what you store is what you read back. Plain ``json.dumps``
would silently turn tuples into lists and integer dict keys into strings, so this codec
refuses them with ``TypeError`` instead. Allowed: ``None``, ``bool``, ``int``, finite
``float``, ``str`` (a ``StrEnum`` member is a ``str`` and comes back as the plain value,
which compares equal), ``list`` and ``dict`` with ``str`` keys. Never pickle.
"""

from __future__ import annotations

import json
import math
from typing import Any

_MAX_DEPTH = 64


def encode_json(value: Any, *, what: str = "value") -> str:
    """Serialise ``value`` to compact JSON text, or raise ``TypeError`` naming the bad part."""
    _check(value, what, 0)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def decode_json(text: str) -> Any:
    """Parse JSON text written by :func:`encode_json`."""
    return json.loads(text)


def _check(value: Any, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueError(f"{path}: nested deeper than {_MAX_DEPTH} levels")
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value!r} has no JSON form")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{path}: dict key {key!r} is a {type(key).__name__}; JSON keys are strings"
                )
            _check(item, f"{path}[{key!r}]", depth + 1)
        return
    hint = "; use a list" if isinstance(value, tuple) else ""
    raise TypeError(f"{path}: {type(value).__name__} is not JSON-serialisable{hint}")

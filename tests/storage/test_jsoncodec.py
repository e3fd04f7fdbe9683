"""The JSON-only codec: exact round trips, refusals with a clear message."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from bot.storage.jsoncodec import decode_json, encode_json


class Step(StrEnum):
    EMAIL = "email"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="none"),
        pytest.param(True, id="bool"),
        pytest.param(2**62, id="big-int"),
        pytest.param(0.1, id="float"),
        pytest.param("Zoë 🙂", id="unicode"),
        pytest.param({"a": [1, {"b": None}], "c": ""}, id="nested"),
    ],
)
def test_plain_json_round_trips_exactly(value: Any) -> None:
    assert decode_json(encode_json(value)) == value


def test_str_enum_members_come_back_as_equal_strings() -> None:
    back = decode_json(encode_json({"step": Step.EMAIL}))
    assert back == {"step": "email"}
    assert back["step"] == Step.EMAIL


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(object(), "object is not JSON-serialisable", id="object"),
        pytest.param({"k": (1, 2)}, r"value\['k'\]: tuple .* use a list", id="tuple"),
        pytest.param({1: "a"}, "dict key 1 is a int", id="int-key"),
        pytest.param([{1, 2}], r"value\[0\]: set", id="set"),
        pytest.param(b"raw", "bytes", id="bytes"),
    ],
)
def test_values_without_an_exact_json_form_raise_type_error(value: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        encode_json(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_floats_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="no JSON form"):
        encode_json([value])


def test_absurd_nesting_is_refused() -> None:
    deep: list[Any] = []
    cursor = deep
    for _ in range(100):
        cursor.append([])
        cursor = cursor[0]
    with pytest.raises(ValueError, match="nested deeper"):
        encode_json(deep)


def test_the_stored_text_is_compact_and_readable() -> None:
    assert encode_json({"name": "Zoë", "n": [1, 2.5, None, True]}) == (
        '{"name":"Zoë","n":[1,2.5,null,true]}'
    )


def _nested(levels: int) -> list[Any]:
    """A list holding a list ... ``levels`` lists deep around a 1."""
    value: list[Any] = [1]
    for _ in range(levels - 1):
        value = [value]
    return value


def test_nesting_up_to_the_limit_is_kept_and_one_more_is_refused() -> None:
    assert decode_json(encode_json(_nested(64))) == _nested(64)
    with pytest.raises(ValueError, match=r"^value(\[0\]){65}: nested deeper than 64 levels$"):
        encode_json(_nested(65))
    deep_dict: dict[str, Any] = {"k": 1}
    for _ in range(63):
        deep_dict = {"k": deep_dict}
    assert decode_json(encode_json(deep_dict)) == deep_dict
    with pytest.raises(ValueError, match="nested deeper than 64 levels"):
        encode_json({"k": deep_dict})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            {"a": [1, (2,)]},
            "draft field 'x'['a'][1]: tuple is not JSON-serialisable; use a list",
            id="tuple",
        ),
        pytest.param(
            {"a": {2: 1}},
            "draft field 'x'['a']: dict key 2 is a int; JSON keys are strings",
            id="int-key",
        ),  # fmt: skip
        pytest.param([{1}], "draft field 'x'[0]: set is not JSON-serialisable", id="set"),
    ],
)
def test_a_refusal_names_the_exact_place_of_the_bad_part(value: Any, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        encode_json(value, what="draft field 'x'")
    assert str(raised.value) == message


@pytest.mark.parametrize("value", [float("nan"), float("-inf")])
def test_a_non_finite_float_refusal_names_its_place(value: float) -> None:
    with pytest.raises(ValueError, match="no JSON form") as raised:
        encode_json({"k": [value]})
    assert str(raised.value) == f"value['k'][0]: {value!r} has no JSON form"

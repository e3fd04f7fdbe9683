"""Telegram's HTML parse mode, ported from TDLib's `parse_html`, plus UTF-16 helpers.

The parser walks the text the way Telegram's server does, so it refuses the same input with
the same words ("Unsupported start tag "br" at byte offset 5", "Can't find end tag
corresponding to start tag "b"", ...). It is deliberately stricter in one place: a named
entity other than &lt; &gt; &amp; &quot; (such as `&nbsp;`) is refused, where Telegram would
show it to the user literally, which is always a bug in the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\0")
_END = "\0"
_TRIMMED = " \t\r\n\v\f"


class HtmlParseError(ValueError):
    """Raised when the text is not valid Telegram HTML; the message is Telegram's detail."""


@dataclass(frozen=True, slots=True)
class FormattedText:
    """Visible text and its entities (offsets and lengths in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_ascii_alpha(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_hex(char: str) -> bool:
    return char in "0123456789abcdefABCDEF"


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    output_index: int


class _HtmlParser:
    """One pass over one text; see `parse_html`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source + _END
        self.out: list[str] = []
        self.utf16_offset = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_OpenTag] = []

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8", "surrogatepass"))

    def fail(self, detail: str) -> HtmlParseError:
        return HtmlParseError(detail)

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode the character reference at `pos` (an '&'), or None to keep it literal."""
        text = self.text
        end = pos + 1
        if text[pos + 1] == "#":
            end += 1
            value = 0
            if text[pos + 2] == "x":
                end += 1
                while _is_hex(text[end]):
                    value = value * 16 + int(text[end], 16)
                    end += 1
            else:
                while text[end].isascii() and text[end].isdigit():
                    value = value * 10 + int(text[end])
                    end += 1
            if value == 0 or value >= 0x10FFFF or end - pos >= 10:
                return None
            if 0xD800 <= value <= 0xDFFF:
                raise self.fail(
                    "Text contains invalid Unicode characters after decoding HTML entities,"
                    " check for unmatched surrogate code units"
                )
            char = chr(value)
        else:
            while _is_ascii_alpha(text[end]):
                end += 1
            name = text[pos + 1 : end]
            if name not in _NAMED_ENTITIES:
                if name and text[end] == ";":
                    at = self.byte_offset(pos)
                    raise self.fail(f'Unsupported HTML entity "&{name};" at byte offset {at}')
                return None
            char = _NAMED_ENTITIES[name]
        if text[end] == ";":
            end += 1
        return char, end

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16_offset += 2 if ord(char) > 0xFFFF else 1

    def run(self) -> FormattedText:
        text = self.text
        i = 0
        size = len(self.source)
        while i < size:
            char = text[i]
            if char == "&":
                decoded = self.decode_entity(i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
            if char != "<":
                self.emit(char)
                i += 1
                continue
            i = self.end_tag(i) if text[i + 1] == "/" else self.start_tag(i)
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        text = self.text
        at = self.byte_offset(begin)
        i = begin + 1
        while text[i] not in _SPACES and text[i] != ">":
            i += 1
        if text[i] == _END:
            raise self.fail(f"Unclosed start tag at byte offset {at}")
        name = text[begin + 1 : i].lower()
        if name not in ALLOWED_TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {at}')
        argument = ""
        while text[i] != ">":
            while text[i] != _END and text[i] in _SPACES:
                i += 1
            if text[i] == ">":
                break
            if text[i] == _END:
                raise self.fail(f"Unclosed start tag at byte offset {at}")
            attribute_begin = i
            while text[i] not in _SPACES and text[i] not in "=>":
                i += 1
            attribute = text[attribute_begin:i]
            if not attribute:
                raise self.fail(f'Empty attribute name in the tag "{name}" at byte offset {at}')
            while text[i] != _END and text[i] in _SPACES:
                i += 1
            if text[i] != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "1"
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag"
                    f' "{name}" at byte offset {at}'
                )
            i += 1
            while text[i] != _END and text[i] in _SPACES:
                i += 1
            if text[i] == _END:
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {at}')
            value, i = self.attribute_value(i)
            if text[i] == _END:
                raise self.fail(f"Unclosed start tag at byte offset {at}")
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        self.stack.append(_OpenTag(name, argument, self.utf16_offset, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        text = self.text
        if text[i] not in "'\"":
            token_begin = i
            while _is_ascii_alnum(text[i]) or text[i] in ".-":
                i += 1
            if text[i] not in _SPACES and text[i] != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return text[token_begin:i].lower(), i
        quote = text[i]
        i += 1
        parts: list[str] = []
        while text[i] != quote and text[i] != _END:
            if text[i] == "&":
                decoded = self.decode_entity(i)
                if decoded is not None:
                    parts.append(decoded[0])
                    i = decoded[1]
                    continue
            parts.append(text[i])
            i += 1
        if text[i] == quote:
            i += 1
        return "".join(parts), i

    def end_tag(self, begin: int) -> int:
        text = self.text
        at = self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {at}")
        i = begin + 1
        while text[i] not in _SPACES and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while text[i] != _END and text[i] in _SPACES:
            i += 1
        if text[i] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {at}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>",'
                f' found "</{end_name}>"'
            )
        if self.utf16_offset > tag.utf16_offset:
            self.close_entity(tag)
        self.stack.pop()
        return i + 1

    def close_entity(self, tag: _OpenTag) -> None:
        offset = tag.utf16_offset
        length = self.utf16_offset - offset
        entities = self.entities
        last = entities[-1] if entities else None
        same_range = last is not None and last["offset"] == offset and last["length"] == length
        if tag.name in _SIMPLE_ENTITY_TYPES:
            entities.append(
                {"type": _SIMPLE_ENTITY_TYPES[tag.name], "offset": offset, "length": length}
            )
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": tag.argument,
                }
            )
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.output_index :])
            if url:
                entities.append(
                    {"type": "text_link", "offset": offset, "length": length, "url": url}
                )
        elif tag.name == "pre":
            if same_range and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag.name == "code":
            if same_range and last is not None and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                entity = {"type": "code", "offset": offset, "length": length}
                if tag.argument:
                    entity["language"] = tag.argument
                entities.append(entity)
        else:
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            entities.append({"type": kind, "offset": offset, "length": length})


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML into visible text and entities; raise HtmlParseError if invalid."""
    return _HtmlParser(source).run()


def trim(formatted: FormattedText) -> FormattedText:
    """Strip leading and trailing whitespace as Telegram does, clipping the entities."""
    text = formatted.text
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return formatted
    if not stripped:
        return FormattedText("", [])
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    limit = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)

"""Telegram HTML parse mode: visible text, entities, and refusals in Telegram's words."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.telegram.formatting import (
    FormattedText,
    HtmlParseError,
    parse_html,
    trim,
    utf16_len,
)


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        pytest.param("plain", "plain", [], id="plain"),
        pytest.param(
            "<b>bold</b> and <strong>strong</strong>",
            "bold and strong",
            [
                {"type": "bold", "offset": 0, "length": 4},
                {"type": "bold", "offset": 9, "length": 6},
            ],
            id="bold",
        ),
        pytest.param(
            "<i>a</i><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>",
            "abcdefg",
            [
                {"type": "italic", "offset": 0, "length": 1},
                {"type": "italic", "offset": 1, "length": 1},
                {"type": "underline", "offset": 2, "length": 1},
                {"type": "underline", "offset": 3, "length": 1},
                {"type": "strikethrough", "offset": 4, "length": 1},
                {"type": "strikethrough", "offset": 5, "length": 1},
                {"type": "strikethrough", "offset": 6, "length": 1},
            ],
            id="styles",
        ),
        pytest.param(
            '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
            "xy",
            [
                {"type": "spoiler", "offset": 0, "length": 1},
                {"type": "spoiler", "offset": 1, "length": 1},
            ],
            id="spoilers",
        ),
        pytest.param(
            '<a href="https://example.com/?a=1&amp;b=2">site</a>',
            "site",
            [
                {
                    "type": "text_link",
                    "offset": 0,
                    "length": 4,
                    "url": "https://example.com/?a=1&b=2",
                }
            ],
            id="link-with-entity-in-href",
        ),
        pytest.param(
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
            id="pre-with-language",
        ),
        pytest.param(
            "<code>a&lt;b</code>",
            "a<b",
            [{"type": "code", "offset": 0, "length": 3}],
            id="code",
        ),
        pytest.param(
            "<blockquote expandable>q</blockquote><blockquote>r</blockquote>",
            "qr",
            [
                {"type": "expandable_blockquote", "offset": 0, "length": 1},
                {"type": "blockquote", "offset": 1, "length": 1},
            ],
            id="blockquotes",
        ),
        pytest.param(
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [
                {
                    "type": "custom_emoji",
                    "offset": 0,
                    "length": 2,
                    "custom_emoji_id": "5368324170671202286",
                }
            ],
            id="custom-emoji-utf16",
        ),
        pytest.param(
            "&lt;&gt;&amp;&quot;&#65;&#x42;",
            '<>&"AB',
            [],
            id="entities",
        ),
        pytest.param("Tom & Jerry", "Tom & Jerry", [], id="bare-ampersand"),
        pytest.param(
            "😀 <b>x</b>",
            "😀 x",
            [{"type": "bold", "offset": 3, "length": 1}],
            id="offsets-in-utf16",
        ),
        pytest.param("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}], id="case"),
    ],
)
def test_parse_html_keeps_visible_text_and_entities(
    html: str, text: str, entities: list[dict[str, object]]
) -> None:
    parsed = parse_html(html)

    assert parsed.text == text
    assert parsed.entities == entities


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        pytest.param("a<br>b", 'Unsupported start tag "br" at byte offset 1', id="unsupported"),
        pytest.param(
            "é<div>x</div>", 'Unsupported start tag "div" at byte offset 2', id="byte-offset"
        ),
        pytest.param(
            "<b>open", 'Can\'t find end tag corresponding to start tag "b"', id="unclosed"
        ),
        pytest.param("1 < 2", 'Unsupported start tag "" at byte offset 2', id="stray-lt"),
        pytest.param("x <", "Unclosed start tag at byte offset 2", id="lt-at-end"),
        pytest.param("x</b>", "Unexpected end tag at byte offset 1", id="unexpected-end"),
        pytest.param(
            "<b>x</i>",
            'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
            id="unmatched",
        ),
        pytest.param(
            "a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1', id="unknown-entity"
        ),
        pytest.param(
            '<span class="x">a</span>',
            'Tag "span" must have class "tg-spoiler" at byte offset 0',
            id="plain-span",
        ),
        pytest.param(
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
            id="attribute-without-value",
        ),
        pytest.param(
            '<tg-emoji emoji-id="abc">x</tg-emoji>',
            "Invalid custom emoji identifier specified",
            id="bad-emoji-id",
        ),
    ],
)
def test_parse_html_refuses_with_telegrams_detail(html: str, detail: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)

    assert str(caught.value) == detail


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀é") == 4


def test_trim_strips_whitespace_and_clips_entities() -> None:
    formatted = FormattedText("  hi \n", [{"type": "bold", "offset": 0, "length": 6}])

    assert trim(formatted) == FormattedText("hi", [{"type": "bold", "offset": 0, "length": 2}])


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        pytest.param("<p>x</p>", 'Unsupported start tag "p" at byte offset 0', id="p"),
        pytest.param("<i>x", 'Can\'t find end tag corresponding to start tag "i"', id="open"),
        pytest.param("if a < b", 'Unsupported start tag "" at byte offset 5', id="stray"),
    ],
)
async def test_send_message_with_bad_html_raises_bad_request(
    bot: Bot, emulator: TelegramEmulator, html: str, detail: str
) -> None:
    ann = emulator.user()

    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ann.id, html, parse_mode=ParseMode.HTML)

    description = f"Bad Request: can't parse entities: {detail}"
    assert emulator.calls[-1].description == description
    assert caught.value.message == description.removeprefix("Bad Request: ").capitalize()
    assert ann.transcript == []


async def test_stored_text_is_visible_text_and_html_is_as_sent(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()

    sent = await bot.send_message(ann.id, "<b>Hi</b> &amp; bye\n", parse_mode=ParseMode.HTML)

    assert sent.text == "Hi & bye"
    assert ann.last.text == "Hi & bye"
    assert ann.last.html == "<b>Hi</b> &amp; bye\n"
    assert ann.last.entities == [{"type": "bold", "offset": 0, "length": 2}]


async def test_length_limit_counts_visible_utf16_units(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    fits = "<b>" + "x" * 4096 + "</b>"

    await bot.send_message(ann.id, fits, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ann.id, "😀" * 2049)

    assert emulator.calls[-1].description == "Bad Request: message is too long"
    assert len(ann.transcript) == 1


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>"])
async def test_empty_text_is_refused(bot: Bot, emulator: TelegramEmulator, text: str) -> None:
    ann = emulator.user()

    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ann.id, text, parse_mode=ParseMode.HTML)

    assert emulator.calls[-1].description == "Bad Request: message text is empty"

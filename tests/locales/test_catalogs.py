"""The shipped catalogs: complete in every language, valid Telegram HTML, in step with the code.

The code side is read with ``ast``: every key passed as a literal to a translator, every
``error.<code>`` a domain validator can raise, every ``submit.<x>`` the sign-up renders from
its stages and outcomes, and every ``command.<name>`` of a command menu.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, Catalogs, load_catalogs, placeholders
from bot.signup import Outcome, Stage

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
CODE_DIRS = (ROOT / "bot", ROOT / "conversations")
DOMAIN_DIR = ROOT / "bot" / "domain"

KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
"""What a catalog key looks like: dotted lowercase words."""

TELEGRAM_TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
}
"""The tags (and their attributes) Telegram's HTML parse mode accepts."""

ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    """The catalogs exactly as the bot loads them."""
    return load_catalogs()


@pytest.fixture(scope="module")
def english(catalogs: Catalogs) -> dict[str, str]:
    """The English messages: the source of every key."""
    return dict(catalogs.messages[DEFAULT_LANGUAGE])


def po_path(language: str) -> Path:
    """Return the .po file of one language."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# -- every language complete and well formed --------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_key_and_nothing_else(
    catalogs: Catalogs, english: dict[str, str], language: str
) -> None:
    messages = catalogs.messages[language]
    assert set(english) - set(messages) == set()
    assert set(messages) - set(english) == set()
    assert len(english) > 50


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_file_has_no_fuzzy_or_empty_entry(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    entries = [message for message in catalog if message.id]
    assert entries
    assert [m.id for m in entries if m.fuzzy] == []
    assert [m.id for m in entries if not str(m.string).strip()] == []
    assert [m.id for m in entries if not KEY.match(str(m.id))] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_placeholders_as_english(
    catalogs: Catalogs, english: dict[str, str], language: str
) -> None:
    different = {
        key: sorted(placeholders(text))
        for key, text in catalogs.messages[language].items()
        if placeholders(text) != placeholders(english[key])
    }
    assert different == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders_with_its_placeholders(catalogs: Catalogs, language: str) -> None:
    translator = catalogs.translator(language)
    for key, text in catalogs.messages[language].items():
        params = {name: "x" for name in placeholders(text)}
        assert translator(key, **params).strip(), key
        assert translator.plain(key, **params).strip(), key
        for _, field_name, _, _ in string.Formatter().parse(text):
            assert field_name is None or field_name.isidentifier(), (key, field_name)


class TagChecker(HTMLParser):
    """Collects the problems of one string as Telegram HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"<{tag}> is not a Telegram tag")
            return
        unknown = {name for name, _ in attrs} - TELEGRAM_TAGS[tag]
        if unknown:
            self.problems.append(f"<{tag}> has attributes {sorted(unknown)}")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"<{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.open[-1:] or 'anything'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problems.append(f"bare < or > in {data!r}")

    def close(self) -> None:
        super().close()
        if self.open:
            self.problems.append(f"unclosed {self.open}")


def html_problems(text: str) -> list[str]:
    """Return why ``text`` is not valid Telegram HTML (empty when it is)."""
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    without_tags = re.sub(r"<[^<>]*>", "", text)
    stray = ENTITY.sub("", without_tags)
    if "&" in stray:
        checker.problems.append("bare & (write &amp;)")
    if "<" in without_tags or ">" in without_tags:
        checker.problems.append("bare < or > (write &lt; &gt;)")
    return checker.problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>bold</i>", "does not close"),
        ("<b>open", "unclosed"),
        ("<div>x</div>", "not a Telegram tag"),
        ('<a href="u" onclick="x">y</a>', "attributes"),
        ("Tom & Jerry", "bare &"),
        ("1 < 2", "bare <"),
        ("<br/>", "not allowed"),
    ],
)
def test_the_html_check_catches_broken_markup(text: str, problem: str) -> None:
    assert any(problem in found for found in html_problems(text)), html_problems(text)


def test_the_html_check_accepts_telegram_markup() -> None:
    text = '<b>a</b> <i>b</i> <a href="https://x">c</a> <code>d</code> &lt;e&gt; &amp; {name}'
    assert html_problems(text) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_balanced_telegram_tags(catalogs: Catalogs, language: str) -> None:
    problems = {
        key: found
        for key, text in catalogs.messages[language].items()
        if (found := html_problems(text))
    }
    assert problems == {}


# -- the template -----------------------------------------------------------------------------


def test_template_equals_the_english_keys(catalogs: Catalogs, english: dict[str, str]) -> None:
    with (LOCALES / f"{DOMAIN}.pot").open("rb") as handle:
        template = {str(message.id) for message in read_po(handle) if message.id}
    assert template == set(english)
    assert catalogs.template == frozenset(english)


# -- the code and the catalogs ----------------------------------------------------------------


def python_files(*roots: Path) -> Iterator[Path]:
    """Yield every Python file under ``roots``."""
    for root in roots:
        yield from sorted(root.rglob("*.py"))


def _is_translator(func: ast.expr) -> bool:
    """Tell whether a call's function renders a catalog key: t(), x.t(), t.plain(), ..."""
    if isinstance(func, ast.Name):
        return func.id in ("t", "translator")
    if isinstance(func, ast.Attribute):
        if func.attr == "t":
            return True
        if func.attr == "plain":
            return _is_translator(func.value)
    return False


def _constants_assigned(tree: ast.AST) -> dict[str, set[str]]:
    """Map each plain variable name to the string constants assigned to it anywhere."""
    assigned: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        strings = [
            leaf.value
            for leaf in ast.walk(value)
            if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
        ]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, set()).update(strings)
    return assigned


def _is_key_holder(name: str) -> bool:
    """Tell whether a parameter or attribute name holds a catalog key (``prompt_key``...)."""
    lowered = name.lower()
    if "api" in lowered or "secret" in lowered:
        return False
    return lowered.endswith(("_key", "_title", "_label"))


def keys_in_code(path: Path) -> tuple[set[str], set[str]]:
    """Return the literal catalog keys and the f-string key prefixes one module uses."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assigned = _constants_assigned(tree)
    keys: set[str] = set()
    prefixes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_translator(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
            elif isinstance(first, ast.JoinedStr):
                head = first.values[0] if first.values else None
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    prefixes.add(head.value)
            elif isinstance(first, ast.Name):
                keys.update(value for value in assigned.get(first.id, ()) if KEY.match(value))
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg
                    and _is_key_holder(keyword.arg)
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and KEY.match(value.value)
                ):
                    keys.add(value.value)
        if isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args]
            pairs = list(zip(named[len(named) - len(node.defaults) :], node.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True) if d]
            for argument, default in pairs:
                if (
                    _is_key_holder(argument.arg)
                    and isinstance(default, ast.Constant)
                    and isinstance(default.value, str)
                    and KEY.match(default.value)
                ):
                    keys.add(default.value)
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and _is_key_holder(node.target.id)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and KEY.match(node.value.value)
        ):
            keys.add(node.value.value)
    return keys, prefixes


def test_the_key_scanner_finds_keys_in_every_shape(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "def f(session, t, prompt_key='a.default', api_key='not.this'):\n"
        "    key = 'd.assigned'\n"
        "    t('a.literal'); session.t('b.session', x=1); t.plain('c.plain')\n"
        "    t(key); t(f'fam.{x}'); build(title_key='e.keyword')\n"
        "    session.t.plain('g.nested')\n"
        "class C:\n"
        "    summary_title: str = 'h.class'\n",
        encoding="utf-8",
    )
    keys, prefixes = keys_in_code(module)
    assert keys == {
        "a.default",
        "a.literal",
        "b.session",
        "c.plain",
        "d.assigned",
        "e.keyword",
        "g.nested",
        "h.class",
    }
    assert prefixes == {"fam."}


def test_every_key_the_code_uses_exists(english: dict[str, str]) -> None:
    missing: dict[str, list[str]] = {}
    prefixes_without_keys: dict[str, list[str]] = {}
    found = 0
    for path in python_files(*CODE_DIRS):
        keys, prefixes = keys_in_code(path)
        found += len(keys)
        name = str(path.relative_to(ROOT))
        if absent := sorted(keys - set(english)):
            missing[name] = absent
        if lonely := sorted(p for p in prefixes if not any(k.startswith(p) for k in english)):
            prefixes_without_keys[name] = lonely
    assert found > 50, "the scanner found suspiciously few keys"
    assert missing == {}
    assert prefixes_without_keys == {}


# -- dynamic families -------------------------------------------------------------------------


def field_error_codes() -> dict[str, set[str]]:
    """Map every FieldError code raised in ``bot/domain`` to the parameter names it passes."""
    codes: dict[str, set[str]] = {}
    for path in python_files(DOMAIN_DIR):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        assigned = _constants_assigned(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name != "FieldError":
                continue
            first = node.args[0]
            params = {keyword.arg for keyword in node.keywords if keyword.arg}
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found = {first.value}
            elif isinstance(first, ast.Call):
                # FieldError(TABLE.get(..., "default")): the table's values and the default.
                found = {
                    leaf.value
                    for arg in first.args
                    for leaf in ast.walk(arg)
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
                }
                table = first.func.value if isinstance(first.func, ast.Attribute) else None
                if isinstance(table, ast.Name):
                    found |= assigned.get(table.id, set())
            elif isinstance(first, ast.Name):
                found = assigned.get(first.id, set())
            else:
                pytest.fail(f"{path}:{node.lineno}: cannot read the FieldError code")
            assert found, f"{path}:{node.lineno}: no code found"
            for code in found:
                codes.setdefault(code, set()).update(params)
    return codes


def test_every_field_error_code_has_a_message(english: dict[str, str]) -> None:
    codes = field_error_codes()
    assert len(codes) > 15, sorted(codes)
    assert {"name.too_long", "phone.missing_area_code", "password.no_digit"} <= set(codes)
    missing = sorted(code for code in codes if f"error.{code}" not in english)
    assert missing == []
    unfilled = {
        code: sorted(placeholders(english[f"error.{code}"]) - params)
        for code, params in codes.items()
        if placeholders(english[f"error.{code}"]) - params
    }
    assert unfilled == {}


def test_every_stage_and_outcome_the_sign_up_shows_has_a_message(
    english: dict[str, str],
) -> None:
    for stage in Stage:
        assert f"submit.{stage.value}" in english, stage
    # FIELD_ERRORS is shown per field ("submit.field_error") or as "submit.rejected".
    for outcome in Outcome:
        if outcome is not Outcome.FIELD_ERRORS:
            assert f"submit.{outcome.value}" in english, outcome
    for key in ("submit.field_error", "submit.fix_fields", "submit.rejected"):
        assert key in english


def menu_commands() -> dict[str, set[str]]:
    """Map each module to the command names of its ``*_COMMANDS`` tuples."""
    menus: dict[str, set[str]] = {}
    for path in python_files(*CODE_DIRS):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith("_COMMANDS"):
                    names = {
                        leaf.value
                        for leaf in ast.walk(node.value)
                        if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
                    }
                    menus.setdefault(str(path.relative_to(ROOT)), set()).update(names)
    return menus


def test_every_menu_command_has_a_description(english: dict[str, str]) -> None:
    menus = menu_commands()
    assert {"start", "cancel", "language", "help"} <= menus.get("conversations/common.py", set())
    missing = {
        module: sorted(name for name in names if f"command.{name}" not in english)
        for module, names in menus.items()
        if any(f"command.{name}" not in english for name in names)
    }
    assert missing == {}
    for names in menus.values():
        for name in names:
            description = english[f"command.{name}"]
            assert 3 <= len(description) <= 256, name
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name

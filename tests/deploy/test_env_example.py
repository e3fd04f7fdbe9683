""".env.example: one setting or one comment a line, as systemd and ``docker --env-file`` read it.

Both take everything after the first ``=`` as the value, a ``# comment`` after it included,
and neither strips quotes; clickbot's own reader is kinder, so only the format tells.
"""

from __future__ import annotations

import re

from tests.deploy.files import ROOT

SETTING = re.compile(r"CLICKBOT_[A-Z0-9_]+=(?:[^#\s'\"]+(?: [^#\s'\"]+)*)?")
"""An assignment whose value has no quotes, ``#`` or spaces around it for a reader to misread
(single spaces inside, as in a business's name, read the same everywhere)."""


def _misread_lines(text: str) -> list[str]:
    """Return the lines that systemd or docker would read otherwise than clickbot does."""
    bad = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            # A commented-out setting must still be right once uncommented.
            setting = line.removeprefix("#").strip()
            if re.match(r"CLICKBOT_[A-Z0-9_]*=", setting) and not SETTING.fullmatch(setting):
                bad.append(line)
            continue
        if not SETTING.fullmatch(line) or "'" in line or '"' in line:
            bad.append(line)
    return bad


def test_every_line_is_blank_a_comment_or_a_bare_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    assert _misread_lines(text) == []


def test_a_trailing_comment_is_caught_set_or_commented_out() -> None:
    text = (
        "CLICKBOT_LOG_LEVEL=INFO  # or DEBUG\n"
        "# CLICKBOT_WEBHOOK_PORT=8443   # behind the proxy\n"
        "  # an indented comment\n"
        "CLICKBOT_TERMS_URL='https://example.com'\n"
        "# a comment = with an equals sign\n"
        "CLICKBOT_SIGNUPS_PER_DAY=5\n"
    )

    assert _misread_lines(text) == [
        "CLICKBOT_LOG_LEVEL=INFO  # or DEBUG",
        "# CLICKBOT_WEBHOOK_PORT=8443   # behind the proxy",
        "  # an indented comment",
        "CLICKBOT_TERMS_URL='https://example.com'",
    ]

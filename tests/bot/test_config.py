"""Settings: read from ``CLICKBOT_*`` variables and ``.env``, one clear line per bad setting,
secrets never shown.

Every test passes its own environment mapping; the process environment is never read.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings, SettingsError, read_dotenv

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:AAH-very-secret-token"
API_KEY = "api-key-do-not-leak-42"
SECRETS = {
    "CLICKBOT_TELEGRAM_TOKEN": TOKEN,
    "CLICKBOT_CLICKBOOK_API_KEY": API_KEY,
    "CLICKBOT_WEBHOOK_SECRET": "hook_secret-77-and-long-enough-for-the-rule",
    # a valid Fernet key (32 url-safe base64 bytes): a bad one is refused as a setting
    "CLICKBOT_SECRET_KEY": "ZmVybmV0LWtleS1kby1ub3QtbGVhay0zMi1ieXRlcyE=",
}


def test_reads_prefixed_variables_with_their_types() -> None:
    settings = Settings.from_env(
        {
            **SECRETS,
            "CLICKBOT_OWNER_IDS": "11, 22 33",
            "CLICKBOT_WEBHOOK_PORT": "8080",
            "CLICKBOT_SIGNUPS_PER_DAY": "3",
            "CLICKBOT_REGISTRATION_RETRY_SECONDS": "2.5",
            "CLICKBOT_DATABASE": "/var/lib/clickbot/bot.db",
            "CLICKBOT_BUSINESS_TIMEZONE": "Australia/Sydney",
            "CLICKBOT_DEFAULT_LANGUAGE": "de",
            "CLICKBOT_LOG_LEVEL": "DEBUG",
            "CLICKBOT_CLICKBOOK_URL": "",
            "TELEGRAM_TOKEN": "ignored: no prefix",
        }
    )

    assert settings.telegram_token == SecretStr(TOKEN)
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == TOKEN
    assert settings.owner_ids == frozenset({11, 22, 33})
    assert settings.webhook_port == 8080
    assert settings.signups_per_day == 3
    assert settings.registration_retry == timedelta(seconds=2.5)
    assert settings.database == Path("/var/lib/clickbot/bot.db")
    assert settings.business_timezone == "Australia/Sydney"
    assert settings.default_language == "de"
    assert settings.log_level == "DEBUG"
    assert settings.uses_sandbox
    assert not settings.webhook_mode


def test_defaults_need_no_variables() -> None:
    settings = Settings.from_env({})
    assert settings.telegram_token is None
    assert settings.signups_per_day == 5
    assert settings.default_language == "en"


def test_dotenv_fills_what_the_environment_leaves_unset(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# a comment\n"
        "\n"
        "export CLICKBOT_SIGNUPS_PER_DAY=7\n"
        "CLICKBOT_TERMS_URL='https://example.com/terms'\n"
        'CLICKBOT_BUSINESS_TIMEZONE="Europe/Berlin"\n'
        "CLICKBOT_LOG_LEVEL=WARNING\n",
        encoding="utf-8",
    )

    settings = Settings.from_env({"CLICKBOT_LOG_LEVEL": "ERROR"}, dotenv=dotenv)

    assert settings.signups_per_day == 7
    assert settings.terms_url == "https://example.com/terms"
    assert settings.business_timezone == "Europe/Berlin"
    assert settings.log_level == "ERROR"


def test_dotenv_values_may_carry_comments(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "CLICKBOT_BUSINESS_TIMEZONE=UTC          # IANA name\n"
        "CLICKBOT_TELEGRAM_TOKEN=                # from @BotFather\n"
        'CLICKBOT_TERMS_URL="https://example.com/t#anchor"  # quoted: the # stays\n'
        "CLICKBOT_WEBHOOK_SECRET=abc#def\n"
        "CLICKBOT_CLICKBOOK_API_KEY=#starts-with-a-hash\n",
        encoding="utf-8",
    )

    values = read_dotenv(dotenv)

    assert values["CLICKBOT_BUSINESS_TIMEZONE"] == "UTC"
    assert values["CLICKBOT_TELEGRAM_TOKEN"] == ""
    assert values["CLICKBOT_TERMS_URL"] == "https://example.com/t#anchor"
    assert values["CLICKBOT_WEBHOOK_SECRET"] == "abc#def"
    assert values["CLICKBOT_CLICKBOOK_API_KEY"] == "#starts-with-a-hash"


def test_a_dotenv_saved_with_a_byte_order_mark_reads_its_first_line(tmp_path: Path) -> None:
    # Windows editors (Notepad's "UTF-8 with BOM") put U+FEFF before the first key.
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"CLICKBOT_TELEGRAM_TOKEN={TOKEN}\r\nCLICKBOT_BUSINESS_TIMEZONE=Europe/Berlin\r\n",
        encoding="utf-8-sig",
    )
    assert dotenv.read_bytes().startswith(b"\xef\xbb\xbf")

    settings = Settings.from_env({}, dotenv=dotenv)

    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == TOKEN
    assert settings.business_timezone == "Europe/Berlin"


def test_the_documented_example_file_works_as_a_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", dotenv)

    settings = Settings.from_env({}, dotenv=dotenv)

    assert settings.telegram_token is None
    assert settings.business_timezone == "UTC"
    assert settings.terms_url == "https://www.clickbook.net/terms"
    assert settings.default_language == "en"
    assert settings.signups_per_day == 5
    assert settings.registration_retry_seconds == 30
    assert settings.log_level == "INFO"
    problems = settings.run_problems()
    assert [problem.split(":")[0] for problem in problems] == ["CLICKBOT_TELEGRAM_TOKEN"]


def test_each_bad_setting_is_one_clear_line() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                **SECRETS,
                "CLICKBOT_BUSINESS_TIMEZONE": "Mars/Olympus",
                "CLICKBOT_SIGNUPS_PER_DAY": "many",
                "CLICKBOT_WEBHOOK_PORT": "70000",
                "CLICKBOT_TERMS_URL": "example.com/terms",
                "CLICKBOT_OWNER_IDS": "12, ann, bob",
                "CLICKBOT_LOG_LEVEL": "LOUD",
                "CLICKBOT_DEFAULT_LANGUAGE": "fr",
                "CLICKBOT_WEBHOOK_URL": "bot.example.com/hook",
                "CLICKBOT_COLOUR": "blue",
            }
        )

    problems = caught.value.problems
    names = [problem.split(":", 1)[0] for problem in problems]
    assert sorted(names) == sorted(
        [
            "CLICKBOT_BUSINESS_TIMEZONE",
            "CLICKBOT_SIGNUPS_PER_DAY",
            "CLICKBOT_WEBHOOK_PORT",
            "CLICKBOT_TERMS_URL",
            "CLICKBOT_OWNER_IDS",
            "CLICKBOT_LOG_LEVEL",
            "CLICKBOT_DEFAULT_LANGUAGE",
            "CLICKBOT_WEBHOOK_URL",
            "CLICKBOT_COLOUR",
        ]
    )
    for problem in problems:
        assert "\n" not in problem
        assert len(problem.split(":", 1)[1].strip()) > 5, problem
    assert str(caught.value) == "\n".join(problems)
    by_name = dict(problem.split(": ", 1) for problem in problems)
    assert "Mars/Olympus" in by_name["CLICKBOT_BUSINESS_TIMEZONE"]
    assert "unknown setting" in by_name["CLICKBOT_COLOUR"]
    assert all(code in by_name["CLICKBOT_DEFAULT_LANGUAGE"] for code in ("en", "es", "de", "ru"))
    for secret in SECRETS.values():
        assert secret not in str(caught.value)


@pytest.mark.parametrize(
    "secret", ["has space", "x" * 257, "naïve", "semi;colon", "x" * 31, "Zq9"]
)
def test_bad_webhook_secret_is_reported_without_echoing_it(secret: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"CLICKBOT_WEBHOOK_SECRET": secret})

    [problem] = caught.value.problems
    assert problem.startswith("CLICKBOT_WEBHOOK_SECRET: ")
    assert secret not in problem


def test_secrets_never_show_in_repr_str_or_dumps() -> None:
    settings = Settings.from_env(SECRETS)

    shown = [
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        str(settings.model_dump()),
        f"{settings}",
    ]
    for text in shown:
        for secret in SECRETS.values():
            assert secret not in text
    assert settings.clickbook_api_key.get_secret_value() == API_KEY


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(ValueError, match="frozen"):
        settings.signups_per_day = 99  # type: ignore[misc]


def test_the_status_server_and_log_format_settings() -> None:
    default = Settings.from_env({})
    chosen = Settings.from_env(
        {
            "CLICKBOT_STATUS_PORT": "9464",
            "CLICKBOT_STATUS_HOST": "10.0.0.5",
            "CLICKBOT_LOG_FORMAT": "json",
        }
    )

    assert (default.status_port, default.status_host, default.log_format) == (
        0,
        "127.0.0.1",
        "text",
    )
    assert (chosen.status_port, chosen.status_host, chosen.log_format) == (
        9464,
        "10.0.0.5",
        "json",
    )
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"CLICKBOT_STATUS_PORT": "70000", "CLICKBOT_LOG_FORMAT": "xml"})
    assert [problem.split(":")[0] for problem in caught.value.problems] == [
        "CLICKBOT_LOG_FORMAT",
        "CLICKBOT_STATUS_PORT",
    ]


def test_the_home_screen_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "CLICKBOT_BUSINESS_NAME": " Sunny Salon ",
            "CLICKBOT_BOOKING_URL": "https://sunny.example.com/book",
            "CLICKBOT_CONTACT": "@sunny_salon",
            "CLICKBOT_PASSWORD_RESET_URL": "https://www.clickbook.net/reset",
        }
    )
    assert settings.business_name == "Sunny Salon"
    assert settings.booking_url == "https://sunny.example.com/book"
    assert settings.contact == "@sunny_salon"
    assert settings.sign_in_url == "https://www.clickbook.net/"
    assert settings.password_reset_url == "https://www.clickbook.net/reset"

    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {"CLICKBOT_BOOKING_URL": "sunny.example.com", "CLICKBOT_BUSINESS_NAME": "x" * 65}
        )
    assert [problem.split(":")[0] for problem in caught.value.problems] == [
        "CLICKBOT_BUSINESS_NAME",
        "CLICKBOT_BOOKING_URL",
    ]

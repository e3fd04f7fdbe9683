"""The ``clickbot`` command line: help, the sandbox server, the scripted demo, bad settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from bot.demo import run_demo

SUBCOMMANDS = (
    "run",
    "demo",
    "sandbox",
    "bench",
    "secret",
    "rotate-key",
    "backup",
    "db",
    "forget",
)


@pytest.mark.parametrize("argv", [["--help"], *[[name, "--help"] for name in SUBCOMMANDS]])
def test_help_works_for_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: clickbot" in capsys.readouterr().out


def test_secret_prints_a_fernet_key(capsys: pytest.CaptureFixture[str]) -> None:
    from cryptography.fernet import Fernet

    assert main(["secret"]) == 0
    key = capsys.readouterr().out.strip()
    Fernet(key.encode())  # raises if it is not a valid key


def test_run_reports_each_bad_setting_on_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLICKBOT_BUSINESS_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("CLICKBOT_SIGNUPS_PER_DAY", "many")
    monkeypatch.setenv("CLICKBOT_TELEGRAM_TOKEN", "123:SECRET-TOKEN")

    assert main(["run", "--env-file", str(tmp_path / "missing.env")]) == 2

    lines = capsys.readouterr().err.strip().splitlines()
    assert any(line.startswith("clickbot: CLICKBOT_BUSINESS_TIMEZONE:") for line in lines)
    assert any(line.startswith("clickbot: CLICKBOT_SIGNUPS_PER_DAY:") for line in lines)
    assert len(lines) == 2
    assert "Traceback" not in "\n".join(lines)
    assert "SECRET-TOKEN" not in "\n".join(lines)


def test_run_without_a_token_says_how_to_try_the_bot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("CLICKBOT_"):
            monkeypatch.delenv(name)
    assert main(["run", "--env-file", str(tmp_path / "missing.env")]) == 2
    error = capsys.readouterr().err
    assert "CLICKBOT_TELEGRAM_TOKEN" in error
    assert "clickbot demo" in error


def test_sandbox_command_serves_and_prints_its_settings(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0", "--api-key", "k-123"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(7)]
        origin = lines[0].strip().rsplit(" ", 1)[-1]
        assert origin.startswith("http://127.0.0.1:")
        assert f"CLICKBOT_CLICKBOOK_URL={origin}/wsapi/latest/" in "".join(lines)
        assert "CLICKBOT_CLICKBOOK_API_KEY=k-123" in "".join(lines)
        state = httpx.get(f"{origin}/_sandbox/state", timeout=5).json()
        assert state["staff"][0]["email"] == "staff@sandbox.example"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


async def test_scripted_demo_signs_a_customer_up(tmp_path: Path) -> None:
    out = io.StringIO()
    script = [
        "/start", "[Start]", "[Ann]", "Lee", "ann@example.com", "[Yes]", ":contact",
        "[Australia]", "[Sydney]", "[Yes]", "Secret123", "Secret123", "[agree]", "[Create]",
        ":restart", "/start", ":as Bob Stone", "/start", "hello?", ":jobs", ":nonsense", ":quit",
    ]  # fmt: skip

    code = await run_demo(
        database=tmp_path / "demo.db", language="en", name="Ann Lee", interactive=False,
        stdout=out, script=script,
    )  # fmt: skip

    text = out.getvalue()
    assert code == 0
    assert "You're registered as Ann Lee" in text
    assert "Welcome back! You are registered as Ann Lee" in text
    assert "now acting as Bob Stone" in text
    assert "unknown action ':nonsense'" in text
    assert '"email": "ann@example.com"' in text
    assert "Secret123" not in text.split("— ClickBook sandbox —")[1]


async def test_scripted_demo_runs_the_whole_staff_loop(tmp_path: Path) -> None:
    out = io.StringIO()
    script = [
        ":as Sam Staff", "/staff_link", ":as Bea Brown", ":link", "/signin",
        "staff@sandbox.example", "sandbox-staff-1", "/invite", "Ann", "Lee", "+61 2 9876 5432",
        "[Skip]", "ann@example.com", "[Yes]", "[Send]", ":accept ann@example.com", ":jobs",
        ":quit",
    ]  # fmt: skip

    code = await run_demo(
        database=tmp_path / "demo.db", language="en", name="Ann Lee", interactive=False,
        stdout=out, script=script, owners=["Sam Staff"],
    )  # fmt: skip

    text = out.getvalue()
    assert code == 0
    assert "Bea Brown opened your staff link and is now staff" in text
    assert "(the bot deleted this message at once)" in text
    assert "Invitation emailed to ann@example.com" in text
    assert "Ann Lee accepted your invitation" in text
    assert "sandbox-staff-1" not in text.split("Bea Brown: sandbox-staff-1")[1]


@pytest.mark.parametrize(
    ("argv", "environ", "refused"),
    [
        (["--sandbox"], {}, []),
        ([], {"CLICKBOT_CLICKBOOK_SANDBOX": "true"}, []),
        ([], {}, ["CLICKBOT_CLICKBOOK_URL"]),
        (
            ["--sandbox"],
            {"CLICKBOT_CLICKBOOK_URL": "https://clickbook.example/wsapi/latest/"},
            ["CLICKBOT_CLICKBOOK_SANDBOX"],
        ),
    ],
    ids=["flag", "setting", "neither", "sandbox-and-url"],
)
def test_run_serves_from_the_sandbox_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    environ: dict[str, str],
    refused: list[str],
) -> None:
    for name in list(os.environ):
        if name.startswith("CLICKBOT_"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    # No token either, so `run` stops before starting anything; the token line is always there.
    assert main(["run", "--env-file", str(tmp_path / "missing.env"), *argv]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    named = [line.removeprefix("clickbot: ").split(":")[0] for line in lines]
    assert named == ["CLICKBOT_TELEGRAM_TOKEN", *refused]


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])

    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"clickbot {version('clickbot')}"

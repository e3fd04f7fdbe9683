"""deploy/clickbot.service: what ``systemd-analyze`` says of it, and the README installing it."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

from tests.deploy.files import DEPLOY, readme_shell_lines, run_tool

UNIT = DEPLOY / "clickbot.service"
INSTALLED_CLICKBOT = "/opt/clickbot/bin/clickbot"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    # systemd keys are case-sensitive; typeshed declares optionxform a method, not a slot.
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT, encoding="utf-8")
    return parser


def _here(tmp_path: Path, text: str) -> Path:
    """Write the unit with ExecStart pointing at this checkout's clickbot, which verify runs."""
    clickbot = Path(sys.executable).parent / "clickbot"
    assert clickbot.is_file(), "the test extra installs clickbot into this virtualenv"
    unit = tmp_path / "clickbot.service"
    unit.write_text(text.replace(INSTALLED_CLICKBOT, str(clickbot)), encoding="utf-8")
    return unit


def _verify(unit: Path) -> tuple[int, str]:
    return run_tool("systemd-analyze", "verify", str(unit))


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify exits 0 on unknown keys and bad values too; it prints them, so nothing may be said.
    assert _verify(_here(tmp_path, UNIT.read_text(encoding="utf-8"))) == (0, "")


def test_verify_would_catch_a_misspelt_hardening_option(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8").replace("NoNewPrivileges=", "NoNewPrivilege=")

    _, said = _verify(_here(tmp_path, text))

    assert "Unknown key 'NoNewPrivilege'" in said


def test_the_unit_is_hardened(tmp_path: Path) -> None:
    unit = _here(tmp_path, UNIT.read_text(encoding="utf-8"))
    code, said = run_tool(
        "systemd-analyze", "security", "--offline=yes", "--threshold=20", str(unit)
    )
    # Exposure from 0 (locked down) to 10 (unprotected); 2.0 and below is systemd's "OK".
    assert code == 0, said[-300:]
    service = _unit()["Service"]
    assert service["User"] == "clickbot"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["StateDirectory"] == "clickbot"
    assert service["Restart"] == "on-failure"


def test_the_readme_installs_the_unit_it_describes() -> None:
    commands = readme_shell_lines()
    service = _unit()["Service"]
    assert any(
        "deploy/clickbot.service /etc/systemd/system/clickbot.service" in line for line in commands
    )
    binary = service["ExecStart"].split()[0]
    venv = binary.removesuffix("/bin/clickbot")
    assert f"sudo python3 -m venv {venv}" in commands
    assert any(line.startswith(f"sudo {venv}/bin/pip install ") for line in commands)
    assert any(
        line.startswith("sudo useradd --system") and line.endswith(f" {service['User']}")
        for line in commands
    )
    env_file = service["EnvironmentFile"]
    assert any(line.endswith(f".env.example {env_file}") for line in commands)
    assert f"sudoedit {env_file}" in commands
    state = f"/var/lib/{service['StateDirectory']}"
    assert service["WorkingDirectory"] == state
    for maintenance in ("db status", "backup"):
        assert any(
            line.startswith(
                f"sudo -u {service['User']} {binary} {maintenance} --env-file {env_file}"
            )
            for line in commands
        ), maintenance

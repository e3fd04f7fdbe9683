"""The deploy files and the README's commands, read the way the tests compare them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def readme_shell_lines() -> list[str]:
    """Return every command line of the README's ```sh blocks, comments cut off."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)
    lines = (line.split("  # ")[0].strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line]


def tool(name: str) -> str:
    """Return the path of a command-line tool, from this virtualenv first, or fail the test.

    Not a skip: CI runs on Debian with systemd, and the test extra installs hadolint.
    """
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: these checks need it (README Deploy, Tests)")
    return found


TOOL_TIMEOUT = 300
"""Seconds a tool may take: `pip wheel` fetches its build backend, slow on a loaded machine."""


def run_tool(name: str, *arguments: str, environ: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a tool on our own files; return its exit code and everything it said."""
    result = subprocess.run(  # noqa: S603 - our own files
        [tool(name), *arguments],
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
        env=environ,
    )
    return result.returncode, (result.stdout + result.stderr).strip()

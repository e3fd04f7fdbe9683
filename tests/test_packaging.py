"""Packaging: the license as PEP 639 metadata, the LICENSE file, and the typed packages."""

from __future__ import annotations

import tomllib
from importlib.metadata import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_installed_metadata_carries_the_mit_license_expression_and_file() -> None:
    installed = metadata("clickbot")

    assert installed["License-Expression"] == "MIT"
    assert installed.get_all("License-File") == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


def test_the_packages_ship_py_typed_with_a_build_backend_that_knows_pep_639() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())

    assert "setuptools>=77" in project["build-system"]["requires"]
    for package in ("bot", "conversations"):
        assert "py.typed" in project["tool"]["setuptools"]["package-data"][package]
        assert (ROOT / package / "py.typed").is_file()

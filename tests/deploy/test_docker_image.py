"""deploy/Dockerfile and .dockerignore: hadolint's verdict, and the README building them."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

from tests.deploy.files import DEPLOY, ROOT, readme_shell_lines, run_tool

DOCKERFILE = DEPLOY / "Dockerfile"


def _hadolint(dockerfile: Path) -> tuple[int, str]:
    return run_tool("hadolint", "--no-color", str(dockerfile))


def _instructions() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (NAME, arguments), continuation lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    text = re.sub(
        r"\\\n\s*",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    found = []
    for line in text.splitlines():
        if line.strip():
            name, _, arguments = line.strip().partition(" ")
            found.append((name.upper(), arguments.strip()))
    return found


def _last(name: str) -> str:
    return [arguments for found, arguments in _instructions() if found == name][-1]


def test_the_dockerfile_passes_hadolint() -> None:
    assert _hadolint(DOCKERFILE) == (0, "")


def test_hadolint_would_catch_a_root_image(tmp_path: Path) -> None:
    rooted = tmp_path / "Dockerfile"
    rooted.write_text(
        DOCKERFILE.read_text(encoding="utf-8").replace("python:3.11-slim", "python:latest"),
        encoding="utf-8",
    )

    code, said = _hadolint(rooted)

    assert code != 0
    assert "DL3007" in said


def test_the_image_runs_unprivileged_with_the_database_on_a_volume() -> None:
    bases = [arguments for name, arguments in _instructions() if name == "FROM"]
    assert all(base.startswith("python:3.11-slim") for base in bases)
    uid = _last("USER").split(":")[0]
    assert uid.isdigit(), "numeric, so that Kubernetes can tell it is not root"
    assert int(uid) >= 1000
    (volume,) = json.loads(_last("VOLUME"))
    assert _last("WORKDIR") == volume
    assert f"CLICKBOT_DATABASE={volume}/clickbot.db" in _last("ENV")
    health = _last("HEALTHCHECK")
    assert health.split("CMD ", 1)[1] == '["python", "/opt/clickbot/healthcheck.py"]'
    assert "COPY deploy/healthcheck.py /opt/clickbot/healthcheck.py" in [
        f"{name} {arguments}" for name, arguments in _instructions()
    ]


def test_the_readme_builds_and_runs_the_image_the_dockerfile_describes() -> None:
    commands = readme_shell_lines()
    build = "docker build -f deploy/Dockerfile -t clickbot ."
    assert build in commands
    assert build in DOCKERFILE.read_text(encoding="utf-8"), "the Dockerfile's own note"
    (volume,) = json.loads(_last("VOLUME"))
    (run,) = [line for line in commands if line.startswith("docker run -d ")]
    assert f"-v clickbot-data:{volume} " in run
    assert "--env-file clickbot.env" in run
    assert run.endswith(" clickbot")
    # The image's command is the README's production command.
    command = " ".join(json.loads(_last("CMD")))
    assert command == "clickbot run"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{command}` |" in readme
    for maintenance in ("clickbot db status", f"clickbot backup {volume}/"):
        assert any(line.startswith(f"docker exec clickbot {maintenance}") for line in commands)
    # The restore runs in the volume as the image's user: its WORKDIR is the volume.
    assert f"docker run --rm -v clickbot-data:{volume} clickbot sh -c 'cp " in "\n".join(commands)


def test_the_build_context_holds_what_the_image_copies_and_nothing_secret() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore, "everything is left out unless allowed"
    copied = set()
    for name, arguments in _instructions():
        if name == "COPY" and not arguments.startswith("--from"):
            copied.update(arguments.split()[:-1])
    assert copied <= allowed
    for path in copied:
        assert (ROOT / path).exists(), path
    assert not allowed & {".env", ".venv", ".git", "tests", "clickbot.db"}


def test_the_build_stage_installs_from_what_the_image_copies(tmp_path: Path) -> None:
    # The build stage's `pip install .` sees only the COPY'd files, without .dockerignore's.
    context = tmp_path / "src"
    ignored = shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.mo")
    for name, arguments in _instructions():
        if name == "COPY" and not arguments.startswith("--from") and "deploy/" not in arguments:
            for source in arguments.split()[:-1]:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, context / source, ignore=ignored)
                else:
                    context.mkdir(exist_ok=True)
                    shutil.copy(ROOT / source, context / source)

    code, said = run_tool(
        "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(context)
    )

    assert code == 0, said[-2000:]
    (wheel,) = tmp_path.glob("clickbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("bot/cli.py", "conversations/signup.py", "locales/de/LC_MESSAGES/clickbot.po"):
        assert shipped in names

"""The Docker image's HEALTHCHECK: ask the bot's ``/healthz`` on this machine, exit 0 or 1.

Standard library only, so that it starts fast and needs nothing the image lacks. Which port:

- ``CLICKBOT_STATUS_PORT`` when set and not 0 (the status server, at
  ``CLICKBOT_STATUS_HOST``, loopback by default; the image sets 9464);
- else the webhook server's (``CLICKBOT_WEBHOOK_PORT``, 8443 by default) when
  ``CLICKBOT_WEBHOOK_URL`` is set: ``/healthz`` there answers 200 when the store and
  ClickBook answer, 503 naming the failing part otherwise;
- else (long polling without a status server) there is nothing to ask: it says so and
  exits 0, and the container's health is that its process runs.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

TIMEOUT_SECONDS = 4.0
"""Below the Dockerfile's ``--timeout`` so that a hung bot is reported, not killed."""
ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}


def health_url(environ: Mapping[str, str]) -> str | None:
    """Return the ``/healthz`` URL the bot serves with this environment, or None if none."""
    status_port = environ.get("CLICKBOT_STATUS_PORT", "").strip()
    if status_port not in ("", "0"):  # 0: no status server
        return _url(environ.get("CLICKBOT_STATUS_HOST", ""), status_port)
    if environ.get("CLICKBOT_WEBHOOK_URL", "").strip():
        port = environ.get("CLICKBOT_WEBHOOK_PORT", "").strip() or "8443"
        return _url(environ.get("CLICKBOT_WEBHOOK_LISTEN", ""), port)
    return None


def _url(listen: str, port: str) -> str:
    """Return ``/healthz`` on a server listening at ``listen``, asked on loopback if it can."""
    host = listen.strip()
    if host in ANY_ADDRESS:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def check(environ: Mapping[str, str]) -> tuple[int, str]:
    """Ask the bot once; return the exit code and one line saying what was found."""
    url = health_url(environ)
    if url is None:
        return 0, "long polling without a status server: no /healthz to ask"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return 0, f"{url}: {response.status} {response.read(200).decode(errors='replace')}"
    except urllib.error.HTTPError as error:
        return 1, f"{url}: {error.code} {error.read(200).decode(errors='replace')}"
    except (OSError, ValueError) as error:
        return 1, f"{url}: {type(error).__name__}: {error}"


def main() -> int:
    """Check the bot with this process's environment and print the finding."""
    code, finding = check(os.environ)
    sys.stdout.write(finding + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

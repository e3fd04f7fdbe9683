"""A local stand-in for ClickBook's server, implementing ``clickbook-contract.md``.

One Starlette app serves the SOAP services (``/wsapi/latest/ClickBook{Public,Private,Admin}``
and their WSDL), Domino sign-in and sign-out, and the sandbox-only controls under
``/_sandbox/``. It never imports ``bot.clickbook``: it reads the contract on its own, so a
mistake in the client cannot hide in shared code.

Use it in process with ``httpx.AsyncClient(transport=SandboxTransport(create_app()))`` or over
HTTP with ``serve(SandboxConfig())``.
"""

from bot.sandbox.clickbook.app import create_app
from bot.sandbox.clickbook.clock import ManualClock
from bot.sandbox.clickbook.config import SandboxConfig, SandboxUrls, sandbox_urls
from bot.sandbox.clickbook.server import serve
from bot.sandbox.clickbook.transport import SandboxTransport

__all__ = [
    "ManualClock",
    "SandboxConfig",
    "SandboxTransport",
    "SandboxUrls",
    "create_app",
    "sandbox_urls",
    "serve",
]

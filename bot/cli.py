"""The ``clickbot`` command: ``run``, ``demo``, ``sandbox``, ``bench``, ``secret`` and the
operator's ``rotate-key``, ``backup``, ``db status``, ``forget`` and ``stats``.

Operator-facing output here is English on purpose: the catalogs in ``locales/`` are for what
Telegram users see, and the operator reads logs and docs in English anyway.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, SettingsError
from bot.demo_actions import actions_help
from bot.i18n import LANGUAGES
from bot.version import package_version

DEMO_EXAMPLE = """\
the staff side: clickbot demo --owner "Sam Staff", then
  :as Sam Staff, /staff_link, :as Bea Brown, :link, /signin (the sandbox's staff account
  is printed at the start), /invite ... [Send the invitation], :accept EMAIL, :jobs, /pending"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clickbot",
        description="A Telegram bot that signs customers up for ClickBook and invites clients.",
    )
    parser.add_argument("--version", action="version", version=f"clickbot {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run the bot (polling, or a webhook when CLICKBOT_WEBHOOK_URL is set)"
    )
    _env_file_option(run)
    run.add_argument(
        "--sandbox",
        action="store_true",
        help="serve users from the built-in ClickBook sandbox (same as "
        "CLICKBOT_CLICKBOOK_SANDBOX=true); accounts made there are not real",
    )

    demo = commands.add_parser(
        "demo",
        help="the whole bot in the terminal: no token, no account, no network",
        description="The whole bot as a chat in this terminal: Telegram and ClickBook are\n"
        "simulated on this machine. Type /start and answer.",
        epilog=actions_help() + "\n\n" + DEMO_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--database", type=Path, default=None, help="default: a temporary file")
    demo.add_argument("--language", default="en", help="the simulated user's Telegram language")
    demo.add_argument("--name", default="Ann Lee", help="the simulated user's Telegram name")
    demo.add_argument(
        "--owner",
        action="append",
        default=[],
        metavar="NAME",
        help="make the simulated user NAME an owner (staff links, staff list); repeatable",
    )

    sandbox = commands.add_parser("sandbox", help="serve the ClickBook sandbox on this machine")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8099)
    sandbox.add_argument("--staff-email", default=None)
    sandbox.add_argument("--staff-password", default=None)
    sandbox.add_argument("--api-key", default=None)

    _bench_parser(commands.add_parser("bench", help="measure the bot in the field and flat out"))
    commands.add_parser("secret", help="print a new CLICKBOT_SECRET_KEY")
    _maintenance_parsers(commands)
    _forget_parser(commands)
    return parser


def _env_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="default: .env")


def _maintenance_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rotate = commands.add_parser(
        "rotate-key",
        help="re-encrypt every stored staff sign-in with the first key of CLICKBOT_SECRET_KEY",
    )
    _env_file_option(rotate)
    backup = commands.add_parser(
        "backup", help="copy the database (CLICKBOT_DATABASE) to PATH, also while the bot runs"
    )
    backup.add_argument("path", type=Path, help="a new file; created readable by you only")
    _env_file_option(backup)
    db = commands.add_parser("db", help="the database's schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    status = db_commands.add_parser(
        "status", help="the schema version and the migrations the next start applies"
    )
    _env_file_option(status)
    stats = commands.add_parser(
        "stats", help="the owner's numbers: sign-ups, where customers stop, invitations"
    )
    _env_file_option(stats)
    stats.add_argument("--language", choices=LANGUAGES, help="default: CLICKBOT_DEFAULT_LANGUAGE")


def _forget_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forget = commands.add_parser(
        "forget",
        help="delete what the bot keeps about a customer (as their /privacy does)",
        description="Delete every row that names a customer: language, drafts, registration, "
        "conversation state, invitations to their address. Their ClickBook account stays.",
    )
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--telegram-id", type=int, metavar="N", help="the customer's Telegram id")
    who.add_argument("--email", metavar="X", help="every customer who gave this address")
    _env_file_option(forget)


def _bench_parser(bench: argparse.ArgumentParser) -> None:
    from bot.bench.population import ThinkTime

    presets = bench.add_mutually_exclusive_group()
    presets.add_argument("--quick", action="store_true", help="a short run (10 customers)")
    presets.add_argument("--burst", action="store_true", help="100 customers over 60 s")
    only = bench.add_mutually_exclusive_group()
    only.add_argument(
        "--field", dest="only", action="store_const", const="field", help="the field run only"
    )
    only.add_argument(
        "--capacity", dest="only", action="store_const", const="capacity", help="capacity only"
    )
    bench.add_argument("--customers", type=int, help="field customers (default 60)")
    bench.add_argument("--period", type=float, help="seconds they arrive over (default 60)")
    bench.add_argument("--think", type=ThinkTime.parse, help="LOW-HIGH seconds (default 2-6)")
    bench.add_argument("--seed", type=int, help="arrivals and think times (default 7)")
    bench.add_argument("--telegram-latency-ms", type=float, help="per Bot API call (40)")
    bench.add_argument("--clickbook-latency-ms", type=float, help="per ClickBook call (300)")
    bench.add_argument("--capacity-users", type=int, help="capacity customers (default 200)")
    bench.add_argument("--capacity-concurrency", type=int, help="capacity: at once (50)")
    bench.add_argument("--rounds", type=int, help="capacity rounds, median reported (3)")


def _bench(args: argparse.Namespace) -> int:
    from bot.bench import customise, preset, run_bench

    base = preset("quick" if args.quick else "burst" if args.burst else "default")
    options = customise(
        base,
        customers=args.customers,
        period=args.period,
        think=args.think,
        seed=args.seed,
        telegram_ms=args.telegram_latency_ms,
        clickbook_ms=args.clickbook_latency_ms,
        only=args.only,
        capacity_users=args.capacity_users,
        capacity_concurrency=args.capacity_concurrency,
        rounds=args.rounds,
    )
    return asyncio.run(run_bench(options))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``clickbot`` command line; return the process exit code."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB's int time periods are deprecated (22.2)
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        return _sandbox(args)
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(
            run_demo(
                database=args.database,
                language=args.language,
                name=args.name,
                interactive=sys.stdin.isatty(),
                owners=args.owner,
            )
        )
    if args.command == "bench":
        return _bench(args)
    if args.command in ("rotate-key", "backup", "db"):
        return _maintain(args)
    if args.command == "forget":
        return _forget(args)
    if args.command == "stats":
        return _stats(args)
    if args.command == "secret":
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())  # noqa: T201
        return 0
    return _run(args)


def _sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox.clickbook import SandboxConfig, sandbox_urls, serve

    overrides = {
        key: value
        for key, value in {
            "staff_email": args.staff_email,
            "staff_password": args.staff_password,
            "api_key": args.api_key,
        }.items()
        if value is not None
    }
    config = SandboxConfig(**overrides)

    def ready(origin: str) -> None:
        urls = sandbox_urls(origin)
        lines = [
            f"ClickBook sandbox listening on {origin}",
            "Configure the bot with:",
            f"  CLICKBOT_CLICKBOOK_URL={urls.api_url}",
            f"  CLICKBOT_CLICKBOOK_AUTH_URL={urls.auth_url}",
            f"  CLICKBOT_CLICKBOOK_LOGOUT_URL={urls.logout_url}",
            f"  CLICKBOT_CLICKBOOK_API_KEY={config.api_key}",
            f"Seeded staff account: {config.staff_email} / {config.staff_password}",
            f"Sandbox controls: {origin}/_sandbox/state, /_sandbox/outbox",
            "Press Ctrl+C to stop.",
        ]
        print("\n".join(lines), flush=True)  # noqa: T201

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config, host=args.host, port=args.port, ready=ready))
    return 0


def _settings(env_file: Path) -> Settings | None:
    """Read the settings, or print each problem on its own line and return None."""
    try:
        return Settings.from_env(dotenv=env_file)
    except SettingsError as error:
        for problem in error.problems:
            print(f"clickbot: {problem}", file=sys.stderr)  # noqa: T201
        return None


def _maintain(args: argparse.Namespace) -> int:
    from bot import maintenance

    settings = _settings(args.env_file)
    if settings is None:
        return 2
    if args.command == "backup":
        return maintenance.backup(settings, args.path)
    if args.command == "db":
        return maintenance.db_status(settings)
    return asyncio.run(maintenance.rotate_key(settings))


def _forget(args: argparse.Namespace) -> int:
    from bot.forget import forget

    settings = _settings(args.env_file)
    if settings is None:
        return 2
    return asyncio.run(forget(settings, telegram_id=args.telegram_id, email=args.email))


def _stats(args: argparse.Namespace) -> int:
    from bot.stats_command import print_stats

    settings = _settings(args.env_file)
    if settings is None:
        return 2
    return asyncio.run(print_stats(settings, args.language))


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args.env_file)
    if settings is None:
        return 2
    if args.sandbox:
        settings = settings.model_copy(update={"clickbook_sandbox": True})
    problems = settings.run_problems()
    for problem in problems:
        print(f"clickbot: {problem}", file=sys.stderr)  # noqa: T201
    if problems:
        return 2
    from bot.runner import StartupError, configure_logging, run_production

    configure_logging(settings.log_level, settings.log_format)
    try:
        return run_production(settings)
    except StartupError as error:
        print(f"clickbot: {error}", file=sys.stderr)  # noqa: T201
        return 1

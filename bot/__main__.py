"""Allow ``python -m bot`` as a synonym for the ``clickbot`` command."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

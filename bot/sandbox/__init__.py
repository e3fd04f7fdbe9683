"""Local stand-ins for the outside world: a ClickBook server and a Telegram Bot API emulator."""

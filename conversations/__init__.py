"""The bot's conversations: one module per flow, plus the shared form engine and pickers."""

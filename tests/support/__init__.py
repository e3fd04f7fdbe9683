"""Helpers for tests that play the user: not tests themselves."""

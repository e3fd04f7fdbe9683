"""Gettext catalogs (``<lang>/LC_MESSAGES/clickbot.po``) and their ``clickbot.pot`` template.

A package only so that the catalogs ship inside the wheel and load through importlib.resources.
"""

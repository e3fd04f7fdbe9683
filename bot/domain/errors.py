"""The one error every field parser raises: a stable code plus parameters for the message."""

from __future__ import annotations


class FieldError(Exception):
    """Raised when user input for a field is not acceptable.

    ``code`` is a stable dotted id such as ``email.invalid`` that the conversation layer turns
    into a localized message; ``params`` fills that message's placeholders. Neither ever holds
    a secret such as a password.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = params

    def __repr__(self) -> str:
        params = "".join(f", {key}={value!r}" for key, value in self.params.items())
        return f"{type(self).__name__}({self.code!r}{params})"

"""Domain refusals: each carries one sentence an agent or admin understands.

Pure Python, shared by rules, store, screens and CLI.
"""

from __future__ import annotations


class CalldeskError(Exception):
    """Base of every refusal calldesk shows to a person (never a traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(CalldeskError):
    """A value typed by a person is not acceptable; `field` names where it belongs."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ProfileError(CalldeskError):
    """A protocol profile or data file is broken (names the file, the key and the problem)."""


class NotFound(CalldeskError):
    """The case, user or record asked for does not exist."""


class PermissionDenied(CalldeskError):
    """The signed-in user's role may not do this."""


class UnknownUser(CalldeskError):
    """The signed-in account is not a calldesk user, or has been deactivated."""


class StaleCase(CalldeskError):
    """Someone else saved the case after it was loaded; nothing was overwritten."""


class ConsentRefused(CalldeskError):
    """Student information may not be disclosed: `code` is required / expired / out_of_scope."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class RuleRefused(CalldeskError):
    """The protocol forbids this action (e.g. closing without a resolution)."""


class StoreError(CalldeskError):
    """The store cannot be reached or used (bad URL, locked, corrupt)."""


class MissingFields(InvalidInput):
    """Required fields are empty: `fields` maps each form field to the sentence shown under it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()), field=next(iter(fields), None))
        self.fields = dict(fields)

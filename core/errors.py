"""Errors that carry a message meant for the person at the screen."""

from __future__ import annotations

from dataclasses import dataclass, field


class UserFacingError(Exception):
    """A refusal with a clear message; views show it, the API answers 400/409 with it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(UserFacingError):
    """The action is not allowed in the object's current state (HTTP 409)."""


@dataclass
class Problem:
    """One problem found while validating an import: where, and why."""

    where: str  # file name or sheet
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        parts = [self.where]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”")
        return "，".join(parts) + "：" + self.reason


@dataclass
class ValidationReport(Exception):
    """Every problem found; nothing has been written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

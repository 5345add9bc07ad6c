"""Typed exceptions for user-facing errors (reported without a traceback by the CLI)."""

from __future__ import annotations

from dataclasses import dataclass


class FerronetError(Exception):
    """Base class of errors caused by user input; the CLI prints the message and exits non-zero."""


class UnknownNameError(FerronetError, KeyError):
    """A gene, compound, condition, cell or readout name that ferronet does not know."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind, self.name, self.suggestions = kind, name, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {kind} '{name}'{hint}")

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type, tuple[str, str, list[str]]]:  # survives a process pool
        return (type(self), (self.kind, self.name, self.suggestions))


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class ValidationError(FerronetError):
    """All problems found while validating an input, reported together."""

    SHOWN = 100  # the message lists this many; ``problems`` keeps them all

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems[: self.SHOWN])
        more = f"\n  ... and {len(problems) - self.SHOWN} more" if len(problems) > self.SHOWN else ""
        super().__init__(f"{len(problems)} problem(s) found:\n{lines}{more}")

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:  # survives a process pool
        return (type(self), (self.problems,))

"""The one error type chat readers raise for input they cannot read."""

from __future__ import annotations

from pathlib import Path


class ChatFormatError(ValueError):
    """Unreadable or unrecognised chat input; ``str(err)`` is the one-line message for the user.

    ``ChatFormatError(path, problem)`` reads "NAME: problem"; ``ChatFormatError(message)``
    is accepted too. Whitespace (newlines included) is collapsed to keep it on one line.
    """

    def __init__(self, path: Path | str, problem: str | None = None) -> None:
        if problem is None:
            self.path: Path | None = None
            self.problem = " ".join(str(path).split())
            message = self.problem
        else:
            self.path = Path(path)
            self.problem = " ".join(str(problem).split())
            message = f"{self.path.name}: {self.problem}"
        super().__init__(message)

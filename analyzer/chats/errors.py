"""The one error type chat readers raise for input they cannot read."""

from __future__ import annotations

from pathlib import Path


class ChatFormatError(ValueError):
    """Unreadable or unrecognised chat input; ``str(err)`` is the one-line message for the user."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = " ".join(str(problem).split())  # always one line
        super().__init__(f"{self.path.name}: {self.problem}")

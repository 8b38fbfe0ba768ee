"""The one record every chat reader yields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message: who sent it, when (None if the export has no time), and its text."""

    sender: str
    time: datetime | None
    text: str

"""Telegram Desktop JSON export reader (``result.json``), streaming.

Reads a single-chat export (``{"name", "type", "id", "messages": [...]}``) and a full
account export (``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``), where each
chat becomes its own conversation. ``text`` may be a string or a list of plain strings and
entity objects (``{"type": "bold", "text": ...}``); pieces are joined as-is (no added spaces).
Service messages, forwarded messages and media without a caption are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import ChatFormatError
from .jsonfile import stream_json
from .jsonstream import ENTER
from .message import Message
from .textio import ProgressFn

EXPECTED = "a Telegram Desktop export (result.json, 'Machine-readable JSON' format)"
SINGLE = ("messages", "*")
FULL = ("chats|left_chats", "list", "*", "messages", "*")


def message_text(text: Any) -> str:
    """Flatten Telegram's ``text`` (a string, or a list of strings and entity objects)."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else "" for p in text)
    return ""


def _time(item: dict[str, Any]) -> datetime | None:
    date = item.get("date")
    if isinstance(date, str):
        try:
            return datetime.fromisoformat(date)
        except ValueError:
            pass
    unix = item.get("date_unixtime")
    try:
        return datetime.fromtimestamp(int(unix), tz=timezone.utc) if unix is not None else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def to_message(item: Any) -> Message | None:
    """A Message for a user's own text message, else None."""
    if not isinstance(item, dict) or item.get("type", "message") != "message":
        return None
    if "forwarded_from" in item:
        return None
    text = message_text(item.get("text")).strip()
    if not text:
        return None
    sender = item.get("from")
    sender = sender.strip() if isinstance(sender, str) and sender.strip() else "Deleted Account"
    return Message(sender, _time(item), text)


def read_telegram(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``(conversation, Message)``; the conversation is ``""`` in a single-chat export."""
    found = False
    for where, value in stream_json(path, EXPECTED, SINGLE, FULL, progress=progress):
        if where == ("messages",) or (len(where) == 4 and where[3] == "messages"):
            found = found or value is ENTER
        elif len(where) == 2 and where[0] == "messages":
            msg = to_message(value)
            if msg is not None:
                yield "", msg
        elif len(where) == 5:
            msg = to_message(value)
            if msg is not None:
                yield f"{where[0]}/{where[2]}", msg
    if not found:
        raise ChatFormatError(path, f"no 'messages' list found; expected {EXPECTED}")

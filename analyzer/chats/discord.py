"""DiscordChatExporter reader: JSON (streamed) and CSV exports of one channel or DM.

JSON: ``{"guild", "channel", "messages": [{"type", "timestamp", "content", "author": {...}}]}``;
only ``Default`` and ``Reply`` messages by non-bots with text are kept (joins, pins, calls
and attachment-only posts are skipped). CSV: ``AuthorID,Author,Date,Content,Attachments,Reactions``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ChatFormatError
from .jsonfile import stream_json
from .message import Message
from .textio import ProgressFn, head_text, open_text
from .timeparse import parse_timestamp

EXPECTED = "a DiscordChatExporter export (JSON with 'guild', 'channel', 'messages', or CSV with AuthorID,Author,Date,Content)"
CSV_HEADER = ("AuthorID", "Author", "Date", "Content")
USER_TYPES = {"default", "reply"}
_DISCRIMINATOR = re.compile(r"#\d{4}$")


def _author(author: Any) -> tuple[str, bool] | None:
    if isinstance(author, dict):
        name = author.get("nickname") or author.get("name")
        return (str(name), bool(author.get("isBot"))) if name else None
    return None


def json_message(item: Any) -> Message | None:
    """A Message for a user-written Discord message object, else None."""
    if not isinstance(item, dict) or str(item.get("type", "Default")).lower() not in USER_TYPES:
        return None
    author = _author(item.get("author"))
    text = item.get("content")
    if author is None or author[1] or not isinstance(text, str) or not text.strip():
        return None
    return Message(author[0].strip(), parse_timestamp(item.get("timestamp")), text.strip())


def read_discord_json(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``("", Message)`` from a DiscordChatExporter JSON file."""
    found = False
    for where, value in stream_json(path, EXPECTED, ("messages", "*"), progress=progress):
        if len(where) == 2:
            found = True
            msg = json_message(value)
            if msg is not None:
                yield "", msg
        elif where == ("messages",):
            found = True
    if not found:
        raise ChatFormatError(path, f"no 'messages' list found; expected {EXPECTED}")


def read_discord_csv(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``("", Message)`` from a DiscordChatExporter CSV file."""
    with open_text(path, progress, newline="") as fh:
        try:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or not set(CSV_HEADER) <= set(reader.fieldnames):
                raise ChatFormatError(path, f"missing columns {', '.join(CSV_HEADER)}; expected {EXPECTED}")
            for row in reader:
                text = (row.get("Content") or "").strip()
                author = _DISCRIMINATOR.sub("", (row.get("Author") or "").strip())
                if text and author:
                    yield "", Message(author, parse_timestamp(row.get("Date")), text)
        except csv.Error as err:
            raise ChatFormatError(path, f"broken CSV ({err}); expected {EXPECTED}") from None
        except UnicodeDecodeError:
            raise ChatFormatError(path, f"the file is not valid {fh.encoding} text; expected {EXPECTED}") from None


def read_discord(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Dispatch on content: JSON object or CSV."""
    if head_text(path, 4096).lstrip().startswith("{"):
        return read_discord_json(path, progress)
    return read_discord_csv(path, progress)

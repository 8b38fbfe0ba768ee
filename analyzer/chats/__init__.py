"""Chat export readers: one module per format, auto-detected, all streaming ``Message`` records.

>>> for msg in read_chat(Path("WhatsApp Chat with Sam.txt")):   # doctest: +SKIP
...     print(msg.sender, msg.time, msg.text)

``iter_chat`` also yields the conversation each message belongs to (an SMS backup or a
full Telegram export holds many), which pairing needs; ``read_chat`` drops it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .discord import CSV_HEADER as DISCORD_CSV_HEADER
from .discord import read_discord
from .errors import ChatFormatError
from .generic import is_row_file, read_generic
from .imessage import DATE_LINE as IMESSAGE_DATE_LINE
from .imessage import read_imessage
from .message import Message
from .messenger import PART as MESSENGER_PART
from .messenger import read_messenger
from .sms import read_sms
from .telegram import read_telegram
from .textio import ProgressFn, head_text, read_head
from .whatsapp import match_header, read_whatsapp

__all__ = [
    "FORMATS",
    "ChatFormatError",
    "Message",
    "collapse_inputs",
    "detect_format",
    "is_row_input",
    "iter_chat",
    "read_chat",
]

Reader = Callable[[Path, "ProgressFn | None"], Iterator[tuple[str, Message]]]

READERS: dict[str, Reader] = {
    "whatsapp": read_whatsapp,
    "telegram": read_telegram,
    "messenger": read_messenger,
    "instagram": read_messenger,
    "discord": read_discord,
    "imessage": read_imessage,
    "sms": read_sms,
}
FORMATS: tuple[str, ...] = (*READERS, "csv", "jsonl")
"""Every value ``--format`` accepts besides ``auto``."""

EXPECTED_ANY = (
    "expected a WhatsApp .txt, Telegram result.json, Messenger/Instagram message_N.json, "
    "DiscordChatExporter .json/.csv, imessage-exporter .txt, SMS Backup & Restore .xml, "
    "or CSV/JSONL with sender,timestamp,text (or reply) columns"
)
_TELEGRAM_HINT = re.compile(
    r'"(personal_information|date_unixtime|from_id|text_entities)"\s*:|"type"\s*:\s*"(personal_chat|private_group|'
    r'private_supergroup|public_supergroup|private_channel|public_channel|bot_chat|saved_messages)"'
)
_MESSENGER_HINT = re.compile(r'"(sender_name|senderName|timestamp_ms|participants|thread_path|threadName)"\s*:')
_DISCORD_HINT = re.compile(r'"guild"\s*:\s*\{')
_CSV_KNOWN = {"sender", "author", "from", "speaker", "user", "text", "message", "content", "body", "reply"}


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise ChatFormatError(path, "is a folder; pass the export file itself (e.g. _chat.txt, result.json, message_1.json)")
    if not path.exists():
        raise ChatFormatError(path, "no such file")


def _detect_json_object(head: str) -> str | None:
    if _DISCORD_HINT.search(head) and '"channel"' in head:
        return "discord"
    if _TELEGRAM_HINT.search(head):
        return "telegram"
    if _MESSENGER_HINT.search(head):
        return "messenger"
    first = head.lstrip().split("\n", 1)[0]
    try:
        if isinstance(json.loads(first), dict):
            return "jsonl"
    except json.JSONDecodeError:
        pass
    return None


def _detect_text(path: Path, head: str) -> str | None:
    lines = [line for line in head.splitlines()[:60] if line.strip()]
    if not lines:
        return None
    if any(match_header(line) for line in lines[:40]):
        return "whatsapp"
    if any(IMESSAGE_DATE_LINE.match(line) for line in lines[:10]):
        return "imessage"
    try:
        header = next(csv.reader([lines[0]]))
    except csv.Error:
        return None
    names = {h.strip().lower() for h in header}
    if set(DISCORD_CSV_HEADER) <= {h.strip() for h in header}:
        return "discord"
    if len(header) >= 2 and names & _CSV_KNOWN:
        return "csv"
    return None


def detect_format(path: Path | str) -> str:
    """The format name (one of FORMATS) of an export file, from its content; ChatFormatError if unknown."""
    path = Path(path)
    _check_file(path)
    raw = read_head(path, 4)
    if raw.startswith(b"PK\x03\x04"):
        raise ChatFormatError(path, "is a zip archive; unzip the export and pass the chat file inside")
    head = head_text(path)
    start = head.lstrip()[:1]
    found: str | None = None
    if start == "<":
        found = "sms" if re.search(r"<(smses|allsms)[\s>]", head) else None
    elif start == "{":
        found = _detect_json_object(head)
    elif start == "[":
        if match_header(head.lstrip()):
            found = "whatsapp"
        elif re.match(r"\[\s*[{\]]", head.lstrip()):
            found = "jsonl"  # a JSON array of record objects
    else:
        found = _detect_text(path, head)
    if found is None and start and path.suffix.lower() in (".jsonl", ".ndjson"):
        found = "jsonl"
    if found is None:
        if not head.strip():
            raise ChatFormatError(path, f"the file is empty; {EXPECTED_ANY}")
        raise ChatFormatError(path, f"unrecognised chat export; {EXPECTED_ANY}")
    return found


def resolve_format(path: Path, fmt: str = "auto") -> str:
    """``fmt`` checked, or detected when ``"auto"``."""
    if fmt == "auto":
        return detect_format(path)
    if fmt == "json":
        return "jsonl"
    if fmt not in FORMATS:
        raise ChatFormatError(path, f"unknown format {fmt!r}; expected auto or one of {', '.join(FORMATS)}")
    _check_file(path)
    return fmt


def is_row_input(path: Path, fmt: str = "auto") -> bool:
    """True for CSV/JSONL files of reply rows (a ``reply`` column), scored row by row, not paired."""
    fmt = resolve_format(path, fmt)
    return fmt in ("csv", "jsonl") and is_row_file(path, fmt)


def iter_chat(path: Path | str, fmt: str = "auto", progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """``(conversation, Message)`` pairs of an export, in order. Detection is eager, reading lazy."""
    path = Path(path)
    fmt = resolve_format(path, fmt)
    if fmt in ("csv", "jsonl"):
        if is_row_file(path, fmt):
            raise ChatFormatError(path, "holds reply rows (a 'reply' column), not chat messages")
        return read_generic(path, fmt, progress)
    return READERS[fmt](path, progress)


def read_chat(path: Path | str, fmt: str = "auto") -> Iterator[Message]:
    """The messages of a chat export, in order (``fmt`` one of FORMATS or ``"auto"``)."""
    return (msg for _conversation, msg in iter_chat(path, fmt))


def collapse_inputs(paths: Iterable[Path]) -> list[Path]:
    """Drop repeated Messenger/Instagram parts: any ``message_N.json`` reads its whole folder."""
    seen: set[Path] = set()
    kept: list[Path] = []
    for path in paths:
        if MESSENGER_PART.match(path.name):
            folder = path.parent.resolve()
            if folder in seen:
                continue
            seen.add(folder)
        kept.append(path)
    return kept

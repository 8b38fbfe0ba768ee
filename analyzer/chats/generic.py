"""Generic CSV / JSON Lines input: chat messages (sender, timestamp, text) or labelled rows.

Column names are matched case-insensitively against common spellings (``SENDER_KEYS`` …).
A file whose columns include ``reply`` is a *row* file (the labelled-data schema of
DESIGN.md: ``reply`` and optional ``disclosure``, other columns passed through) and is
scored row by row rather than paired; see ``is_row_file``. A ``.json`` file holding a
top-level array of such objects is read like JSON Lines, streaming.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ChatFormatError
from .jsonfile import stream_json
from .message import Message
from .textio import ProgressFn, head_text, open_text
from .timeparse import parse_timestamp

SENDER_KEYS = ("sender", "author", "from", "sender_name", "speaker", "user", "username", "name", "participant")
TIME_KEYS = ("timestamp", "time", "date", "datetime", "created_at", "sent_at", "ts", "date_sent", "when")
TEXT_KEYS = ("text", "message", "content", "body", "msg")
CONVERSATION_KEYS = ("conversation", "conversation_id", "chat", "chat_id", "thread", "thread_id", "channel", "dialog_id")
EXPECTED_JSONL = "JSON Lines: one object per line with sender, timestamp, text (or reply[, disclosure])"
EXPECTED_CSV = "CSV with a header row naming sender, timestamp, text (or reply[, disclosure])"


def _expected(fmt: str) -> str:
    return EXPECTED_CSV if fmt == "csv" else EXPECTED_JSONL


def _is_json_array(path: Path) -> bool:
    return head_text(path, 4096).lstrip().startswith("[")


def iter_records(path: Path, fmt: str, progress: ProgressFn | None = None) -> Iterator[dict[str, Any]]:
    """Stream the records of a CSV (``fmt="csv"``) or JSON Lines / JSON array file as dicts."""
    expected = _expected(fmt)
    if fmt == "csv":
        with open_text(path, progress, newline="") as fh:
            try:
                reader = csv.DictReader(fh)
                if not reader.fieldnames:
                    raise ChatFormatError(path, f"the file is empty; expected {expected}")
                for row in reader:
                    yield {k: v for k, v in row.items() if k is not None}
            except csv.Error as err:
                raise ChatFormatError(path, f"broken CSV ({err}); expected {expected}") from None
            except UnicodeDecodeError:
                raise ChatFormatError(path, f"the file is not valid {fh.encoding} text; expected {expected}") from None
        return
    if _is_json_array(path):
        for where, value in stream_json(path, expected, ("*",), progress=progress):
            if len(where) == 1:
                if not isinstance(value, dict):
                    raise ChatFormatError(path, f"item {where[0] + 1} is not an object; expected {expected}")
                yield value
        return
    with open_text(path, progress) as fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, start=1):  # noqa: B007
                line = line.strip().lstrip("\ufeff")
                if not line:
                    continue
                try:
                    value = json.loads(line)
                except RecursionError:
                    raise ChatFormatError(path, f"line {lineno} is nested too deeply; expected {expected}") from None
                except json.JSONDecodeError as err:
                    raise ChatFormatError(path, f"line {lineno} is not valid JSON ({err.msg}); expected {expected}") from None
                if not isinstance(value, dict):
                    raise ChatFormatError(path, f"line {lineno} is not a JSON object; expected {expected}")
                yield value
        except UnicodeDecodeError:
            raise ChatFormatError(path, f"line {lineno + 1} is not valid {fh.encoding} text; expected {expected}") from None


def columns(path: Path, fmt: str) -> list[str]:
    """The column names of a CSV header, or the keys of the first JSON record."""
    for record in iter_records(path, fmt):
        return list(record)
    return []


def is_row_file(path: Path, fmt: str) -> bool:
    """True when the file holds labelled/reply rows (a ``reply`` column) rather than chat messages."""
    return "reply" in {c.strip().lower() for c in columns(path, fmt)}


def pick_column(names: list[str], wanted: tuple[str, ...]) -> str | None:
    """The first of ``wanted`` (case-insensitive) among ``names``, as spelled in ``names``."""
    lowered = {n.strip().lower(): n for n in names}
    return next((lowered[w] for w in wanted if w in lowered), None)


def read_generic(path: Path, fmt: str, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``(conversation, Message)`` from a generic chat CSV/JSONL (file order)."""
    expected = _expected(fmt)
    keys: tuple[str | None, str | None, str | None, str | None] | None = None
    for record in iter_records(path, fmt, progress):
        if keys is None:
            names = list(record)
            sender, text = pick_column(names, SENDER_KEYS), pick_column(names, TEXT_KEYS)
            if sender is None or text is None:
                found = ", ".join(names[:8]) or "none"
                raise ChatFormatError(path, f"no sender/text columns (found: {found}); expected {expected}")
            keys = (sender, pick_column(names, TIME_KEYS), text, pick_column(names, CONVERSATION_KEYS))
        sender_key, time_key, text_key, conv_key = keys
        who, body = record.get(sender_key), record.get(text_key)  # type: ignore[arg-type]
        if who is None or body is None or not str(body).strip() or not str(who).strip():
            continue
        conv = str(record.get(conv_key, "")) if conv_key else ""
        when = parse_timestamp(record.get(time_key)) if time_key else None
        yield conv, Message(str(who).strip(), when, str(body).strip())

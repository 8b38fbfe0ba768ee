"""Facebook Messenger and Instagram ``message_N.json`` reader.

One conversation is a folder of parts ``message_1.json`` (newest) … ``message_N.json``
(oldest), each listing messages newest first. Given any part, the reader reads all parts of
its folder and yields the conversation oldest first (sorted by timestamp; one part, at most
~10k messages, is in memory at a time). Strings in these exports are UTF-8 bytes written as
latin-1 code points (``"caf\\u00c3\\u00a9"``); ``fix_mojibake`` reverses that. The newer
end-to-end-encrypted Messenger layout (``senderName``/``text``/``timestamp``) is read too.
Unsent messages, reactions, calls, attachments-only and group events are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ChatFormatError
from .message import Message
from .textio import ProgressFn, open_text

EXPECTED = "a Facebook Messenger or Instagram export (message_1.json with 'participants' and 'messages')"
PART = re.compile(r"^message_(\d+)\.json$", re.IGNORECASE)
SKIP_TYPES = {"call", "subscribe", "unsubscribe"}


@lru_cache(maxsize=1)
def _system() -> re.Pattern[str]:
    data = json.loads(Path(__file__).with_name("messenger_patterns.json").read_text("utf-8"))
    return re.compile("|".join(f"(?:{p})" for p in data["system"]), re.IGNORECASE | re.DOTALL)


def fix_mojibake(text: str) -> str:
    """Undo Facebook's latin-1 escaping of UTF-8 bytes; leave correctly decoded text alone."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def conversation_parts(path: Path) -> list[Path]:
    """All ``message_N.json`` parts of ``path``'s conversation, oldest part first."""
    if not PART.match(path.name):
        return [path]
    parts = [p for p in path.parent.iterdir() if PART.match(p.name) and p.is_file()]
    return sorted(parts, key=lambda p: -int(PART.match(p.name)[1]))  # type: ignore[index]


def _load(path: Path, progress: ProgressFn | None) -> dict[str, Any]:
    with open_text(path, progress) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as err:
            raise ChatFormatError(path, f"broken JSON ({err.msg} at line {err.lineno}); expected {EXPECTED}") from None
        except UnicodeDecodeError:
            raise ChatFormatError(path, f"the file is not valid {fh.encoding} text; expected {EXPECTED}") from None
        except RecursionError:
            raise ChatFormatError(path, f"broken JSON (nesting too deep); expected {EXPECTED}") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ChatFormatError(path, f"no 'messages' list found; expected {EXPECTED}")
    return data


def to_message(item: Any) -> tuple[int, Message] | None:
    """``(timestamp_ms, Message)`` for a typed message, else None."""
    if not isinstance(item, dict) or item.get("is_unsent") or item.get("isUnsent"):
        return None
    if str(item.get("type", "")).lower() in SKIP_TYPES:
        return None
    sender, text = item.get("sender_name", item.get("senderName")), item.get("content", item.get("text"))
    stamp = item.get("timestamp_ms", item.get("timestamp"))
    if not isinstance(sender, str) or not isinstance(text, str):
        return None
    text = fix_mojibake(text).strip()
    if not text or _system().match(text):
        return None
    when = None
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        try:
            when = datetime.fromtimestamp(stamp / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            when = None
    return int(stamp) if when else 0, Message(fix_mojibake(sender).strip() or "Unknown", when, text)


def read_messenger(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``(conversation, Message)`` for a conversation folder's parts, oldest first."""
    key = path.parent.name if PART.match(path.name) else path.name
    for part in conversation_parts(path):
        data = _load(part, progress)
        found = [m for m in map(to_message, data["messages"]) if m is not None]
        if len(found) > 1 and found[0][0] > found[-1][0]:
            found.reverse()  # the usual newest-first order; equal timestamps keep their true order
        found.sort(key=lambda pair: pair[0])
        for _stamp, msg in found:
            yield key, msg

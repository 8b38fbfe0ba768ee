"""imessage-exporter ``--format txt`` reader, streaming.

Each message is a block: a date line (``May 17, 2022  5:29:42 PM`` with an optional
``(Read by … after …)`` note), the sender (``Me``, a contact name, a phone number or an
e-mail), then body lines, then a blank line. Threaded replies are repeated indented under
the message they answer and are skipped there (they also appear at top level). Reactions,
attachment paths, effects, "responded to an earlier message" notes, renames and deletions
are not message text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from .errors import ChatFormatError
from .message import Message
from .textio import ProgressFn, iter_lines

EXPECTED = "an imessage-exporter .txt export (blocks of 'May 17, 2022  5:29:42 PM', sender, text)"
DATE_LINE = re.compile(
    r"^(?P<date>[A-Z][a-z]{2} \d{1,2}, \d{4}\s+\d{1,2}:\d{2}:\d{2}\s?[AP]M)(?P<rest>.*)$"
)
_READ_NOTE = re.compile(r"^\s*\((Read|Delivered) by .*\)\s*$")
_NOT_TEXT = re.compile(
    r"^(Reactions:|(Loved|Liked|Disliked|Laughed at|Laughed|Emphasized|Emphasised|Questioned) by .+|"
    r"Sticker from .+|Sent with [A-Z][a-z]+( [A-Z][a-z]+)?|This message responded to an earlier message\.|"
    r"Attachment missing!|SharePlay Message|Ended|(You|They|.{1,40}) deleted a message\.|"
    r"Edited .{1,40} later: .*|(/|~/|[A-Za-z]:\\).+\.[A-Za-z0-9]{2,5}|.+\.(heic|jpe?g|png|gif|mov|mp4|caf|m4a|pdf|pluginPayloadAttachment))$",
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime | None:
    """Parse ``May 17, 2022  5:29:42 PM`` (any run of spaces)."""
    try:
        return datetime.strptime(" ".join(text.split()), "%b %d, %Y %I:%M:%S %p")
    except ValueError:
        return None


def read_imessage(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``("", Message)`` for each top-level message with text."""
    state = "between"  # between -> sender -> body
    when: datetime | None = None
    sender = ""
    body: list[str] = []
    seen = 0

    def flush() -> Message | None:
        text = "\n".join(line for line in body if not _NOT_TEXT.match(line.strip())).strip()
        return Message(sender, when, text) if sender and text else None

    for line in iter_lines(path, progress):
        if line.startswith((" ", "\t")) and state != "sender":
            continue  # an indented threaded reply, repeated from the top level
        m = DATE_LINE.match(line)
        if m is not None and state != "sender":
            t = parse_date(m["date"])
            if t is not None:
                if state == "body":
                    msg = flush()
                    if msg is not None:
                        yield "", msg
                seen += 1
                rest = m["rest"].strip()
                if rest and not _READ_NOTE.match(rest):
                    state = "between"  # a one-line announcement: "… You renamed the conversation to …"
                    continue
                when, sender, body, state = t, "", [], "sender"
                continue
        if state == "sender":
            sender, state = line.strip(), "body"
        elif state == "body":
            body.append(line)
    if state == "body":
        msg = flush()
        if msg is not None:
            yield "", msg
    if seen == 0:
        raise ChatFormatError(path, f"no message blocks found; expected {EXPECTED}")

"""WhatsApp "Export chat" .txt reader (Android and iOS layouts), streaming.

Android:  ``12/31/23, 9:41 PM - Alice: text``   ``31.12.23, 21:41 - Alice: text``
iOS:      ``[31/12/2023, 21:41:07] Alice: text``  ``\u200e[12/31/23, 9:41:07\u202fPM] Alice: \u200eimage omitted``

Handles 12h and 24h clocks (``AM``, ``a.m.``, ``p. m.``), dotted/dashed/slashed dates,
2- and 4-digit years, year-first dates, U+200E/U+202F/NBSP marks, multi-line messages,
system events, media placeholders, deleted and edited markers (data in
``whatsapp_patterns.json``). Day/month order is inferred from the file: a first pass reads
header lines until one has a field > 12 (as chat-miner does); if none does, the order
that keeps the timestamps chronological wins, then month-first for 12h clocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from .errors import ChatFormatError
from .message import Message
from .textio import ProgressFn, iter_lines

_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
_AMPM = r"(?:\s?(?P<ampm>[ap]\.?\s?m\.?))?"
HEADER = re.compile(
    rf"^(?P<br>\[)?{_DATE},?\s{_TIME}{_AMPM}(?:(?(br)\]\s?|\s[-–]\s))(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_MARKS = str.maketrans({"\u200e": None, "\u200f": None, "\ufeff": None, "\u202f": " ", "\u00a0": " "})
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})
_DATE_SPLIT = re.compile(r"[./-]")

EXPECTED = (
    "expected a WhatsApp chat export with lines like '12/31/23, 9:41 PM - Name: text' "
    "or '[31/12/2023, 21:41:07] Name: text'"
)


@dataclass(frozen=True)
class _Patterns:
    media: re.Pattern[str]
    deleted: re.Pattern[str]
    edited: re.Pattern[str]
    system: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = json.loads((Path(__file__).with_name("whatsapp_patterns.json")).read_text("utf-8"))

    def union(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in data[key]), re.IGNORECASE)

    return _Patterns(union("media"), union("deleted"), union("edited"), union("system"))


@dataclass(frozen=True)
class DateOrder:
    """How to read the three numbers of a date."""

    year_first: bool
    day_first: bool


def match_header(line: str) -> re.Match[str] | None:
    """Match a message header line (marks normalised), or None for a continuation line."""
    if not line:
        return None
    first = line[0]
    if not (first.isdigit() or first in "[\u200e\u200f\ufeff"):
        return None
    if not line.isascii():  # keep U+200E inside the text: it marks iOS system lines
        line = line.lstrip("\u200e\u200f\ufeff").translate(_SPACES)
    return HEADER.match(line)


def _numbers(date: str) -> tuple[int, int, int, bool]:
    a, b, c = _DATE_SPLIT.split(date)
    return int(a), int(b), int(c), len(a) == 4


def _clock(time: str, ampm: str | None) -> tuple[int, int, int] | None:
    parts = [int(p) for p in re.split(r"[:.]", time)]
    hour, minute, second = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
    if ampm:
        if not 1 <= hour <= 12:
            return None
        pm = ampm.lower().lstrip()[0] == "p"
        hour = (hour % 12) + (12 if pm else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def parse_time(m: re.Match[str], order: DateOrder) -> datetime | None:
    """The datetime of a header match under ``order``; None if the numbers are impossible."""
    a, b, c, four_first = _numbers(m["date"])
    if four_first:
        year, month, day = a, b, c
    else:
        day, month = (a, b) if order.day_first else (b, a)
        year = c + 2000 if c < 100 else c
    clock = _clock(m["time"], m["ampm"])
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock)
    except ValueError:
        return None


def infer_date_order(path: Path) -> DateOrder:
    """Read header lines until the day/month order is certain; see the module docstring."""
    year_first = None
    decreases = {True: 0, False: 0}
    previous: dict[bool, datetime | None] = {True: None, False: None}
    twelve_hour = False
    seen = 0
    for line in iter_lines(path):
        m = match_header(line)
        if m is None:
            continue
        a, b, _c, four_first = _numbers(m["date"])
        seen += 1
        if year_first is None:
            year_first = four_first
        if four_first:
            return DateOrder(year_first=True, day_first=False)
        twelve_hour = twelve_hour or bool(m["ampm"])
        if a > 12 >= b:
            return DateOrder(year_first=False, day_first=True)
        if b > 12 >= a:
            return DateOrder(year_first=False, day_first=False)
        for day_first in (True, False):
            t = parse_time(m, DateOrder(False, day_first))
            if t is not None and previous[day_first] is not None and t < previous[day_first]:  # type: ignore[operator]
                decreases[day_first] += 1
            previous[day_first] = t or previous[day_first]
    if seen == 0:
        raise ChatFormatError(path, f"no WhatsApp message lines found; {EXPECTED}")
    if decreases[True] != decreases[False]:
        return DateOrder(year_first=False, day_first=decreases[True] < decreases[False])
    return DateOrder(year_first=False, day_first=not twelve_hour)


def _clean_sender(raw: str) -> str:
    return raw.translate(_MARKS).strip().lstrip("~").strip()


def _clean_text(raw_lines: list[str], pats: _Patterns) -> str | None:
    """The user's words in a message, or None if it is only media, deleted or a system line."""
    if raw_lines[0].startswith(("\u200e", "\u200f")):
        first = raw_lines[0].translate(_MARKS).strip()
        # iOS marks system events, placeholders and deletions with U+200E; a caption may follow.
        if not (pats.media.match(first) or pats.deleted.match(first)):
            return None
        raw_lines = raw_lines[1:]
    kept: list[str] = []
    for raw in raw_lines:
        line = raw.translate(_MARKS).rstrip()
        if pats.media.match(line.strip()):
            continue
        kept.append(line)
    text = "\n".join(kept).strip()
    if not text:
        return None
    text = pats.edited.sub("", text).strip()
    if not text or pats.deleted.match(text):
        return None
    return text


def read_whatsapp(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``("", Message)`` for every user message of a WhatsApp .txt export, in file order."""
    order = infer_date_order(path)
    pats = _patterns()
    sender: str | None = None
    when: datetime | None = None
    body: list[str] = []

    def flush() -> Message | None:
        if sender is None or not body:
            return None
        text = _clean_text(body, pats)
        return Message(sender, when, text) if text else None

    for line in iter_lines(path, progress):
        m = match_header(line)
        t = parse_time(m, order) if m is not None else None
        if m is None or t is None:
            if sender is not None and len(body) < 10_000:
                body.append(line)
            continue
        msg = flush()
        if msg is not None:
            yield "", msg
        sender, when, body = None, t, []
        rest = m["rest"]
        plain = rest.translate(_MARKS)
        if pats.system.match(plain.strip()):
            continue
        name, sep, text = rest.partition(": ")
        if not sep:
            name, sep, text = rest.partition(":\u200e")  # iOS: "Name:\u200e<attached: …>"
            if sep:
                text = "\u200e" + text
        if not sep or not _clean_sender(name) or len(name) > 100:
            continue  # a system line without a sender
        sender, body = _clean_sender(name), [text]
    msg = flush()
    if msg is not None:
        yield "", msg

"""Lenient timestamp parsing for CSV/JSON exports (ISO 8601, epoch seconds/ms, a few common layouts)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_FRACTION = re.compile(r"(\.\d{6})\d+")
_LAYOUTS = (
    "%d-%b-%y %I:%M %p",
    "%d-%b-%y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %I:%M %p",
)


def parse_timestamp(value: object) -> datetime | None:
    """A datetime for ``value`` (string or number), or None when it cannot be read.

    Numbers are Unix epoch seconds, or milliseconds when larger than 1e11.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return _epoch(float(text))
    iso = _FRACTION.sub(r"\1", text.replace("Z", "+00:00") if text.endswith("Z") else text)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for layout in _LAYOUTS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _epoch(number: float) -> datetime | None:
    if abs(number) > 1e11:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
